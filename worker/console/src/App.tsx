import { useEffect } from "preact/hooks";
import { api, ApiError, type Employee } from "./api";
import { Dashboard } from "./components/Dashboard";
import { SignIn } from "./components/SignIn";
import { describeError } from "./format";
import { useAppState } from "./state";

export function App() {
  const state = useAppState();
  const { t, session } = state;

  useEffect(() => {
    // The cookie is HttpOnly: ask the API who it belongs to.
    api
      .session()
      .then(({ employee }) => (session.value = { status: "signed-in", employee }))
      .catch((err: unknown) => {
        session.value = err instanceof ApiError ? { status: "signed-out" } : { status: "signed-out", notice: describeError(t, err) };
      });
  }, []);

  const signedIn = (employee: Employee) => {
    session.value = { status: "signed-in", employee };
  };
  const signOut = async () => {
    await api.logout();
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
