import { LocationProvider } from "preact-iso";
import { useEffect } from "preact/hooks";
import { api, ApiError } from "./api";
import { Loading } from "./components/Loading";
import { SignIn } from "./components/SignIn";
import { describeError } from "./format";
import { BASE } from "./routes";
import { Shell } from "./Shell";
import { useAppState } from "./state";

export function App() {
  const state = useAppState();
  const { session } = state;

  useEffect(() => {
    // The cookie is HttpOnly: ask the API who it belongs to.
    api.session().then(
      ({ employee, company }) => {
        state.company.value = company ?? null;
        session.value = { status: "signed-in", me: employee };
      },
      (err: unknown) => {
        session.value = err instanceof ApiError ? { status: "signed-out" } : { status: "signed-out", notice: describeError(state.t.value, err) };
      },
    );
  }, []);

  const current = session.value;
  return (
    // Links under /admin/ are the router's; anything else (the API's files) the browser's.
    <LocationProvider scope={BASE}>
      {current.status === "checking" ? (
        <main class="card sign-in">
          <Loading />
        </main>
      ) : current.status === "signed-in" ? (
        // Keyed by person: nothing of one session's pages survives into the next.
        <Shell key={current.me.id} />
      ) : (
        <SignIn onSignedIn={(me) => (session.value = { status: "signed-in", me })} />
      )}
    </LocationProvider>
  );
}
