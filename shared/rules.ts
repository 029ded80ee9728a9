import type { PunchKind } from "./punch";
import type { DayPlan } from "./schedule";
import type { Outcome, ReasonCode, Settings } from "./settings";

export type PunchStatus = "accepted" | "flagged" | "rejected";
export type PunchMode = "online" | "offline";

export interface GeoPoint {
  lat: number;
  lon: number;
}

/** A geofence: a centre and a radius in metres. */
export interface Place extends GeoPoint {
  radiusM: number;
}

/** Everything the rules look at, gathered by the Worker; plain data only. */
export interface PunchRuleInput {
  kind: PunchKind;
  /** The punch's effective time (epoch ms). */
  time: number;
  mode: PunchMode;
  /** True when the client's clock fell outside the proven [not-before, received] bracket. */
  clockSkew: boolean;
  /** The browser's fix, or null with the reason it has none. */
  fix: (GeoPoint & { accuracy: number }) | null;
  fixError: "denied" | "unavailable" | "timeout" | "unsupported" | null;
  /** Sites that apply to the employee and their approved remote places; empty turns the geofence rule off. */
  places: readonly Place[];
  /** CIDR ranges that apply to the employee (company-wide and theirs); empty turns the IP rule off. */
  networks: readonly string[];
  /** The request's IP as the Worker saw it, and what Cloudflare says of it. */
  ip: string | null;
  country: string | null;
  ipLocation: GeoPoint | null;
  /** The employee's previous counted punch (by effective time), if any. */
  previous: { kind: PunchKind; time: number; location: (GeoPoint & { accuracy: number }) | null } | null;
  /**
   * The work day the punch falls in under the employee's schedule; null when
   * nothing is scheduled at all (the window rule is then off).
   */
  day: { plan: DayPlan; earliestInMin: number | null; restDayWorkAllowed: boolean } | null;
  /** The passkey is synced (backed up) across devices. */
  syncedPasskey: boolean;
  settings: Pick<
    Settings,
    "outcomes" | "locationAccuracyAllowanceM" | "ipMismatchKm" | "travelSpeedKmh" | "allowedCountries" | "syncedPasskeysAllowed"
  >;
}

export interface PunchVerdict {
  status: PunchStatus;
  /** Reasons whose outcome is not `ignore`, in a stable order. */
  reasons: ReasonCode[];
}

const STRENGTH: Record<Outcome, number> = { ignore: 0, flag: 1, reject: 2 };
const STATUS_OF: Record<Outcome, PunchStatus> = { ignore: "accepted", flag: "flagged", reject: "rejected" };

/**
 * Judges a verified punch. Status is the strongest outcome among its reasons;
 * reasons the company ignores are left out.
 */
export function evaluatePunch(input: PunchRuleInput): PunchVerdict {
  const found: ReasonCode[] = [];
  if (input.mode === "offline") found.push("offline");
  if (input.clockSkew) found.push("clock_skew");

  let strongest: Outcome = "ignore";
  const reasons: ReasonCode[] = [];
  for (const reason of found) {
    const outcome = input.settings.outcomes[reason] ?? "flag";
    if (outcome === "ignore") continue;
    reasons.push(reason);
    if (STRENGTH[outcome] > STRENGTH[strongest]) strongest = outcome;
  }
  return { status: STATUS_OF[strongest], reasons };
}
