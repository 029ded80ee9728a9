import { HOUR_MS, MINUTE_MS } from "./time";
import type { PunchMode } from "./rules";

/** A nonce younger than this proves the punch was signed just now: the punch is online. */
export const ONLINE_NONCE_MAX_AGE_MS = 5 * MINUTE_MS;
/** Client clocks may run this far ahead of the server before a punch is refused. */
export const FUTURE_TOLERANCE_MS = 2 * MINUTE_MS;

export interface BracketInput {
  clientTime: number;
  /** Issue time of a nonce whose HMAC verified; null when absent or forged. */
  nonceIssuedAt: number | null;
  receivedAt: number;
  offlineWindowHours: number;
}

export type BracketResult =
  | { ok: true; mode: PunchMode; effectiveTime: number; clockSkew: boolean; notBefore: number }
  | { ok: false; reason: "future" | "beyond_offline_window" };

/**
 * Places a punch in time (DESIGN.md section 3).
 *
 * The server can prove two things: the punch was signed no earlier than its
 * nonce was issued (the nonce is inside the signed document), and no later
 * than it arrived. Everything else is the device's word. A fresh nonce makes
 * the punch online and its time the arrival time. Otherwise the device's
 * clock is believed only inside the proven bracket; without a nonce the
 * bracket opens at most the offline window back.
 */
export function bracketPunchTime(input: BracketInput): BracketResult {
  const { clientTime, nonceIssuedAt, receivedAt } = input;
  if (clientTime > receivedAt + FUTURE_TOLERANCE_MS) return { ok: false, reason: "future" };

  const windowStart = receivedAt - input.offlineWindowHours * HOUR_MS;
  const nonceUsable = nonceIssuedAt !== null && nonceIssuedAt <= receivedAt + FUTURE_TOLERANCE_MS;

  if (nonceUsable && receivedAt - nonceIssuedAt < ONLINE_NONCE_MAX_AGE_MS) {
    return {
      ok: true,
      mode: "online",
      effectiveTime: receivedAt,
      clockSkew: clientTime < nonceIssuedAt - FUTURE_TOLERANCE_MS,
      notBefore: nonceIssuedAt,
    };
  }

  if (!nonceUsable && clientTime < windowStart) return { ok: false, reason: "beyond_offline_window" };
  const notBefore = nonceUsable ? Math.min(nonceIssuedAt, receivedAt) : windowStart;
  const effectiveTime = Math.min(Math.max(clientTime, notBefore), receivedAt);
  if (effectiveTime < windowStart) return { ok: false, reason: "beyond_offline_window" };
  return {
    ok: true,
    mode: "offline",
    effectiveTime,
    clockSkew: clientTime < notBefore,
    notBefore,
  };
}
