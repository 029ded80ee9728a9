import { and, eq, gt, isNull } from "drizzle-orm";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { Role } from "../../shared/api";
import { HOUR_MS } from "../../shared/time";
import type { DB } from "../db/client";
import { apiKeys, devices, employees, sessions } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { fromBase64Url, toBase64Url } from "../../shared/encoding";
import { hashSecret, hmac, hmacEquals, newId, randomToken } from "./crypto";

export const EMPLOYEE_SESSION_MS = 12 * HOUR_MS;
export const CONSOLE_SESSION_MS = 8 * HOUR_MS;
/**
 * The console's session cookie. On HTTPS it carries the `__Host-` prefix: the browser then only
 * accepts it Secure, for the whole site and from this very host (no subdomain can plant one).
 */
export function sessionCookieName(consoleOrigin: string): string {
  return isSecureCookieOrigin(consoleOrigin) ? "__Host-cw_session" : "cw_session";
}

/** A new console session: the cookie value for the caller, and the insert to batch with the rest of the request. */
export async function newSession(db: DB, opts: { employeeId: string; deviceId?: string | null; now: number }) {
  const token = randomToken();
  const expiresAt = opts.now + CONSOLE_SESSION_MS;
  const insert = db.insert(sessions).values({
    id: newId(),
    tokenHash: await hashSecret(token),
    employeeId: opts.employeeId,
    kind: "console",
    deviceId: opts.deviceId ?? null,
    createdAt: opts.now,
    expiresAt,
  });
  return { token, expiresAt, insert };
}

// ---- employee bearer tokens ----------------------------------------------------------
//
// The extension gets a fresh token with every punch. Storing one row per punch would cost a
// write on the hottest path, so these tokens are not stored at all: they are signed
// statements `v1.<payload>.<hmac>` naming the employee, the passkey and the expiry. Nothing
// in the database can be replayed as a token, and a token dies with its passkey or its
// employee, because both are checked on every use.

const TOKEN_DOMAIN = "employee-session.";

interface EmployeeTokenClaims {
  /** employee id */
  e: string;
  /** device (passkey) id */
  d: string;
  /** expiry, epoch ms */
  x: number;
}

export async function issueEmployeeToken(secret: string, opts: { employeeId: string; deviceId: string; now: number }) {
  const expiresAt = opts.now + EMPLOYEE_SESSION_MS;
  const claims: EmployeeTokenClaims = { e: opts.employeeId, d: opts.deviceId, x: expiresAt };
  const payload = toBase64Url(new TextEncoder().encode(JSON.stringify(claims)));
  return { token: `v1.${payload}.${await hmac(secret, TOKEN_DOMAIN + payload)}`, expiresAt };
}

async function readEmployeeToken(secret: string, token: string, now: number): Promise<EmployeeTokenClaims | null> {
  const [version, payload, mac] = token.split(".");
  if (version !== "v1" || !payload || !mac || !(await hmacEquals(secret, TOKEN_DOMAIN + payload, mac))) return null;
  try {
    const claims = JSON.parse(new TextDecoder().decode(fromBase64Url(payload))) as EmployeeTokenClaims;
    return typeof claims.e === "string" && typeof claims.d === "string" && claims.x > now ? claims : null;
  } catch {
    return null;
  }
}

function bearer(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match ? match[1]! : null;
}

async function sessionPrincipal(db: DB, token: string, now: number) {
  const [row] = await db
    .select({ sessionId: sessions.id, employeeId: employees.id, role: employees.role })
    .from(sessions)
    .innerJoin(employees, eq(employees.id, sessions.employeeId))
    .where(
      and(
        eq(sessions.tokenHash, await hashSecret(token)),
        eq(sessions.kind, "console"),
        gt(sessions.expiresAt, now),
        eq(employees.active, true),
      ),
    )
    .limit(1);
  return row ? { type: "employee" as const, id: row.employeeId, role: row.role, sessionId: row.sessionId } : null;
}

/** The extension's employee bearer token: valid signature, not expired, passkey and employee still active. */
export const requireEmployee = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearer(c.req.header("Authorization"));
  const claims = token ? await readEmployeeToken(c.env.NONCE_SECRET, token, Date.now()) : null;
  const [row] = claims
    ? await c.var.db
        .select({ role: employees.role })
        .from(employees)
        .innerJoin(devices, eq(devices.employeeId, employees.id))
        .where(and(eq(employees.id, claims.e), eq(employees.active, true), eq(devices.id, claims.d), isNull(devices.revokedAt)))
        .limit(1)
    : [];
  if (!claims || !row) throw new ApiError(401, "UNAUTHENTICATED", "Sign in again: the session is missing or has expired.");
  c.set("principal", { type: "employee", id: claims.e, role: row.role, sessionId: null });
  await next();
});

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Console cookie (with a matching Origin on unsafe methods, against CSRF) or an
 * integration API key; then the role must be one of `roles`, and auditors may
 * only read.
 */
export function requireConsole(roles: readonly Role[] = ["admin", "manager", "auditor"]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const now = Date.now();
    const db = c.var.db;
    const key = bearer(c.req.header("Authorization"));
    let principal = null;
    if (key) {
      const [row] = await db
        .select({ id: apiKeys.id, role: apiKeys.role, revokedAt: apiKeys.revokedAt })
        .from(apiKeys)
        .where(eq(apiKeys.keyHash, await hashSecret(key)))
        .limit(1);
      if (row && row.revokedAt === null) principal = { type: "api_key" as const, id: row.id, role: row.role, sessionId: null };
    } else {
      const cookie = getCookie(c, sessionCookieName(c.env.CONSOLE_ORIGIN));
      if (cookie) {
        if (!SAFE_METHODS.has(c.req.method) && c.req.header("Origin") !== c.env.CONSOLE_ORIGIN) {
          throw new ApiError(403, "ORIGIN_NOT_ALLOWED", "This request must come from the console's own origin.");
        }
        principal = await sessionPrincipal(db, cookie, now);
      }
    }
    if (!principal) throw new ApiError(401, "UNAUTHENTICATED", "Sign in to the console first.");
    // An API key acts for no employee, so it has no console identity.
    if (!roles.includes(principal.role)) throw new ApiError(403, "FORBIDDEN", "Your role does not allow this.");
    if (principal.role === "auditor" && !SAFE_METHODS.has(c.req.method)) {
      throw new ApiError(403, "FORBIDDEN", "Auditors can read but not change anything.");
    }
    c.set("principal", principal);
    await next();
  });
}

export function isSecureCookieOrigin(origin: string): boolean {
  const url = new URL(origin);
  return !(url.protocol === "http:" && (url.hostname === "localhost" || url.hostname === "127.0.0.1"));
}

