import { useI18n } from "../state";
import type { PagedList } from "../hooks/use-paged";

/** The next page of a cursor-paged list, while there is one. */
export function LoadMore({ list }: { list: Pick<PagedList<unknown>, "hasMore" | "loading" | "loadMore" | "items"> }) {
  const { t } = useI18n();
  if (!list.hasMore || list.items === undefined) return null;
  return (
    <div class="load-more">
      <button type="button" disabled={list.loading} onClick={list.loadMore}>
        {list.loading ? t("loading") : t("loadMore")}
      </button>
    </div>
  );
}
