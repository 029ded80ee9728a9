import { signal } from "@preact/signals";
import { createContext } from "preact";
import { useContext, useEffect } from "preact/hooks";
import { checkHealth, type Health } from "../../utils/health";
import { DEFAULT_SERVER_URL, serverUrlItem } from "../../utils/settings";

export function createAppState() {
  return {
    serverUrl: signal(DEFAULT_SERVER_URL),
    health: signal<Health>({ state: "checking" }),
  };
}
export type AppState = ReturnType<typeof createAppState>;

export const AppStateContext = createContext<AppState | null>(null);

function useAppState() {
  const state = useContext(AppStateContext);
  if (!state) throw new Error("AppStateContext is missing");
  return state;
}

async function refresh(state: AppState) {
  state.serverUrl.value = await serverUrlItem.getValue();
  state.health.value = { state: "checking" };
  state.health.value = await checkHealth(state.serverUrl.value);
}

function HealthLine({ health }: { health: Health }) {
  switch (health.state) {
    case "checking":
      return <p class="status">Checking the server…</p>;
    case "up":
      return <p class="status up">Server reachable (version {health.version})</p>;
    case "down":
      return <p class="status down">Server not reachable: {health.reason}</p>;
  }
}

export function App() {
  const state = useAppState();
  useEffect(() => {
    void refresh(state);
  }, [state]);
  return (
    <main>
      <h1>Clockwork</h1>
      <p class="server">
        Server: <code>{state.serverUrl.value}</code>
      </p>
      <HealthLine health={state.health.value} />
      <button type="button" onClick={() => void refresh(state)} disabled={state.health.value.state === "checking"}>
        Check again
      </button>
      <p class="note">Enrolment and punching arrive in the next version.</p>
    </main>
  );
}
