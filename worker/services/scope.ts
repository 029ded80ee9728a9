import { type SQLWrapper, sql } from "drizzle-orm";
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
