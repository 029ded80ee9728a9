import { z } from "zod";
import { BASE64URL_PATTERN } from "./encoding";
import { isValidTimeZone } from "./time";

/** A UUIDv7 in its canonical lower-case form: time-ordered, so punches index well. */
export const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const GeoFixSchema = z.strictObject({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  accuracy: z.number().min(0).max(1_000_000),
});

export const GEO_ERRORS = ["denied", "unavailable", "timeout", "unsupported"] as const;

export const GeoErrorSchema = z.strictObject({ error: z.enum(GEO_ERRORS) });

export const PunchGeoSchema = z.union([GeoFixSchema, GeoErrorSchema]);

export const PUNCH_KINDS = ["in", "out"] as const;

/**
 * The signed punch document (API.md). No other keys are allowed: the signature
 * covers exactly these fields, so anything extra could not be trusted.
 */
export const PunchSchema = z.strictObject({
  v: z.literal(1),
  id: z.string().regex(UUID_V7_PATTERN, "must be a lower-case UUIDv7"),
  employeeId: z.string().min(1).max(64),
  credentialId: z.string().min(1).max(1366).regex(BASE64URL_PATTERN, "must be base64url"),
  kind: z.enum(PUNCH_KINDS),
  clientTime: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  tz: z.string().min(1).max(64).refine(isValidTimeZone, "must be an IANA time zone"),
  nonce: z.string().min(1).max(256).nullable(),
  geo: PunchGeoSchema,
});

export type Punch = z.infer<typeof PunchSchema>;
export type PunchGeo = z.infer<typeof PunchGeoSchema>;
export type PunchKind = (typeof PUNCH_KINDS)[number];

export { canonicalPunch, punchChallenge, punchChallengeBase64Url } from "./canonical";
