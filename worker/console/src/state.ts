import { signal } from "@preact/signals";
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Employee } from "./api";
import { translator, type Locale } from "./i18n";

export type Session =
  | { status: "checking" }
  | { status: "signed-out"; notice?: string }
  /** `employee` is null when the page was reloaded with a live cookie: the API has no "who am I" for the console yet. */
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
