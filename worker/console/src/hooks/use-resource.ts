import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { useFailure } from "./use-failure";

export type Resource<T> = {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  /** Loads again, keeping what is shown until the answer comes (no flicker). */
  reload: () => void;
  /** Changes what is shown after a write answered with the new state. */
  setData: (update: (data: T | undefined) => T | undefined) => void;
};

/** One read for a page or a card: loading, error and data, loaded again when `deps` change. */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const fail = useFailure();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);

  const run = useCallback(() => {
    // Only the newest request may write: an older answer arriving late is dropped.
    const mine = ++generation.current;
    setLoading(true);
    setError(null);
    load().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setLoading(false);
      },
      (err: unknown) => {
        if (mine !== generation.current) return;
        setError(fail(err));
        setLoading(false);
      },
    );
  }, deps);

  useEffect(() => {
    setData(undefined);
    run();
  }, [run]);

  return { data, error, loading, reload: run, setData };
}
