import { useCallback } from "preact/hooks";
import { ApiError } from "../api";
import { describeError } from "../format";
import { useAppState } from "../state";

/**
 * What to show for a failed request. A 401 while signed in means the console session ended
 * (expired, signed out elsewhere, the passkey revoked): the app goes back to sign-in, keeping the
 * URL, and there is nothing to show here (null). Before sign-in a 401 is the answer itself (a
 * wrong setup token) and is shown.
 */
export function useFailure() {
  const state = useAppState();
  return useCallback(
    (err: unknown): string | null => {
      if (err instanceof ApiError && err.status === 401 && state.session.value.status === "signed-in") {
        state.session.value = { status: "signed-out", notice: state.t.value("sessionExpired") };
        return null;
      }
      return describeError(state.t.value, err);
    },
    [state],
  );
}
