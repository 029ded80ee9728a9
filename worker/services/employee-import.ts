import { z } from "zod";
import { EmployeeImportRowSchema, ROLES, type Role } from "../../shared/api";
import { isValidTimeZone } from "../../shared/time";

type ImportRow = z.infer<typeof EmployeeImportRowSchema>;

export interface RowCheck {
  index: number;
  ok: boolean;
  errors: { field: string; message: string }[];
}

/** A row that can be created, with its references resolved to ids (or to another row of the file). */
export interface PlannedEmployee {
  index: number;
  name: string;
  email: string;
  role: Role;
  timezone: string | null;
  scheduleId: string | null;
  /** An existing employee's id, or the email of a manager created by this same import. */
  manager: { id: string } | { email: string } | null;
}

const EMAIL = z.email().max(254);

/**
 * Checks every row of an import before anything is written, and says what is wrong with each:
 * name and email present and well-formed, the email new (in the company and in the file), the
 * role one of the four, the manager an existing employee or a row of the same file (no cycles),
 * the schedule an existing one by name, the time zone an IANA one. Returns the checks in row
 * order and, when every row is fine, the employees to create with managers before their reports.
 */
export function planImport(
  rows: readonly ImportRow[],
  known: { emails: ReadonlyMap<string, string>; schedulesByName: ReadonlyMap<string, string> },
): { checks: RowCheck[]; plan: PlannedEmployee[] | null } {
  const checks: RowCheck[] = [];
  const planned: PlannedEmployee[] = [];
  const fileEmails = new Map<string, number>();
  for (const [index, row] of rows.entries()) {
    const email = row.email.trim().toLowerCase();
    if (email && !fileEmails.has(email)) fileEmails.set(email, index);
  }
  for (const [index, row] of rows.entries()) {
    const errors: RowCheck["errors"] = [];
    const name = row.name.trim();
    const email = row.email.trim().toLowerCase();
    if (!name) errors.push({ field: "name", message: "missing" });
    else if (name.length > 200) errors.push({ field: "name", message: "longer than 200 characters" });
    if (!EMAIL.safeParse(email).success) errors.push({ field: "email", message: "not an email address" });
    else if (known.emails.has(email)) errors.push({ field: "email", message: "an employee with this email exists" });
    else if (fileEmails.get(email) !== index) errors.push({ field: "email", message: `also on row ${fileEmails.get(email)! + 1}` });
    const role = (row.role?.trim().toLowerCase() || "employee") as Role;
    if (!ROLES.includes(role)) errors.push({ field: "role", message: `not one of ${ROLES.join(", ")}` });
    const managerEmail = row.managerEmail?.trim().toLowerCase() || "";
    let manager: PlannedEmployee["manager"] = null;
    if (managerEmail) {
      if (managerEmail === email) errors.push({ field: "managerEmail", message: "cannot be the employee themselves" });
      else if (known.emails.has(managerEmail)) manager = { id: known.emails.get(managerEmail)! };
      else if (fileEmails.has(managerEmail)) manager = { email: managerEmail };
      else errors.push({ field: "managerEmail", message: "no employee with this email, here or in the file" });
    }
    const scheduleName = row.scheduleName?.trim() || "";
    const scheduleId = scheduleName ? known.schedulesByName.get(scheduleName) : null;
    if (scheduleName && !scheduleId) errors.push({ field: "scheduleName", message: "no schedule with this name" });
    const timezone = row.timezone?.trim() || null;
    if (timezone && !isValidTimeZone(timezone)) errors.push({ field: "timezone", message: "not an IANA time zone" });
    checks.push({ index, ok: errors.length === 0, errors });
    planned.push({ index, name, email, role, timezone, scheduleId: scheduleId ?? null, manager });
  }

  // Managers from the file come before their reports; a cycle (a reports to b, b to a) cannot be created.
  const byEmail = new Map(planned.map((p) => [p.email, p]));
  const order: PlannedEmployee[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (p: PlannedEmployee): boolean => {
    if (state.get(p.email) === "done") return true;
    if (state.get(p.email) === "visiting") return false;
    state.set(p.email, "visiting");
    const parent = p.manager && "email" in p.manager ? byEmail.get(p.manager.email) : undefined;
    const fine = parent ? visit(parent) : true;
    state.set(p.email, "done");
    order.push(p);
    return fine;
  };
  for (const p of planned) {
    if (!visit(p)) {
      const check = checks[p.index]!;
      check.ok = false;
      check.errors.push({ field: "managerEmail", message: "the managers in the file report to each other in a circle" });
    }
  }
  return { checks, plan: checks.every((c) => c.ok) ? order : null };
}
