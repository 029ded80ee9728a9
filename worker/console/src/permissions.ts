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
  };
}
export type Permissions = ReturnType<typeof permissionsOf>;

export function usePermissions(): Permissions {
  return permissionsOf(useMe());
}
