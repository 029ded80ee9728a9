import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { useFailure } from "./use-failure";

export type Page<T> = { items: T[]; nextCursor: string | null };

export type PagedList<T> = {
  /** Every item loaded so far, pages in order; undefined until the first page came. */
  items: T[] | undefined;
  error: string | null;
  loading: boolean;
  /** Whether the API has more after the last page loaded. */
  hasMore: boolean;
  loadMore: () => void;
  /** Starts again from the first page. */
  reload: () => void;
  /** Replaces one item after a write answered with its new state. */
  replace: (item: T, same: (a: T, b: T) => boolean) => void;
};

/**
 * A list the API pages through with keyset cursors (`?cursor` → `{ items, nextCursor }`): the
 * first page when `deps` change, the next one on `loadMore`.
 */
export function usePaged<T>(loadPage: (cursor: string | undefined) => Promise<Page<T>>, deps: readonly unknown[]): PagedList<T> {
  const fail = useFailure();
  const [items, setItems] = useState<T[] | undefined>(undefined);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);

  const fetchPage = useCallback(
    (after: string | undefined) => {
      const mine = ++generation.current;
      setLoading(true);
      setError(null);
      loadPage(after).then(
        (page) => {
          if (mine !== generation.current) return;
          setItems((shown) => (after === undefined ? page.items : [...(shown ?? []), ...page.items]));
          setCursor(page.nextCursor);
          setLoading(false);
        },
        (err: unknown) => {
          if (mine !== generation.current) return;
          setError(fail(err));
          setLoading(false);
        },
      );
    },
    deps,
  );

  useEffect(() => {
    setItems(undefined);
    setCursor(null);
    fetchPage(undefined);
  }, [fetchPage]);

  return {
    items,
    error,
    loading,
    hasMore: cursor !== null,
    loadMore: () => {
      if (cursor !== null && !loading) fetchPage(cursor);
    },
    reload: () => fetchPage(undefined),
    replace: (item, same) => setItems((shown) => shown?.map((old) => (same(old, item) ? item : old))),
  };
}
