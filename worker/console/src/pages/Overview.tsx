import { api } from "../api";
import { ErrorMessage } from "../components/ErrorMessage";
import { Loaded } from "../components/Loaded";
import { PageHeader } from "../components/PageHeader";
import { PunchTable } from "../components/PunchTable";
import { useDirectory } from "../hooks/use-directory";
import { useResource } from "../hooks/use-resource";
import { paths } from "../routes";
import { useI18n } from "../state";

/** Enough to count a queue on the overview; more shows as "100+". */
const COUNT_UP_TO = 100;

/** What waits for the viewer (corrections to decide, punches to review), and the latest punches. */
export function Overview() {
  const { t } = useI18n();
  const directory = useDirectory();
  const pending = useResource(() => api.corrections({ status: "pending", limit: COUNT_UP_TO }), []);
  const flagged = useResource(() => api.punches({ status: "flagged", limit: COUNT_UP_TO }), []);
  const recent = useResource(() => api.punches({ limit: 10 }), []);
  const attention = (page: { items: unknown[] } | undefined) => (page && page.items.length > 0 ? "tile attention" : "tile");
  const count = (page: { items: unknown[]; nextCursor: string | null }) => (page.nextCursor ? `${COUNT_UP_TO}+` : String(page.items.length));

  return (
    <>
      <PageHeader title={t("navOverview")} />
      <section class="tiles" aria-label={t("needsAttention")}>
        <a class={attention(pending.data)} href={paths.corrections()}>
          <span class="tile-count">{pending.data ? count(pending.data) : "…"}</span>
          <span class="tile-label">{t("pendingCorrections")}</span>
        </a>
        <a class={attention(flagged.data)} href={paths.flagged}>
          <span class="tile-count">{flagged.data ? count(flagged.data) : "…"}</span>
          <span class="tile-label">{t("flaggedPunches")}</span>
        </a>
      </section>
      <ErrorMessage
        message={pending.error ?? flagged.error}
        onRetry={() => {
          pending.reload();
          flagged.reload();
        }}
      />
      <section class="card" aria-labelledby="recent-heading">
        <div class="section-head">
          <h2 id="recent-heading">{t("recentPunches")}</h2>
          <a href={paths.punches()}>{t("allPunches")}</a>
        </div>
        <Loaded {...recent} data={recent.data?.items} onRetry={recent.reload} empty={t("noPunches")}>
          {(items) => <PunchTable punches={items} byId={directory.byId} caption={t("recentPunches")} />}
        </Loaded>
      </section>
    </>
  );
}
