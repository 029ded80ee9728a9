import { computed, signal } from "@preact/signals";
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Company, Employee } from "./api";
import { type Locale, rememberLocale, translator } from "./i18n";

export type Session =
  | { status: "checking" }
  | { status: "signed-out"; notice?: string }
  /** `me` comes from GET /api/console/session (or the sign-in answer). */
  | { status: "signed-in"; me: Employee };

/** The people in the viewer's scope (GET /api/admin/employees), shared by every page that names someone. */
export type Directory = { status: "idle" | "loading" } | { status: "ready"; items: Employee[] } | { status: "failed"; error: string };

export function createAppState(locale: Locale, storage: Pick<Storage, "setItem"> | null, root: { lang: string }) {
  const current = signal(locale);
  root.lang = locale;
  return {
    locale: current,
    t: computed(() => translator(current.value)),
    setLocale(next: Locale) {
      current.value = next;
      root.lang = next;
      rememberLocale(storage, next);
    },
    session: signal<Session>({ status: "checking" }),
    directory: signal<Directory>({ status: "idle" }),
    /** The company's default zone and working hours (GET /api/console/session), once known. */
    company: signal<Company | null>(null),
  };
}
export type AppState = ReturnType<typeof createAppState>;

export const AppStateContext = createContext<AppState | null>(null);

export function useAppState(): AppState {
  const state = useContext(AppStateContext);
  if (!state) throw new Error("AppStateContext is missing");
  return state;
}

/** The translator and locale; reading them here re-renders the caller when the language changes. */
export function useI18n() {
  const state = useAppState();
  return { t: state.t.value, locale: state.locale.value };
}

/** The signed-in person (only inside the signed-in shell). */
export function useMe(): Employee {
  const session = useAppState().session.value;
  if (session.status !== "signed-in") throw new Error("useMe outside the signed-in shell");
  return session.me;
}
