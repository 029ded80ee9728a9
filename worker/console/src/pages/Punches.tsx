import { useLocation } from "preact-iso";
import { localDate } from "../../../../shared/time";
import { api, type PunchExportQuery, type PunchQuery } from "../api";
import { CsvDownload } from "../components/CsvDownload";
import { EmployeeSelect } from "../components/EmployeeSelect";
import { Field } from "../components/Field";
import { Loaded } from "../components/Loaded";
import { LoadMore } from "../components/LoadMore";
import { PageHeader } from "../components/PageHeader";
import { PunchTable } from "../components/PunchTable";
import { addDays, viewerZone } from "../format";
import { useDirectory } from "../hooks/use-directory";
import { usePaged } from "../hooks/use-paged";
import { codesOf, MODE_LABELS, PUNCH_STATUS_LABELS, REASON_LABELS } from "../labels";
import { usePermissions } from "../permissions";
import { type PunchFilter, paths } from "../routes";
import { useI18n } from "../state";

const STATUSES = codesOf(PUNCH_STATUS_LABELS);
const MODES = codesOf(MODE_LABELS);
const REASONS = codesOf(REASON_LABELS);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Local days the export covers when no start date is chosen: within the API's 366 days of 24 hours whatever the clocks do. */
const EXPORT_DEFAULT_DAYS = 365;

const oneOf = <T extends string>(values: readonly T[], value: string | undefined): T | undefined => values.find((v) => v === value);

/** A local date's first (or, `end`, last) millisecond in the viewer's own zone. */
function edge(date: string | undefined, end: boolean): number | undefined {
  if (!date || !DATE.test(date)) return undefined;
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return end ? new Date(y, m - 1, d + 1).getTime() - 1 : new Date(y, m - 1, d).getTime();
}

/** The filter in the URL, each value checked (a hand-edited link cannot send nonsense to the API). */
export function punchFilterFrom(query: Record<string, string | undefined>): PunchFilter {
  return {
    from: query.from && DATE.test(query.from) ? query.from : undefined,
    to: query.to && DATE.test(query.to) ? query.to : undefined,
    employee: query.employee || undefined,
    status: oneOf(STATUSES, query.status),
    mode: oneOf(MODES, query.mode),
    reason: oneOf(REASONS, query.reason),
  };
}

/** What the API is asked for a filter. */
export function punchQueryOf(filter: PunchFilter): Omit<PunchQuery, "cursor" | "limit"> {
  return { from: edge(filter.from, false), to: edge(filter.to, true), employeeId: filter.employee, status: filter.status, mode: filter.mode, reason: filter.reason };
}

/**
 * What the CSV export asks for: the filter, between its dates, or up to `today` and from
 * EXPORT_DEFAULT_DAYS back where a date is not chosen (the API refuses an export without both,
 * or over 366 days, and the page shows why).
 */
export function punchExportOf(filter: PunchFilter, today: string): { query: PunchExportQuery; filename: string } {
  const to = filter.to ?? today;
  const from = filter.from ?? addDays(to, 1 - EXPORT_DEFAULT_DAYS);
  return { query: { ...punchQueryOf(filter), from: edge(from, false)!, to: edge(to, true)! }, filename: `punches-${from}-to-${to}.csv` };
}

/** Every punch in the viewer's scope, newest first, filtered by dates, person, status, mode and reason; the filter lives in the URL and exports as CSV. */
export function Punches() {
  const { t } = useI18n();
  const can = usePermissions();
  const { query, route } = useLocation();
  const directory = useDirectory();
  const filter = punchFilterFrom(query);
  const apiQuery = punchQueryOf(filter);
  const csv = punchExportOf(filter, localDate(Date.now(), viewerZone()));
  const list = usePaged((cursor) => api.punches({ ...apiQuery, cursor, limit: 50 }), [filter.from, filter.to, filter.employee, filter.status, filter.mode, filter.reason]);
  // Replace, not push: Back leaves the page rather than stepping through each filter.
  const change = (next: PunchFilter) => route(paths.punches({ ...filter, ...next }), true);
  const filtered = Object.values(filter).some((v) => v !== undefined);

  return (
    <>
      <PageHeader title={t("navPunches")}>
        {can.readAudit && <a href={paths.archive}>{t("archiveLink")}</a>}
        <CsvDownload label={t("exportCsv")} filename={csv.filename} fetchFile={() => api.punchesCsv(csv.query)} />
      </PageHeader>
      <section class="card">
        <div class="filters" role="group" aria-label={t("filters")}>
          <Field label={t("from")}>{(c) => <input {...c} type="date" name="from" value={filter.from ?? ""} max={filter.to} onChange={(e) => change({ from: e.currentTarget.value || undefined })} />}</Field>
          <Field label={t("to")}>{(c) => <input {...c} type="date" name="to" value={filter.to ?? ""} min={filter.from} onChange={(e) => change({ to: e.currentTarget.value || undefined })} />}</Field>
          <EmployeeSelect value={filter.employee ?? ""} employees={directory.items} onChange={(employee) => change({ employee: employee || undefined })} />
          <Field label={t("status")}>
            {(c) => (
              <select {...c} name="status" value={filter.status ?? ""} onChange={(e) => change({ status: oneOf(STATUSES, e.currentTarget.value) })}>
                <option value="">{t("allStatuses")}</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(PUNCH_STATUS_LABELS[s])}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t("mode")}>
            {(c) => (
              <select {...c} name="mode" value={filter.mode ?? ""} onChange={(e) => change({ mode: oneOf(MODES, e.currentTarget.value) })}>
                <option value="">{t("all")}</option>
                {MODES.map((m) => (
                  <option key={m} value={m}>
                    {t(MODE_LABELS[m])}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t("reason")} class="wide">
            {(c) => (
              <select {...c} name="reason" value={filter.reason ?? ""} onChange={(e) => change({ reason: oneOf(REASONS, e.currentTarget.value) })}>
                <option value="">{t("anyReason")}</option>
                {REASONS.map((r) => (
                  <option key={r} value={r}>
                    {t(REASON_LABELS[r])}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {filtered && (
            <button type="button" onClick={() => route(paths.punches(), true)}>
              {t("clearFilters")}
            </button>
          )}
        </div>
        <p class="muted small">{t("punchDatesNote")}</p>
        <Loaded data={list.items} error={list.error} loading={list.loading} onRetry={list.reload} empty={filtered ? t("noPunchesMatch") : t("noPunches")}>
          {(items) => <PunchTable punches={items} byId={directory.byId} caption={t("navPunches")} />}
        </Loaded>
        <LoadMore list={list} />
      </section>
    </>
  );
}
