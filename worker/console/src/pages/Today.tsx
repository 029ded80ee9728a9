import { useLocation } from "preact-iso";
import { useMemo } from "preact/hooks";
import { api, queryString, type DayStatus, type Today as TodayBoard, type TodayItem } from "../api";
import { ErrorMessage } from "../components/ErrorMessage";
import { Field } from "../components/Field";
import { Loaded } from "../components/Loaded";
import { PageHeader } from "../components/PageHeader";
import { TableScroll } from "../components/TableScroll";
import { When } from "../components/When";
import { formatMinutes } from "../format";
import { useInterval } from "../hooks/use-interval";
import { useResource } from "../hooks/use-resource";
import type { MessageKey } from "../i18n";
import { DAY_STATUS_LABELS, PRESENCE_LABELS } from "../labels";
import { paths } from "../routes";
import { useI18n } from "../state";

/** The board asks again every minute; what is shown stays until the answer replaces it. */
const REFRESH_MS = 60_000;
/** Enough to count a queue; more shows as "100+". */
const COUNT_UP_TO = 100;

/** What the board can be narrowed to: in or out now, a state of the day, or flagged punches today. */
type Show = "in" | "out" | "flagged" | DayStatus;

/** The tiles at the top, in order: each a count and a filter of the list below. */
const TILES: { show: Show; label: MessageKey; attention?: boolean }[] = [
  { show: "in", label: "tileIn" },
  { show: "out", label: "tileOut" },
  { show: "scheduled", label: "tileNotIn" },
  { show: "late", label: "dayLate", attention: true },
  { show: "absent", label: "dayAbsent", attention: true },
  { show: "early_leave", label: "dayEarlyLeave", attention: true },
  { show: "incomplete", label: "dayIncomplete", attention: true },
  { show: "holiday", label: "dayHoliday" },
  { show: "rest_day", label: "dayRestDay" },
  { show: "flagged", label: "tileFlagged", attention: true },
];

function countOf(board: TodayBoard, show: Show): number {
  if (show === "in" || show === "out" || show === "flagged") return board.counts[show];
  return board.counts.byStatus[show] ?? 0;
}

function matches(item: TodayItem, show: Show | undefined, words: string): boolean {
  if (words && !item.employeeName.toLowerCase().includes(words)) return false;
  if (!show) return true;
  if (show === "in" || show === "out") return item.state === show;
  if (show === "flagged") return item.day.flagged.length > 0;
  return item.day.status === show;
}

function showFrom(value: string | undefined): Show | undefined {
  return TILES.find((tile) => tile.show === value)?.show;
}

/** The landing page: where everyone in the viewer's scope stands right now, refreshed every minute. */
export function Today() {
  const { t } = useI18n();
  const { query, route } = useLocation();
  const show = showFrom(query.show);
  const words = (query.q ?? "").trim().toLowerCase();
  const board = useResource(() => api.today(), []);
  const pending = useResource(() => api.corrections({ status: "pending", limit: COUNT_UP_TO }), []);
  const flagged = useResource(() => api.punches({ status: "flagged", limit: COUNT_UP_TO }), []);
  useInterval(() => {
    board.reload();
    pending.reload();
    flagged.reload();
  }, REFRESH_MS);
  // Filters live in the URL (a link to "who is late" works); replaced, so Back leaves the page.
  const filter = (next: { show?: Show; q?: string }) => route(`${paths.today}${queryString({ show, q: query.q, ...next })}`, true);
  const items = useMemo(() => board.data?.items.filter((item) => matches(item, show, words)), [board.data, show, words]);
  const queue = (page: { items: unknown[]; nextCursor: string | null } | undefined) => (page ? (page.nextCursor ? `${COUNT_UP_TO}+` : String(page.items.length)) : "…");

  return (
    <>
      <PageHeader title={t("navToday")}>
        {board.data && (
          <span class="muted small" data-testid="updated">
            {t("updatedAt")} <When ms={board.data.now} timeOnly />
          </span>
        )}
        <button type="button" disabled={board.loading} onClick={board.reload}>
          {t("refresh")}
        </button>
      </PageHeader>

      <section class="attention" aria-label={t("needsAttention")}>
        <a class={pending.data?.items.length ? "pill attention" : "pill"} href={paths.corrections()}>
          <strong>{queue(pending.data)}</strong> {t("pendingCorrections")}
        </a>
        <a class={flagged.data?.items.length ? "pill attention" : "pill"} href={paths.flagged}>
          <strong>{queue(flagged.data)}</strong> {t("flaggedPunches")}
        </a>
      </section>
      <ErrorMessage message={pending.error ?? flagged.error} />

      <section aria-labelledby="counts-heading">
        <h2 id="counts-heading" class="visually-hidden">
          {t("countsNow")}
        </h2>
        <div class="tiles compact">
          {TILES.map((tile) => {
            const n = board.data ? countOf(board.data, tile.show) : null;
            const selected = show === tile.show;
            return (
              <button
                key={tile.show}
                type="button"
                class={`tile${tile.attention && n ? " attention" : ""}${selected ? " selected" : ""}`}
                aria-pressed={selected}
                data-tile={tile.show}
                onClick={() => filter({ show: selected ? undefined : tile.show })}
              >
                <span class="tile-count">{n ?? "…"}</span>
                <span class="tile-label">{t(tile.label)}</span>
              </button>
            );
          })}
        </div>
      </section>

      <section class="card" aria-labelledby="board-heading">
        <div class="section-head">
          <h2 id="board-heading">{show ? t("showingOnly", { what: t(TILES.find((x) => x.show === show)!.label) }) : t("everyoneToday")}</h2>
          <div class="filters inline">
            <Field label={t("searchByName")} hiddenLabel class="search">
              {(c) => <input {...c} type="search" placeholder={t("searchByName")} value={query.q ?? ""} onInput={(e) => filter({ q: e.currentTarget.value })} />}
            </Field>
            {show && (
              <button type="button" onClick={() => filter({ show: undefined })}>
                {t("showEveryone")}
              </button>
            )}
          </div>
        </div>
        <p class="muted small">{t("todayZoneNote")}</p>
        <Loaded data={items} error={board.error} loading={board.loading} onRetry={board.reload} empty={board.data?.items.length ? t("nobodyMatches") : t("nobodyToday")}>
          {(rows) => <TodayTable items={rows} />}
        </Loaded>
      </section>
    </>
  );
}

function TodayTable({ items }: { items: TodayItem[] }) {
  const { t } = useI18n();
  return (
    <TableScroll label={t("everyoneToday")}>
      <table class="stacked" data-testid="today">
        <caption class="visually-hidden">{t("everyoneToday")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("name")}</th>
            <th scope="col">{t("now")}</th>
            <th scope="col">{t("dayStatus")}</th>
            <th scope="col">{t("firstIn")}</th>
            <th scope="col">{t("lastOut")}</th>
            <th scope="col">{t("worked")}</th>
            <th scope="col">{t("lastPunch")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.employeeId} data-employee={item.employeeId}>
              <td data-label={t("name")}>
                <a href={paths.employee(item.employeeId)}>{item.employeeName}</a>
              </td>
              <td data-label={t("now")}>
                <span class={`badge presence-${item.state}`}>{t(PRESENCE_LABELS[item.state])}</span>
              </td>
              <td data-label={t("dayStatus")}>
                <span class={`badge day-${item.day.status}`}>{t(DAY_STATUS_LABELS[item.day.status])}</span>
                {item.day.lateMinutes > 0 && <span class="muted small"> {t("minutesLate", { time: formatMinutes(t, item.day.lateMinutes) })}</span>}
                {item.day.flagged.length > 0 && <span class="badge flagged"> {t("flaggedN", { n: item.day.flagged.length })}</span>}
              </td>
              <td data-label={t("firstIn")}>{item.day.firstIn === null ? "—" : <When ms={item.day.firstIn} zone={item.timezone} timeOnly />}</td>
              <td data-label={t("lastOut")}>{item.day.lastOut === null ? "—" : <When ms={item.day.lastOut} zone={item.timezone} timeOnly />}</td>
              <td data-label={t("worked")}>{formatMinutes(t, item.day.workedMinutes)}</td>
              <td data-label={t("lastPunch")}>
                {item.lastPunch ? (
                  <a href={paths.punch(item.lastPunch.id)}>
                    <When ms={item.lastPunch.time} zone={item.timezone} timeOnly />
                  </a>
                ) : (
                  "—"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
