import { signal } from "@preact/signals";
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Employee } from "./api";
import { translator, type Locale } from "./i18n";

export type Session =
  | { status: "checking" }
  | { status: "signed-out"; notice?: string }
  /** `employee` comes from GET /api/console/session (or the sign-in answer). */
  | { status: "signed-in"; employee: Employee | null };

export function createAppState(locale: Locale) {
  return {
    locale,
    t: translator(locale),
    session: signal<Session>({ status: "checking" }),
  };
}
export type AppState = ReturnType<typeof createAppState>;

export const AppStateContext = createContext<AppState | null>(null);

export function useAppState(): AppState {
  const state = useContext(AppStateContext);
  if (!state) throw new Error("AppStateContext is missing");
  return state;
}

/**
 * What the signed-in person may do, to hide controls the API would refuse anyway
 * (the API is the authority). Unknown (reload without a remembered employee): show everything.
 */
export function permissionsOf(employee: Employee | null) {
  const role = employee?.role ?? null;
  return {
    write: role !== "auditor",
    /** Only admins add people (the API refuses anyone else, so nobody can probe which emails exist). */
    createEmployees: role === null || role === "admin",
    /** Managers change only people whose role is employee; admins anyone. */
    writeTarget: (target: Pick<Employee, "role">) => role === "admin" || role === null || (role === "manager" && target.role === "employee"),
    issueConsoleCodes: role === null || role === "admin",
    assignableRoles: ["employee", "manager", "auditor", "admin"] as const,
  };
}
export type Permissions = ReturnType<typeof permissionsOf>;
