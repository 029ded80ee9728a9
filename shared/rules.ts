import { haversineMeters } from "./geo";
import { ipInRanges } from "./network";
import type { PunchKind } from "./punch";
import type { DayPlan } from "./schedule";
import { DEFAULT_OUTCOMES, type Outcome, REASON_CODES, type ReasonCode, type Settings } from "./settings";

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
  /**
   * The passkey's signature counter is not above the one it gave a punch signed earlier (by the
   * punches' own time and id, not by when they arrived): evidence of a cloned authenticator.
   */
  counterRegression: boolean;
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

/**
 * Accuracy (metres) given to a location known only from the request's IP. The
 * Worker stores the same value with a punch located this way, so the travel
 * rule treats previous and current punches alike.
 */
export const IP_LOCATION_ACCURACY_M = 50_000;

const STRENGTH: Record<Outcome, number> = { ignore: 0, flag: 1, reject: 2 };
const STATUS_OF: Record<Outcome, PunchStatus> = { ignore: "accepted", flag: "flagged", reject: "rejected" };
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** Whether a fix lies in a place: its radius widened by the fix's accuracy, up to the allowance. */
export function insidePlace(fix: GeoPoint & { accuracy: number }, place: Place, allowanceM: number): boolean {
  return haversineMeters(fix, place) <= place.radiusM + Math.min(fix.accuracy, allowanceM);
}

/** The rules a punch breaks, in no particular order; outcomes are not applied here. */
export function findReasons(input: PunchRuleInput): Set<ReasonCode> {
  const { fix, settings } = input;
  const found = new Set<ReasonCode>();

  if (input.mode === "offline") found.add("offline");
  if (input.clockSkew) found.add("clock_skew");

  if (input.places.length > 0) {
    if (fix === null) {
      found.add("no_location");
    } else {
      const allowance = settings.locationAccuracyAllowanceM;
      if (!input.places.some((place) => insidePlace(fix, place, allowance))) found.add("outside_geofence");
      if (fix.accuracy > allowance) found.add("low_accuracy");
    }
  }

  if (input.networks.length > 0 && (input.ip === null || !ipInRanges(input.ip, input.networks))) {
    found.add("ip_not_allowed");
  }

  if (settings.allowedCountries.length > 0) {
    const country = input.country?.toUpperCase() ?? null;
    if (country === null || !settings.allowedCountries.some((c) => c.toUpperCase() === country)) {
      found.add("country_not_allowed");
    }
  }

  if (fix !== null && input.ipLocation !== null) {
    if (haversineMeters(fix, input.ipLocation) - fix.accuracy > settings.ipMismatchKm * 1000) {
      found.add("ip_location_mismatch");
    }
  }

  const here = fix ?? (input.ipLocation && { ...input.ipLocation, accuracy: IP_LOCATION_ACCURACY_M });
  const before = input.previous?.location ?? null;
  if (input.previous !== null && before !== null && here !== null) {
    // Both accuracies count in the traveller's favour: only distance they cannot explain is travel.
    const distance = Math.max(0, haversineMeters(before, here) - before.accuracy - here.accuracy);
    const hours = Math.abs(input.time - input.previous.time) / HOUR_MS;
    if (distance > 0 && (hours === 0 || distance / 1000 / hours > settings.travelSpeedKmh)) {
      found.add("impossible_travel");
    }
  }

  if (input.day !== null) {
    const { plan, earliestInMin, restDayWorkAllowed } = input.day;
    if (plan.kind === "shift") {
      if (input.kind === "in" && earliestInMin !== null && input.time < plan.shift.start - earliestInMin * MINUTE_MS) {
        found.add("outside_window");
      }
    } else if (!restDayWorkAllowed) {
      found.add("outside_window");
    }
  }

  if (input.previous !== null && input.previous.kind === input.kind) found.add("duplicate_kind");
  if (input.syncedPasskey && !settings.syncedPasskeysAllowed) found.add("synced_passkey");
  if (input.counterRegression) found.add("counter_regression");

  return found;
}

/**
 * Judges a verified punch. Status is the strongest outcome among its reasons;
 * reasons the company ignores are left out, the rest listed in `REASON_CODES` order.
 */
export function evaluatePunch(input: PunchRuleInput): PunchVerdict {
  const found = findReasons(input);
  let strongest: Outcome = "ignore";
  const reasons: ReasonCode[] = [];
  for (const reason of REASON_CODES) {
    if (!found.has(reason)) continue;
    const outcome = input.settings.outcomes[reason] ?? DEFAULT_OUTCOMES[reason];
    if (outcome === "ignore") continue;
    reasons.push(reason);
    if (STRENGTH[outcome] > STRENGTH[strongest]) strongest = outcome;
  }
  return { status: STATUS_OF[strongest], reasons };
}
