import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { type SQLWrapper, sql } from "drizzle-orm";
import { ROLES, type Role } from "../../shared/api";
import type { DB } from "../db/client";
import type { Principal } from "../env";
import { ApiError } from "../errors";

/** The ids of everyone who reports to `managerId`, directly or through other managers. */
function reportsOf(managerId: string) {
  return sql`
    WITH RECURSIVE reports(id) AS (
      SELECT id FROM employees WHERE manager_id = ${managerId}
      UNION
      SELECT e.id FROM employees e JOIN reports r ON e.manager_id = r.id
    )
    SELECT id FROM reports`;
}

/** Everyone who reports to `managerId`, directly or through other managers. */
export async function reportIds(db: DB, managerId: string): Promise<Set<string>> {
  const rows = await db.all<{ id: string }>(reportsOf(managerId));
  return new Set(rows.map((r) => r.id));
}

/** Admins and auditors see everyone; a manager only their reports; 404 hides the rest. */
export async function assertInScope(db: DB, principal: Principal, employeeId: string) {
  if (principal.role !== "manager") return;
  if (!(await reportIds(db, principal.id)).has(employeeId)) {
    throw new ApiError(404, "NOT_FOUND", "No such employee.");
  }
}

/** The SQL condition limiting a query on `column` to the principal's scope (none for admins). */
export function scopeCondition(principal: Principal, column: SQLWrapper) {
  if (principal.role !== "manager") return undefined;
  return sql`${column} IN (${reportsOf(principal.id)})`;
}

/**
 * The roles each role may give, which are also the roles of the people it may change
 * (DESIGN.md §6): admins any, managers only `employee`, auditors none.
 */
const GRANTABLE: Record<Role, readonly Role[]> = {
  admin: ROLES,
  manager: ["employee"],
  auditor: [],
  employee: [],
};

/** Refuses with 403 FORBIDDEN unless the principal holds one of `roles`. */
export function requireRole(principal: Principal, roles: readonly Role[], message = "Your role does not allow this.") {
  if (!roles.includes(principal.role)) throw new ApiError(403, "FORBIDDEN", message);
}

/** `requireRole` as a middleware, for a whole resource's routes. */
export function roleGate(roles: readonly Role[], message: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    requireRole(c.var.principal, roles, message);
    await next();
  });
}

/** What a write would set that not every writer may set. */
export interface WriteChange {
  role?: Role;
  email?: string;
}

/**
 * Refuses unless the principal may change `target` (and make `change`): the target is in
 * scope (404 otherwise, as for reads), its role is one the principal may grant, any new role
 * too, and only admins touch an email (a manager could otherwise probe which ones are taken).
 * Every write to an employee, their codes, places or devices goes through here.
 */
export async function assertCanWrite(db: DB, principal: Principal, target: { id: string; role: Role }, change: WriteChange = {}) {
  requireRole(principal, ["admin", "manager"], "Auditors can read but not change anything.");
  await assertInScope(db, principal, target.id);
  const grantable = GRANTABLE[principal.role];
  if (!grantable.includes(target.role)) {
    throw new ApiError(403, "FORBIDDEN", `Only admins can change someone whose role is ${target.role}.`);
  }
  if (change.role !== undefined && change.role !== target.role && !grantable.includes(change.role)) {
    throw new ApiError(403, "FORBIDDEN", `Your role cannot grant the role ${change.role}.`);
  }
  if (change.email !== undefined) requireRole(principal, ["admin"], "Only admins can change an email address.");
}
