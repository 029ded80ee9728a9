import { and, eq, inArray, sql } from "drizzle-orm";
import { rateLimitSource } from "../../shared/network";
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
import { devices, employees, securityEvents, sessions, spentChallenges } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError, isUniqueViolation } from "../errors";
import { describeRoute } from "../openapi";
import { auditInsert } from "../services/audit";
import { hashSecret, issueLoginChallenge, readLoginChallenge } from "../services/crypto";
import { beginEnrollment, completeEnrollment } from "../services/enrollment";
import { toEmployee } from "../services/records";
import { policyFrom, policyQuery } from "../services/policy";
import { clientIp } from "../services/request";
import {
  CONSOLE_LOGIN_FAILURES_PER_WINDOW,
  refuseOverLimit,
  reserveConsoleVerification,
  securityEventWrites,
  UNKNOWN_SOURCE,
  windowOf,
  writeSecurityEvents,
} from "../services/security";
import { CONSOLE_SESSION_MS, isSecureCookieOrigin, newSession, requireConsole, sessionCookieName } from "../services/sessions";
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
  setCookie(c, sessionCookieName(c.env.CONSOLE_ORIGIN), token, {
    httpOnly: true,
    sameSite: "Strict",
    secure: isSecureCookieOrigin(c.env.CONSOLE_ORIGIN),
    path: "/",
    maxAge: Math.floor(CONSOLE_SESSION_MS / 1000),
  });
}

export const consoleRoutes = new Hono<AppEnv>()
  .use(consoleOrigin)
  .post(
    "/enroll/options",
    describeRoute({ summary: "Start registering a console passkey with a one-time code", tags: ["console"], responses: { 200: FlowOptionsResponseSchema }, errors: ["ENROLLMENT_CODE_INVALID", "RATE_LIMITED"] }),
    validate("json", ConsoleEnrollOptionsRequestSchema),
    async (c) => {
      const { flowId, options } = await beginEnrollment(c.var.db, {
        source: rateLimitSource(clientIp(c)),
        secret: c.env.NONCE_SECRET,
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
    describeRoute({ summary: "Finish registering a console passkey; sets the session cookie", tags: ["console"], responses: { 200: ConsoleSessionResponseSchema }, errors: ["REGISTRATION_INVALID", "ENROLLMENT_CODE_INVALID", "RATE_LIMITED"] }),
    validate("json", ConsoleEnrollVerifyRequestSchema),
    async (c) => {
      const body = c.req.valid("json");
      const done = await completeEnrollment(c.var.db, {
        source: rateLimitSource(clientIp(c)),
        secret: c.env.NONCE_SECRET,
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
      });
      setSessionCookie(c, done.session.token);
      return c.json({ employee: toEmployee(done.employee) });
    },
  )
  .post(
    "/login/options",
    describeRoute({
      summary: "Start a passkey sign-in (discoverable credentials); stateless, nothing is stored until it is answered",
      tags: ["console"],
      responses: { 200: FlowOptionsResponseSchema },
    }),
    validate("json", ConsoleLoginOptionsRequestSchema),
    async (c) => {
      const { flowId, challenge } = await issueLoginChallenge(c.env.NONCE_SECRET, Date.now());
      return c.json({ flowId, options: await authenticationOptions(rpIdOf(c.env), challenge) });
    },
  )
  .post(
    "/login/verify",
    describeRoute({
      summary: "Finish a passkey sign-in; sets the session cookie",
      tags: ["console"],
      responses: { 200: ConsoleSessionResponseSchema },
      errors: ["AUTHENTICATION_INVALID", "RATE_LIMITED"],
    }),
    validate("json", ConsoleLoginVerifyRequestSchema),
    async (c) => {
      const db = c.var.db;
      const { flowId, response } = c.req.valid("json");
      const now = Date.now();
      const invalid = (message: string) => new ApiError(401, "AUTHENTICATION_INVALID", message);
      const challenge = await readLoginChallenge(c.env.NONCE_SECRET, flowId, now, FLOW_TTL_MS);
      if (!challenge) throw invalid("This sign-in attempt has expired. Start again.");
      const source = rateLimitSource(clientIp(c)) ?? UNKNOWN_SOURCE;
      const [found, owners, failures] = await db.batch([
        db.select().from(devices).where(and(eq(devices.credentialId, response.id), eq(devices.kind, "console"))).limit(1),
        // No joins inside a D1 batch: equal column names would collide.
        db
          .select()
          .from(employees)
          .where(inArray(employees.id, db.select({ id: devices.employeeId }).from(devices).where(eq(devices.credentialId, response.id)))),
        db
          .select({ n: sql<number>`coalesce(sum(${securityEvents.count}), 0)` })
          .from(securityEvents)
          .where(
            and(
              eq(securityEvents.windowStart, windowOf(now)),
              eq(securityEvents.source, source),
              eq(securityEvents.action, "security.console_login_failed"),
            ),
          ),
      ]);
      const row = found[0] && owners[0] ? { device: found[0], employee: owners[0] } : undefined;
      if (!row || row.device.revokedAt !== null || !row.employee.active) {
        // No signature to check: counted per source, and past the limit not even counted.
        refuseOverLimit(failures[0]?.n ?? 0, CONSOLE_LOGIN_FAILURES_PER_WINDOW, now, "Too many failed sign-ins. Wait a few minutes and try again.");
        const sample = { credentialId: response.id.slice(0, 64), reason: row ? "revoked" : "unknown" };
        await writeSecurityEvents(db, securityEventWrites(source, [{ action: "security.console_login_failed", sample }], now));
        throw invalid("This passkey is not registered for the console.");
      }
      // A known passkey: failures with it from this source are counted before its signature is checked.
      const attempt = await reserveConsoleVerification(db, source, row.device.credentialId, now);
      const check = await verifyAssertion({ response, challenge, origin: c.env.CONSOLE_ORIGIN, rpId: rpIdOf(c.env), credential: row.device });
      if (!check.ok || (check.counter > 0 && check.counter <= row.device.counter)) {
        throw invalid("The passkey could not be verified.");
      }
      await attempt.release();
      const session = await newSession(db, { employeeId: row.employee.id, deviceId: row.device.id, now });
      try {
        await db.batch([
          // The challenge signs in once: a second answer fails on its primary key, and the batch with it.
          db.insert(spentChallenges).values({ challenge, expiresAt: now + FLOW_TTL_MS }),
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
      } catch (err) {
        if (isUniqueViolation(err)) throw invalid("This sign-in attempt was already used. Start again.");
        throw err;
      }
      setSessionCookie(c, session.token);
      return c.json({ employee: toEmployee(row.employee) });
    },
  )
  .get(
    "/session",
    describeRoute({ summary: "Who is signed in to the console", tags: ["console"], auth: "console", responses: { 200: ConsoleSessionResponseSchema }, errors: ["UNAUTHENTICATED"] }),
    requireConsole(ROLES),
    async (c) => {
      const db = c.var.db;
      const [[employee], settingsRows] = await db.batch([db.select().from(employees).where(eq(employees.id, c.var.principal.id)).limit(1), policyQuery(db)]);
      if (!employee) throw new ApiError(401, "UNAUTHENTICATED", "Sign in to the console first.");
      const { defaultTimezone, workday } = policyFrom(settingsRows);
      return c.json({ employee: toEmployee(employee), company: { defaultTimezone, workday } });
    },
  )
  .post(
    "/logout",
    describeRoute({ summary: "End the console session", tags: ["console"], responses: { 204: null } }),
    async (c) => {
      const name = sessionCookieName(c.env.CONSOLE_ORIGIN);
      const token = getCookie(c, name);
      if (token) await c.var.db.delete(sessions).where(eq(sessions.tokenHash, await hashSecret(token)));
      deleteCookie(c, name, { path: "/", secure: isSecureCookieOrigin(c.env.CONSOLE_ORIGIN) });
      return c.body(null, 204);
    },
  );
