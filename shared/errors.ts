import { z } from "zod";

/** Every machine-readable error code the API answers with (API.md). */
export const ERROR_CODES = [
  "VALIDATION_FAILED",
  "NOT_FOUND",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "ORIGIN_NOT_ALLOWED",
  "RATE_LIMITED",
  "SETUP_TOKEN_INVALID",
  "ALREADY_SET_UP",
  "ENROLLMENT_CODE_INVALID",
  "REGISTRATION_INVALID",
  "AUTHENTICATION_INVALID",
  "DEVICE_LIMIT_REACHED",
  "ASSERTION_INVALID",
  "CREDENTIAL_REVOKED",
  "CREDENTIAL_UNKNOWN",
  "PUNCH_ID_CONFLICT",
  "CLOCK_OUT_OF_RANGE",
  "EMAIL_TAKEN",
  "CORRECTION_OUT_OF_WINDOW",
  "CORRECTION_LIMIT_REACHED",
  "CORRECTION_DUPLICATE",
  "CORRECTION_ALREADY_DECIDED",
  "EVIDENCE_TYPE_NOT_ALLOWED",
  "PUNCH_NOT_REVIEWABLE",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "METHOD_NOT_ALLOWED",
  "SERVER_MISCONFIGURED",
  "STORAGE_UNAVAILABLE",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The one error shape of every non-2xx answer. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

export type ErrorBody = z.infer<typeof ErrorBodySchema>;
