import { useCallback, useState } from "preact/hooks";
import { ApiError } from "./api";
import { describeError } from "./format";
import { useAppState } from "./state";

/**
 * Runs one async action at a time for a form or button: `busy` while it runs, `error` when it
 * failed. A 401 from the API means the console session ended, so the app goes back to sign-in.
 */
export function useAction() {
  const state = useAppState();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (action: () => Promise<void>) => {
      setBusy(true);
      setError(null);
      try {
        await action();
      } catch (err) {
        if (err instanceof ApiError && err.status === 401 && state.session.value.status === "signed-in") {
          state.session.value = { status: "signed-out", notice: state.t("sessionExpired") };
          return;
        }
        setError(describeError(state.t, err));
      } finally {
        setBusy(false);
      }
    },
    [state],
  );
  return { busy, error, run, setError };
}
