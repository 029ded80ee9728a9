import type { Employee, Role } from "./api";
import { useMe } from "./state";

/**
 * What the signed-in person may do, so that nobody is shown a control the API would refuse
 * (the API stays the authority; DESIGN.md §6, worker/services/scope.ts):
 * - admins change anyone and anything;
 * - managers see their reports (the API lists no one else) and change only those whose role is
 *   `employee`; they add nobody, issue no console codes and have no settings;
 * - auditors read everything and change nothing;
 * - nobody decides their own request, reviews their own punch or enters a punch for themselves.
 */
export function permissionsOf(me: Pick<Employee, "id" | "role">) {
  const role: Role = me.role;
  /** The roles of the people this role may change (the API's GRANTABLE). */
  const changeable: readonly Role[] = role === "admin" ? ["employee", "manager", "auditor", "admin"] : role === "manager" ? ["employee"] : [];
  const change = (target: Pick<Employee, "role">) => changeable.includes(target.role);
  return {
    role,
    /** Any write at all: auditors have none. */
    writes: changeable.length > 0,
    createEmployees: role === "admin",
    assignableRoles: changeable,
    issueConsoleCodes: role === "admin",
    /** Extension codes, device revocation. */
    change,
    /** Decide a correction, review a punch, enter a manual punch: as `change`, never for oneself. */
    decideFor: (target: Pick<Employee, "id" | "role">) => target.id !== me.id && change(target),
    /** Name, manager, schedule, zone of someone changeable; email and role only from admins. */
    editIdentity: role === "admin",
    /** Deactivate or reactivate: as `change`, never oneself. */
    deactivate: (target: Pick<Employee, "id" | "role">) => target.id !== me.id && change(target),
    /** Import people from a CSV: admins. */
    importEmployees: role === "admin",
    /** Sites, networks, schedules, holidays: everyone reads them, admins change them. */
    editRules: role === "admin",
    /** Company settings: admins change them, auditors read them, managers have none. */
    readSettings: role === "admin" || role === "auditor",
    editSettings: role === "admin",
    /** The audit log names everyone: admins and auditors. */
    readAudit: role === "admin" || role === "auditor",
    apiKeys: role === "admin",
  };
}
export type Permissions = ReturnType<typeof permissionsOf>;

export function usePermissions(): Permissions {
  return permissionsOf(useMe());
}
