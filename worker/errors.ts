import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorBody, ErrorCode } from "../shared/errors";
import { ConfigurationError } from "./services/crypto";

/** An expected failure, rendered as API.md's error shape by `renderError`. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(status, { message });
  }
}

/** 429 RATE_LIMITED with a `Retry-After` header (whole seconds) and the wait in `details.retryAfterMs`. */
export class RateLimitedError extends ApiError {
  constructor(
    readonly retryAfterMs: number,
    message = "Too many attempts. Wait a few minutes and try again.",
  ) {
    super(429, "RATE_LIMITED", message, { retryAfterMs });
  }
}

/** How long a client should wait before trying again when storage failed. */
export const STORAGE_RETRY_AFTER_MS = 5_000;

/**
 * D1 or R2 failed or timed out: 503 STORAGE_UNAVAILABLE with Retry-After. A request that meets
 * this has written nothing (each request's writes are one batch, and R2 uploads are removed
 * when they cannot be completed), so sending it again is safe.
 */
export class StorageUnavailableError extends ApiError {
  constructor(cause?: unknown) {
    super(503, "STORAGE_UNAVAILABLE", "Storage is not answering right now. Nothing was recorded; try again in a few seconds.", {
      retryAfterMs: STORAGE_RETRY_AFTER_MS,
    });
    this.cause = cause;
  }
}

/**
 * Whether an error from D1 is the database failing (unreachable, overloaded, timed out), as
 * opposed to a statement refused for what it asked (a constraint, which callers handle) or a
 * mistake in it (which must show as the bug it is).
 */
export function isStorageFailure(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${err.cause instanceof Error ? err.cause.message : ""}` : String(err);
  return !/SQLITE_CONSTRAINT|constraint failed|append-only|sealed in order|no such (table|column)|syntax error|SQLITE_(ERROR|MISMATCH|RANGE|TOOBIG)|D1_TYPE_ERROR/i.test(text);
}

/** A write refused by a UNIQUE index (D1 reports it in the message, sometimes in a cause). */
export function isUniqueViolation(err: unknown): boolean {
  const text = (e: unknown): string => (e instanceof Error ? `${e.message} ${text(e.cause)}` : "");
  return /UNIQUE constraint failed/i.test(text(err));
}

export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

const CODE_FOR_STATUS: Partial<Record<number, ErrorCode>> = {
  400: "VALIDATION_FAILED",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RATE_LIMITED",
};

/** The API error an error is or carries: drizzle wraps what a query threw (the database failing, as 503) in its own error. */
function apiErrorIn(err: unknown): ApiError | null {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) if (e instanceof ApiError) return e;
  return null;
}

/** The app's one error handler: known errors keep their status; anything else is a bare 500. */
export function renderError(thrown: Error, c: Context): Response {
  const err = apiErrorIn(thrown) ?? thrown;
  if (err instanceof ApiError) {
    if (err instanceof RateLimitedError) c.header("Retry-After", String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))));
    if (err instanceof StorageUnavailableError) {
      console.error("storage unavailable", c.req.method, c.req.path, err.cause);
      c.header("Retry-After", String(STORAGE_RETRY_AFTER_MS / 1000));
    }
    return c.json(errorBody(err.code, err.message, err.details), err.status);
  }
  if (err instanceof HTTPException && err.status < 500) {
    const code = CODE_FOR_STATUS[err.status] ?? "VALIDATION_FAILED";
    return c.json(errorBody(code, err.message || "The request could not be processed."), err.status);
  }
  if (err instanceof ConfigurationError) {
    console.error("configuration error:", err.message);
    return c.json(errorBody("SERVER_MISCONFIGURED", `The server is not configured correctly: ${err.message}`), 503);
  }
  console.error("unexpected error", c.req.method, c.req.path, err);
  return c.json(errorBody("INTERNAL", "Something went wrong on the server. Nothing was recorded."), 500);
}
