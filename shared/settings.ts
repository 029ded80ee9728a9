import { z } from "zod";

/** Every reason a punch can carry (DESIGN.md section 4). */
export const REASON_CODES = [
  "offline",
  "clock_skew",
  "outside_geofence",
  "no_location",
  "low_accuracy",
  "ip_not_allowed",
  "country_not_allowed",
  "ip_location_mismatch",
  "impossible_travel",
  "outside_window",
  "duplicate_kind",
  "synced_passkey",
  "counter_regression",
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

export const OUTCOMES = ["ignore", "flag", "reject"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What happens to a punch that carries each reason, unless the company says otherwise. */
export const DEFAULT_OUTCOMES: Record<ReasonCode, Outcome> = {
  // A queued punch is genuine but its time rests on the device clock: a person should look.
  offline: "flag",
  clock_skew: "flag",
  outside_geofence: "flag",
  no_location: "flag",
  low_accuracy: "ignore",
  ip_not_allowed: "flag",
  country_not_allowed: "flag",
  ip_location_mismatch: "flag",
  impossible_travel: "flag",
  outside_window: "flag",
  duplicate_kind: "flag",
  synced_passkey: "ignore",
  // The passkey's signature counter is lower than one it gave a punch signed earlier: a cloned
  // authenticator is one explanation, so a person should look. Never a refusal: the punch is signed.
  counter_regression: "flag",
};

/** The longest offline window a company may set: a month. */
export const MAX_OFFLINE_WINDOW_HOURS = 24 * 31;

/** The most evidence files a request may carry, and the largest each may be, whatever a company sets. */
export const MAX_EVIDENCE_FILES = 5;
export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;

/** What employees may ask to correct, and with what evidence. */
export const CorrectionPolicySchema = z.strictObject({
  /** How many days back a missed punch may be corrected. */
  windowDays: z.number().int().min(1).max(366),
  /** Requests (pending and approved) per employee per calendar month of the corrected date. */
  monthlyLimit: z.number().int().min(0).max(100),
  maxFiles: z.number().int().min(0).max(MAX_EVIDENCE_FILES),
  maxFileBytes: z.number().int().min(1024).max(MAX_EVIDENCE_BYTES),
});
export type CorrectionPolicy = z.infer<typeof CorrectionPolicySchema>;

/** How long personal data is kept (PIPL-style minimisation): the scheduled handler erases it after. */
export const RetentionPolicySchema = z.strictObject({
  /** A punch's coordinates and their accuracy (the verdict and its reasons stay). */
  locationDays: z.number().int().min(1).max(3650),
  /** A punch's IP address and what was derived from it but the country. */
  ipDays: z.number().int().min(1).max(3650),
  /** Correction evidence files (R2). */
  evidenceDays: z.number().int().min(1).max(3650),
  /** Punches older than this move to R2, a month per file; deactivated employees are anonymised after it. */
  punchMonths: z.number().int().min(1).max(240),
});
export type RetentionPolicy = z.infer<typeof RetentionPolicySchema>;

/** Company policy, stored as one JSON document; every field has a default. */
export const SettingsSchema = z.strictObject({
  /** How long a signed punch may wait offline before the server refuses it. */
  offlineWindowHours: z.number().int().min(1).max(MAX_OFFLINE_WINDOW_HOURS),
  maxDevicesPerEmployee: z.number().int().min(1).max(20),
  syncedPasskeysAllowed: z.boolean(),
  /** Time zone of employees who have none of their own. */
  defaultTimezone: z.string().min(1).max(64),
  /** Company working hours, local to each employee: the extension's reminders follow them. */
  workday: z.strictObject({
    start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    days: z.array(z.number().int().min(1).max(7)).max(7),
  }),
  outcomes: z.partialRecord(z.enum(REASON_CODES), z.enum(OUTCOMES)),
  /** The most of a fix's reported accuracy (metres) that may widen a geofence; worse fixes are `low_accuracy`. */
  locationAccuracyAllowanceM: z.number().int().min(0).max(10_000),
  /** Distance between the IP's location and the browser's beyond which a punch is `ip_location_mismatch`. */
  ipMismatchKm: z.number().min(1).max(20_000),
  /** Speed between consecutive punches beyond which a punch is `impossible_travel`. */
  travelSpeedKmh: z.number().min(1).max(100_000),
  /** ISO 3166-1 alpha-2 codes punches may come from (by the request's IP); empty allows all. */
  allowedCountries: z.array(z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code, upper case")).max(300),
  /** Decimal places of latitude and longitude kept with a punch (4 ≈ 11 m); rules see the full fix. */
  locationPrecision: z.number().int().min(0).max(7),
  /** Set in part; the rest follows the defaults. */
  corrections: CorrectionPolicySchema.partial(),
  retention: RetentionPolicySchema.partial(),
});

export type Settings = Omit<z.infer<typeof SettingsSchema>, "outcomes" | "corrections" | "retention"> & {
  outcomes: Record<ReasonCode, Outcome>;
  corrections: CorrectionPolicy;
  retention: RetentionPolicy;
};

export const DEFAULT_SETTINGS: Settings = {
  offlineWindowHours: 72,
  maxDevicesPerEmployee: 3,
  syncedPasskeysAllowed: true,
  defaultTimezone: "UTC",
  workday: { start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5] },
  outcomes: { ...DEFAULT_OUTCOMES },
  locationAccuracyAllowanceM: 100,
  ipMismatchKm: 500,
  travelSpeedKmh: 900,
  allowedCountries: [],
  locationPrecision: 4,
  corrections: { windowDays: 30, monthlyLimit: 3, maxFiles: 3, maxFileBytes: 5 * 1024 * 1024 },
  retention: { locationDays: 90, ipDays: 90, evidenceDays: 365, punchMonths: 36 },
};

/** Settings whose value is an object that is changed key by key, not replaced. */
const MERGED_KEYS = ["outcomes", "corrections", "retention"] as const;

/** `change` over `base`, the merged settings key by key (a PATCH over the stored document, stored over the defaults). */
export function mergeSettings<T extends Partial<Record<string, unknown>>>(base: T, change: Partial<T>): T {
  const merged: Record<string, unknown> = { ...base, ...change };
  for (const key of MERGED_KEYS) {
    if (change[key] !== undefined) merged[key] = { ...(base[key] as object | undefined), ...(change[key] as object) };
  }
  return merged as T;
}

/** What the settings row holds: only what admins set (the rest follows the defaults). */
export const StoredSettingsSchema = SettingsSchema.partial();

/** Stored settings over the defaults; unknown or broken stored values fall back to defaults. */
export function resolveSettings(stored: unknown): Settings {
  const partial = StoredSettingsSchema.safeParse(stored ?? {});
  return mergeSettings(DEFAULT_SETTINGS as Record<string, unknown>, partial.success ? partial.data : {}) as Settings;
}
