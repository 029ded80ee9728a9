import { useEffect } from "preact/hooks";
import { api, ApiError, type Employee } from "./api";
import { Dashboard } from "./components/Dashboard";
import { SignIn } from "./components/SignIn";
import { describeError } from "./format";
import { useAppState } from "./state";

// Who signed in, kept for this tab so a reload can still greet them (the cookie itself is HttpOnly).
const ME_KEY = "clockwork.console.me";

function rememberedEmployee(): Employee | null {
  try {
    return JSON.parse(sessionStorage.getItem(ME_KEY) ?? "null") as Employee | null;
  } catch {
    return null;
  }
}

export function App() {
  const state = useAppState();
  const { t, session } = state;

  useEffect(() => {
    // Any admin read tells whether the session cookie is still good.
    api
      .employees()
      .then(() => (session.value = { status: "signed-in", employee: rememberedEmployee() }))
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status !== 401) session.value = { status: "signed-in", employee: rememberedEmployee() };
        else session.value = err instanceof ApiError ? { status: "signed-out" } : { status: "signed-out", notice: describeError(t, err) };
      });
  }, []);

  const signedIn = (employee: Employee) => {
    sessionStorage.setItem(ME_KEY, JSON.stringify(employee));
    session.value = { status: "signed-in", employee };
  };
  const signOut = async () => {
    await api.logout();
    sessionStorage.removeItem(ME_KEY);
    session.value = { status: "signed-out" };
  };

  const current = session.value;
  if (current.status === "checking") {
    return (
      <main class="card sign-in">
        <p>{t("loading")}</p>
      </main>
    );
  }
  if (current.status === "signed-in") return <Dashboard employee={current.employee} onSignOut={signOut} />;
  return <SignIn onSignedIn={signedIn} />;
}
