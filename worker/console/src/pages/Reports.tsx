import { useLocation } from "preact-iso";
import { useMemo } from "preact/hooks";
import { localDate } from "../../../../shared/time";
import { api, type MonthSummary, type ReportQuery, type TimesheetRow } from "../api";
import { CopyButton } from "../components/CopyButton";
import { DayChart } from "../components/DayChart";
import { DayTable } from "../components/DayTable";
import { EmployeeSelect } from "../components/EmployeeSelect";
import { Field } from "../components/Field";
import { Loaded } from "../components/Loaded";
import { PageHeader } from "../components/PageHeader";
import { TableScroll } from "../components/TableScroll";
import { TotalsList } from "../components/TotalsList";
import { addDays, datesBetween, formatMinutes, viewerZone } from "../format";
import { useDirectory } from "../hooks/use-directory";
import { useResource } from "../hooks/use-resource";
import { hours, perDay, totalsByEmployee, toTsv } from "../logic/report-totals";
import { paths } from "../routes";
import { useI18n } from "../state";

/** The longest range a report covers (the API's MAX_REPORT_DAYS). */
const MAX_DAYS = 62;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The range in the URL, or this month so far (in the viewer's zone). */
function rangeOf(query: Record<string, string | undefined>): ReportQuery {
  const today = localDate(Date.now(), viewerZone());
  const from = query.from && DATE.test(query.from) ? query.from : `${today.slice(0, 8)}01`;
  const to = query.to && DATE.test(query.to) ? query.to : today;
  return { from, to, employeeId: query.employee || undefined };
}

/** Timesheets, a month's summary per person for payroll, and charts of hours and late arrivals, for a range and scope. */
export function Reports() {
  const { t } = useI18n();
  const { query: urlQuery, route } = useLocation();
  const directory = useDirectory();
  const query = rangeOf(urlQuery);
  const dates = query.from <= query.to ? datesBetween(query.from, query.to) : [];
  const valid = dates.length >= 1 && dates.length <= MAX_DAYS;
  const key = [query.from, query.to, query.employeeId];
  const summary = useResource(async () => (valid ? (await api.summary(query)).items : []), key);
  const timesheet = useResource(async () => (valid ? (await api.timesheet(query)).items : []), key);
  const change = (next: Partial<{ from: string; to: string; employee: string }>) =>
    route(paths.reports({ from: query.from, to: query.to, employee: query.employeeId, ...next }), true);
  const today = localDate(Date.now(), viewerZone());
  const lastMonth = addDays(`${today.slice(0, 8)}01`, -1);

  return (
    <>
      <PageHeader title={t("navReports")}>
        {valid && (
          <>
            <a class="button-link" href={api.timesheetCsvUrl(query)} download={`timesheet-${query.from}-to-${query.to}.csv`}>
              {t("downloadTimesheet")}
            </a>
            <a class="button-link" href={api.summaryCsvUrl(query)} download={`summary-${query.from}-to-${query.to}.csv`}>
              {t("downloadSummary")}
            </a>
          </>
        )}
      </PageHeader>
      <section class="card">
        <div class="filters" role="group" aria-label={t("filters")}>
          <Field label={t("from")}>{(c) => <input {...c} type="date" name="from" value={query.from} onChange={(e) => e.currentTarget.value && change({ from: e.currentTarget.value })} />}</Field>
          <Field label={t("to")}>{(c) => <input {...c} type="date" name="to" value={query.to} onChange={(e) => e.currentTarget.value && change({ to: e.currentTarget.value })} />}</Field>
          <EmployeeSelect value={query.employeeId ?? ""} employees={directory.items} onChange={(employee) => change({ employee: employee || undefined })} />
          <div class="button-row tight">
            <button type="button" onClick={() => change({ from: `${today.slice(0, 8)}01`, to: today })}>
              {t("thisMonth")}
            </button>
            <button type="button" onClick={() => change({ from: `${lastMonth.slice(0, 8)}01`, to: lastMonth })}>
              {t("lastMonth")}
            </button>
          </div>
        </div>
        {!valid && (
          <p class="message error" role="alert">
            {t("rangeInvalid", { max: MAX_DAYS })}
          </p>
        )}
        <p class="muted small">{t("reportZoneNote")}</p>
      </section>

      {valid && (
        <>
          <section class="card" aria-labelledby="summary-heading">
            <div class="section-head">
              <h2 id="summary-heading">{t("summaryTitle")}</h2>
              {summary.data && summary.data.length > 0 && <CopyButton text={summaryTsv(summary.data, t)} label={t("copyForSpreadsheet")} />}
            </div>
            <Loaded {...summary} onRetry={summary.reload} empty={t("noReportRows")}>
              {(items) => <SummaryTable items={items} />}
            </Loaded>
          </section>

          <section class="card" aria-labelledby="charts-heading">
            <h2 id="charts-heading">{t("chartsTitle")}</h2>
            <Loaded {...timesheet} onRetry={timesheet.reload} empty={t("noReportRows")}>
              {(rows) => <Charts rows={rows} dates={dates} />}
            </Loaded>
          </section>

          <section class="card" aria-labelledby="timesheet-heading">
            <h2 id="timesheet-heading">{t("timesheetTitle")}</h2>
            <Loaded {...timesheet} onRetry={timesheet.reload} empty={t("noReportRows")}>
              {(rows) => <Timesheet rows={rows} />}
            </Loaded>
          </section>
        </>
      )}
    </>
  );
}

const SUMMARY_COLUMNS = ["employee", "workDays", "daysPresentN", "lateCount", "lateMinutes", "earlyLeaveCount", "earlyLeaveMinutes", "absences", "dayIncomplete", "dayHoliday", "workedHoursDecimal", "overtimeHoursDecimal", "flaggedCount"] as const;

function summaryCells(s: MonthSummary): (string | number)[] {
  return [s.employeeName, s.workDays, s.daysPresent, s.lateCount, s.lateMinutes, s.earlyLeaveCount, s.earlyLeaveMinutes, s.absences, s.incomplete, s.holidays, hours(s.workedMinutes), hours(s.overtimeMinutes), s.flaggedPunches];
}

function summaryTsv(items: MonthSummary[], t: ReturnType<typeof useI18n>["t"]): string {
  return toTsv(
    SUMMARY_COLUMNS.map((c) => t(c)),
    items.map(summaryCells),
  );
}

function SummaryTable({ items }: { items: MonthSummary[] }) {
  const { t } = useI18n();
  return (
    <TableScroll label={t("summaryTitle")}>
      <table class="numbers" data-testid="summary">
        <caption class="visually-hidden">{t("summaryTitle")}</caption>
        <thead>
          <tr>
            {SUMMARY_COLUMNS.map((c) => (
              <th key={c} scope="col">
                {t(c)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.employeeId}>
              {summaryCells(s).map((cell, i) => (i === 0 ? <th key={i} scope="row"><a href={paths.employee(s.employeeId)}>{cell}</a></th> : <td key={i}>{cell}</td>))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function Charts({ rows, dates }: { rows: TimesheetRow[]; dates: string[] }) {
  const { t } = useI18n();
  const points = useMemo(() => perDay(rows, dates), [rows, dates]);
  const worked = points.map((p) => p.workedHours);
  const late = points.map((p) => p.lateArrivals);
  const total = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) * 100) / 100;
  return (
    <div class="charts">
      <DayChart
        title={t("chartWorked")}
        description={t("chartWorkedDescription", { total: total(worked), days: dates.length })}
        dates={dates}
        values={worked}
        color="#2557d6"
        formatValue={(v) => `${v} h`}
      />
      <DayChart
        title={t("chartLate")}
        description={t("chartLateDescription", { total: total(late), days: dates.length })}
        dates={dates}
        values={late}
        color="#a15c00"
        formatValue={(v) => (Number.isInteger(v) ? String(v) : "")}
      />
    </div>
  );
}

function Timesheet({ rows }: { rows: TimesheetRow[] }) {
  const { t } = useI18n();
  const groups = useMemo(() => totalsByEmployee(rows), [rows]);
  return (
    <div class="stack">
      {groups.map((group) => (
        <details key={group.employeeId} class="timesheet-group" open={groups.length <= 3}>
          <summary>
            <strong>{group.employeeName}</strong>{" "}
            <span class="muted">
              {t("groupSummary", { present: group.totals.daysPresent, late: group.totals.lateCount, worked: formatMinutes(t, group.totals.workedMinutes) })}
            </span>
          </summary>
          <TotalsList totals={group.totals} />
          <DayTable rows={group.rows} caption={t("timesheetOf", { name: group.employeeName })} />
        </details>
      ))}
    </div>
  );
}
