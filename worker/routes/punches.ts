import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  NonceResponseSchema,
  PunchBatchRequestSchema,
  PunchBatchResponseSchema,
  PunchRequestSchema,
  PunchResponseSchema,
} from "../../shared/api";
import { ONLINE_NONCE_MAX_AGE_MS } from "../../shared/bracket";
import type { ErrorCode } from "../../shared/errors";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { attachDoc, describeRoute } from "../openapi";
import { issueNonce } from "../services/crypto";
import { recordPunches, type PunchContext } from "../services/punches";
import { clientIp, extensionOrigins, ipGeo } from "../services/request";
import { validate } from "../validation";
import { rateLimitSource } from "../../shared/network";
import { UNKNOWN_SOURCE } from "../services/security";

function punchContext(c: Context<AppEnv>): PunchContext {
  return {
    db: c.var.db,
    env: c.env,
    allowedOrigins: extensionOrigins(c.env),
    receivedAt: Date.now(),
    ip: clientIp(c),
    source: rateLimitSource(clientIp(c)) ?? UNKNOWN_SOURCE,
    geo: ipGeo(c),
  };
}

const PUNCH_ERRORS: ErrorCode[] = ["VALIDATION_FAILED", "ASSERTION_INVALID", "CREDENTIAL_REVOKED", "CREDENTIAL_UNKNOWN", "PUNCH_ID_CONFLICT", "CLOCK_OUT_OF_RANGE", "RATE_LIMITED"];

export const punchRoutes = new Hono<AppEnv>()
  .get(
    "/punch/nonce",
    describeRoute({ summary: "A fresh nonce proving when a punch was signed", tags: ["punching"], responses: { 200: NonceResponseSchema } }),
    async (c) => {
      const now = Date.now();
      c.header("Cache-Control", "no-store");
      return c.json({ nonce: await issueNonce(c.env.NONCE_SECRET, now), serverTime: now, expiresAt: now + ONLINE_NONCE_MAX_AGE_MS });
    },
  )
  .post(
    "/punches",
    describeRoute({
      summary: "Record one signed punch (201 new, 200 the same punch again)",
      tags: ["punching"],
      responses: { 201: PunchResponseSchema, 200: PunchResponseSchema },
      errors: PUNCH_ERRORS,
    }),
    // Validated inside recordPunches (shared with the batch route); documented here.
    attachDoc(async (_c, next) => next(), { body: PunchRequestSchema }),
    async (c) => {
      const body = await c.req.json().catch(() => {
        throw new ApiError(400, "VALIDATION_FAILED", "The request body is not valid JSON.");
      });
      const { results, session } = await recordPunches(punchContext(c), [body]);
      const result = results[0]!;
      if (result.error) {
        throw new ApiError(result.status as ContentfulStatusCode, result.error.code as ErrorCode, result.error.message, result.error.details);
      }
      return c.json({ punch: result.punch!, receipt: result.receipt!, ...(session ? { session } : {}) }, result.status as 200 | 201);
    },
  )
  .post(
    "/punches/batch",
    describeRoute({
      summary: "Record queued punches; each item gets its own HTTP status",
      tags: ["punching"],
      responses: { 200: PunchBatchResponseSchema },
      errors: ["VALIDATION_FAILED", "RATE_LIMITED"],
    }),
    validate("json", PunchBatchRequestSchema),
    async (c) => {
      const { items } = c.req.valid("json");
      const { results, session } = await recordPunches(punchContext(c), items);
      return c.json({
        results: results.map(({ employeeId: _employee, ...result }) => result),
        ...(session ? { session } : {}),
      });
    },
  );
