import { and, eq, gt } from "drizzle-orm";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { Role } from "../../shared/api";
import { HOUR_MS } from "../../shared/time";
import type { DB } from "../db/client";
import { apiKeys, employees, sessions } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { hashSecret, newId, randomToken } from "./crypto";

export const EMPLOYEE_SESSION_MS = 12 * HOUR_MS;
export const CONSOLE_SESSION_MS = 8 * HOUR_MS;
export const SESSION_COOKIE = "cw_session";

/** A new session: the token for the caller, and the insert to batch with the rest of the request. */
export async function newSession(
  db: DB,
  opts: { employeeId: string; kind: "employee" | "console"; deviceId?: string | null; now: number },
) {
  const token = randomToken();
  const expiresAt = opts.now + (opts.kind === "employee" ? EMPLOYEE_SESSION_MS : CONSOLE_SESSION_MS);
  const insert = db.insert(sessions).values({
    id: newId(),
    tokenHash: await hashSecret(token),
    employeeId: opts.employeeId,
    kind: opts.kind,
    deviceId: opts.deviceId ?? null,
    createdAt: opts.now,
    expiresAt,
  });
  return { token, expiresAt, insert };
}

function bearer(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match ? match[1]! : null;
}

async function sessionPrincipal(db: DB, token: string, kind: "employee" | "console", now: number) {
  const [row] = await db
    .select({ sessionId: sessions.id, employeeId: employees.id, role: employees.role })
    .from(sessions)
    .innerJoin(employees, eq(employees.id, sessions.employeeId))
    .where(
      and(
        eq(sessions.tokenHash, await hashSecret(token)),
        eq(sessions.kind, kind),
        gt(sessions.expiresAt, now),
        eq(employees.active, true),
      ),
    )
    .limit(1);
  return row ? { type: "employee" as const, id: row.employeeId, role: row.role, sessionId: row.sessionId } : null;
}

/** The extension's employee bearer session. */
export const requireEmployee = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearer(c.req.header("Authorization"));
  const principal = token ? await sessionPrincipal(c.var.db, token, "employee", Date.now()) : null;
  if (!principal) throw new ApiError(401, "UNAUTHENTICATED", "Sign in again: the session is missing or has expired.");
  c.set("principal", principal);
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
      const cookie = getCookie(c, SESSION_COOKIE);
      if (cookie) {
        if (!SAFE_METHODS.has(c.req.method) && c.req.header("Origin") !== c.env.CONSOLE_ORIGIN) {
          throw new ApiError(403, "ORIGIN_NOT_ALLOWED", "This request must come from the console's own origin.");
        }
        principal = await sessionPrincipal(db, cookie, "console", now);
      }
    }
    if (!principal) throw new ApiError(401, "UNAUTHENTICATED", "Sign in to the console first.");
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
