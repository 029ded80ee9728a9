import { useEffect, useMemo } from "preact/hooks";
import { api, type Employee } from "../api";
import { type AppState, useAppState } from "../state";
import { useFailure } from "./use-failure";

/** Loads the people in the viewer's scope once per session; `refresh` after a change. */
function loadDirectory(state: AppState, fail: (err: unknown) => string | null) {
  state.directory.value = { status: "loading" };
  api.employees().then(
    ({ items }) => (state.directory.value = { status: "ready", items }),
    (err: unknown) => (state.directory.value = { status: "failed", error: fail(err) ?? "" }),
  );
}

/**
 * The employees the viewer may see (a manager: their reports), by id too, for every page that
 * names people or offers them in a filter.
 */
export function useDirectory() {
  const state = useAppState();
  const fail = useFailure();
  const directory = state.directory.value;
  useEffect(() => {
    if (state.directory.value.status === "idle") loadDirectory(state, fail);
  }, [state, fail]);
  const items = directory.status === "ready" ? directory.items : undefined;
  const byId = useMemo(() => new Map((items ?? []).map((e) => [e.id, e])), [items]);
  return {
    items,
    byId,
    error: directory.status === "failed" ? directory.error : null,
    refresh: () => loadDirectory(state, fail),
    /** Adds or replaces one person without asking the API again. */
    put: (employee: Employee) => {
      const list = (items ?? []).filter((e) => e.id !== employee.id);
      state.directory.value = { status: "ready", items: [...list, employee].sort((a, b) => a.name.localeCompare(b.name)) };
    },
  };
}
export type DirectoryView = ReturnType<typeof useDirectory>;
