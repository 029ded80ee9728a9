import { sql } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import type { DB } from "../db/client";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { clientIp } from "./request";

/**
 * Counts one attempt under `key` in a fixed window and refuses past `limit`.
 * One statement (an upsert that returns the count), so it costs one round trip.
 */
export async function enforceRateLimit(db: DB, key: string, limit: number, windowMs: number, now: number) {
  const windowStart = now - (now % windowMs);
  const row = await db.get<{ count: number }>(sql`
    INSERT INTO rate_limits (key, window_start, count) VALUES (${key}, ${windowStart}, 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limits.window_start < ${windowStart} THEN 1 ELSE rate_limits.count + 1 END,
      window_start = ${windowStart}
    RETURNING count`);
  if (row && row.count > limit) {
    throw new ApiError(429, "RATE_LIMITED", "Too many attempts. Wait a few minutes and try again.", {
      retryAfterMs: windowStart + windowMs - now,
    });
  }
}

/** A middleware that counts each request against the caller's IP under `prefix`. */
export function limitPerIp(prefix: string, limit: number, windowMs: number) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await enforceRateLimit(c.var.db, `${prefix}:${clientIp(c) ?? "unknown"}`, limit, windowMs, Date.now());
    await next();
  });
}
