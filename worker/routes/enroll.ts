import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import {
  EnrollOptionsRequestSchema,
  EnrollOptionsResponseSchema,
  EnrollVerifyRequestSchema,
  EnrollVerifyResponseSchema,
} from "../../shared/api";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { describeRoute } from "../openapi";
import { rateLimitSource } from "../../shared/network";
import { beginEnrollment, completeEnrollment } from "../services/enrollment";
import { clientIp, extensionOrigins } from "../services/request";
import { validate } from "../validation";

/** Extension passkeys belong to the extension's origin, which is also their RP ID. */
const extensionOrigin = createMiddleware<AppEnv>(async (c, next) => {
  const origin = c.req.header("Origin") ?? "";
  if (!extensionOrigins(c.env).includes(origin)) {
    throw new ApiError(403, "ORIGIN_NOT_ALLOWED", "Enrolment is only possible from the Clockwork extension.");
  }
  c.set("origin", origin);
  await next();
});

export const enrollRoutes = new Hono<AppEnv>()
  .use(extensionOrigin)
  .post(
    "/options",
    describeRoute({
      summary: "Start enrolling this extension's passkey with a one-time code",
      tags: ["enrolment"],
      responses: { 200: EnrollOptionsResponseSchema },
      errors: ["ENROLLMENT_CODE_INVALID", "RATE_LIMITED", "ORIGIN_NOT_ALLOWED"],
    }),
    validate("json", EnrollOptionsRequestSchema),
    async (c) => {
      const { code } = c.req.valid("json");
      const origin = c.var.origin;
      const { flowId, options, employee } = await beginEnrollment(c.var.db, {
        source: rateLimitSource(clientIp(c)),
        secret: c.env.NONCE_SECRET,
        code,
        purpose: "extension",
        origin,
        rpId: origin,
        now: Date.now(),
      });
      return c.json({ flowId, options, employee: { id: employee.id, name: employee.name } });
    },
  )
  .post(
    "/verify",
    describeRoute({
      summary: "Finish enrolment: store the passkey, open an employee session",
      tags: ["enrolment"],
      responses: { 201: EnrollVerifyResponseSchema },
      errors: ["REGISTRATION_INVALID", "DEVICE_LIMIT_REACHED", "ENROLLMENT_CODE_INVALID", "RATE_LIMITED"],
    }),
    validate("json", EnrollVerifyRequestSchema),
    async (c) => {
      const body = c.req.valid("json");
      const origin = c.var.origin;
      const done = await completeEnrollment(c.var.db, {
        source: rateLimitSource(clientIp(c)),
        secret: c.env.NONCE_SECRET,
        flowId: body.flowId,
        code: body.code,
        response: body.response,
        purpose: "extension",
        origin,
        rpId: origin,
        label: body.deviceLabel ?? null,
        consent: body.consent ?? false,
        consentVersion: body.consentVersion ?? null,
        ip: clientIp(c),
        now: Date.now(),
      });
      return c.json(
        {
          employeeId: done.employee.id,
          credentialId: done.credentialId,
          session: { token: done.session.token, expiresAt: done.session.expiresAt },
          // The extension rounds fixes to this before it signs, from the very first punch.
          locationPrecision: done.policy.locationPrecision,
        },
        201,
      );
    },
  );
