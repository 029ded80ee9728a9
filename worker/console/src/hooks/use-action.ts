import { useCallback, useState } from "preact/hooks";
import { useFailure } from "./use-failure";

/**
 * Runs one async action at a time for a form or button: `busy` while it runs, `error` when it
 * failed (a 401 instead ends the session: see `useFailure`). Resolves true when the action succeeded.
 */
export function useAction() {
  const fail = useFailure();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (action: () => Promise<void>): Promise<boolean> => {
      setBusy(true);
      setError(null);
      try {
        await action();
        return true;
      } catch (err) {
        setError(fail(err));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [fail],
  );
  return { busy, error, run, setError };
}
