import { and, eq, inArray, sql } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import {
  ConsoleEnrollOptionsRequestSchema,
  ConsoleEnrollVerifyRequestSchema,
  ConsoleLoginOptionsRequestSchema,
  ConsoleLoginVerifyRequestSchema,
  ConsoleSessionResponseSchema,
  FlowOptionsResponseSchema,
  ROLES,
} from "../../shared/api";
import { devices, employees, sessions, webauthnFlows } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { describeRoute } from "../openapi";
import { auditInsert } from "../services/audit";
import { hashSecret, newId } from "../services/crypto";
import { ENROLL_RATE_LIMIT, beginEnrollment, completeEnrollment } from "../services/enrollment";
import { limitPerIp } from "../services/rate-limit";
import { toEmployee } from "../services/records";
import { clientIp } from "../services/request";
import { CONSOLE_SESSION_MS, SESSION_COOKIE, isSecureCookieOrigin, newSession, requireConsole } from "../services/sessions";
import { FLOW_TTL_MS, authenticationOptions, verifyAssertion } from "../services/webauthn";
import { validate } from "../validation";
import { getCookie } from "hono/cookie";

/** Console passkeys belong to the console's hostname; requests must come from its origin. */
const consoleOrigin = createMiddleware<AppEnv>(async (c, next) => {
  // Reads carry no Origin on same-origin requests; every change must come from the console.
  if (c.req.method !== "GET" && c.req.header("Origin") !== c.env.CONSOLE_ORIGIN) {
    throw new ApiError(403, "ORIGIN_NOT_ALLOWED", "Console sign-in is only possible from the console itself.");
  }
  await next();
});

const rpIdOf = (env: Env) => new URL(env.CONSOLE_ORIGIN).hostname;

function setSessionCookie(c: Context<AppEnv>, token: string) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Strict",
    secure: isSecureCookieOrigin(c.env.CONSOLE_ORIGIN),
    path: "/",
    maxAge: Math.floor(CONSOLE_SESSION_MS / 1000),
  });
}

const limitAttempts = limitPerIp("console", ENROLL_RATE_LIMIT.limit, ENROLL_RATE_LIMIT.windowMs);

export const consoleRoutes = new Hono<AppEnv>()
  .use(consoleOrigin)
  .post(
    "/enroll/options",
    describeRoute({ summary: "Start registering a console passkey with a one-time code", tags: ["console"], responses: { 200: FlowOptionsResponseSchema }, errors: ["ENROLLMENT_CODE_INVALID", "RATE_LIMITED"] }),
    limitAttempts,
    validate("json", ConsoleEnrollOptionsRequestSchema),
    async (c) => {
      const { flowId, options } = await beginEnrollment(c.var.db, {
        code: c.req.valid("json").code,
        purpose: "console",
        origin: c.env.CONSOLE_ORIGIN,
        rpId: rpIdOf(c.env),
        now: Date.now(),
      });
      return c.json({ flowId, options });
    },
  )
  .post(
    "/enroll/verify",
    describeRoute({ summary: "Finish registering a console passkey; sets the session cookie", tags: ["console"], responses: { 200: ConsoleSessionResponseSchema }, errors: ["REGISTRATION_INVALID", "ENROLLMENT_CODE_INVALID"] }),
    limitAttempts,
    validate("json", ConsoleEnrollVerifyRequestSchema),
    async (c) => {
      const body = c.req.valid("json");
      const done = await completeEnrollment(c.var.db, {
        flowId: body.flowId,
        code: body.code,
        response: body.response,
        purpose: "console",
        origin: c.env.CONSOLE_ORIGIN,
        rpId: rpIdOf(c.env),
        label: "console",
        consent: false,
        ip: clientIp(c),
        now: Date.now(),
        tokenSecret: c.env.NONCE_SECRET,
      });
      setSessionCookie(c, done.session.token);
      return c.json({ employee: toEmployee(done.employee) });
    },
  )
  .post(
    "/login/options",
    describeRoute({ summary: "Start a passkey sign-in (discoverable credentials)", tags: ["console"], responses: { 200: FlowOptionsResponseSchema } }),
    validate("json", ConsoleLoginOptionsRequestSchema),
    async (c) => {
      const now = Date.now();
      const options = await authenticationOptions(rpIdOf(c.env));
      const flowId = newId();
      await c.var.db.insert(webauthnFlows).values({
        id: flowId,
        kind: "console_login",
        challenge: options.challenge,
        origin: c.env.CONSOLE_ORIGIN,
        createdAt: now,
        expiresAt: now + FLOW_TTL_MS,
      });
      return c.json({ flowId, options });
    },
  )
  .post(
    "/login/verify",
    describeRoute({ summary: "Finish a passkey sign-in; sets the session cookie", tags: ["console"], responses: { 200: ConsoleSessionResponseSchema }, errors: ["AUTHENTICATION_INVALID"] }),
    validate("json", ConsoleLoginVerifyRequestSchema),
    async (c) => {
      const db = c.var.db;
      const { flowId, response } = c.req.valid("json");
      const now = Date.now();
      const [flows, found, owners] = await db.batch([
        db.delete(webauthnFlows).where(eq(webauthnFlows.id, flowId)).returning(),
        db.select().from(devices).where(and(eq(devices.credentialId, response.id), eq(devices.kind, "console"))).limit(1),
        // No joins inside a D1 batch: equal column names would collide.
        db
          .select()
          .from(employees)
          .where(inArray(employees.id, db.select({ id: devices.employeeId }).from(devices).where(eq(devices.credentialId, response.id)))),
      ]);
      const flow = flows[0];
      const invalid = (message: string) => new ApiError(401, "AUTHENTICATION_INVALID", message);
      if (!flow || flow.kind !== "console_login" || flow.expiresAt <= now) throw invalid("This sign-in attempt has expired. Start again.");
      const row = found[0] && owners[0] ? { device: found[0], employee: owners[0] } : undefined;
      if (!row || row.device.revokedAt !== null || !row.employee.active) throw invalid("This passkey is not registered for the console.");
      const check = await verifyAssertion({
        response,
        challenge: flow.challenge,
        origin: c.env.CONSOLE_ORIGIN,
        rpId: rpIdOf(c.env),
        credential: row.device,
      });
      if (!check.ok || (check.counter > 0 && check.counter <= row.device.counter)) {
        await auditInsert(db, {
          action: "security.console_login_failed",
          at: now,
          actor: { type: "anonymous" },
          subjectType: "device",
          subjectId: row.device.id,
          data: { message: check.ok ? "counter went backwards" : check.message },
          ip: clientIp(c),
        });
        throw invalid("The passkey could not be verified.");
      }
      const session = await newSession(db, { employeeId: row.employee.id, deviceId: row.device.id, now });
      await db.batch([
        session.insert,
        db.update(devices).set({ counter: sql`max(${devices.counter}, ${check.counter})`, lastUsedAt: now }).where(eq(devices.id, row.device.id)),
        auditInsert(db, {
          action: "console.signed_in",
          at: now,
          actor: { type: "employee", id: row.employee.id },
          subjectType: "employee",
          subjectId: row.employee.id,
          ip: clientIp(c),
        }),
      ]);
      setSessionCookie(c, session.token);
      return c.json({ employee: toEmployee(row.employee) });
    },
  )
  .get(
    "/session",
    describeRoute({ summary: "Who is signed in to the console", tags: ["console"], auth: "console", responses: { 200: ConsoleSessionResponseSchema }, errors: ["UNAUTHENTICATED"] }),
    requireConsole(ROLES),
    async (c) => {
      const [employee] = await c.var.db.select().from(employees).where(eq(employees.id, c.var.principal.id)).limit(1);
      if (!employee) throw new ApiError(401, "UNAUTHENTICATED", "Sign in to the console first.");
      return c.json({ employee: toEmployee(employee) });
    },
  )
  .post(
    "/logout",
    describeRoute({ summary: "End the console session", tags: ["console"], responses: { 204: null } }),
    async (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) await c.var.db.delete(sessions).where(eq(sessions.tokenHash, await hashSecret(token)));
      deleteCookie(c, SESSION_COOKIE, { path: "/", secure: isSecureCookieOrigin(c.env.CONSOLE_ORIGIN) });
      return c.body(null, 204);
    },
  );
