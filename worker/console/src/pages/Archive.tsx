import { useState } from "preact/hooks";
import { api, type ArchivedMonth, type ArchivedPunch } from "../api";
import { EmployeeSelect } from "../components/EmployeeSelect";
import { ErrorMessage } from "../components/ErrorMessage";
import { Loaded } from "../components/Loaded";
import { Loading } from "../components/Loading";
import { PageHeader } from "../components/PageHeader";
import { PunchTable } from "../components/PunchTable";
import { TableScroll } from "../components/TableScroll";
import { useDirectory } from "../hooks/use-directory";
import { useResource } from "../hooks/use-resource";
import { usePermissions } from "../permissions";
import { useI18n } from "../state";

/** Rows drawn at once; the download has the whole month. */
const SHOWN = 200;
/** Punches read into the page at most (about 6 MB of them); a larger month is read from its download. */
const READ_AT_MOST = 50_000;

/**
 * Months of punches that retention moved out of D1 into R2: each with its parts and their
 * SHA-256 (as `npm run verify` checks them), a download of the month as stored, and its punches
 * to read here. Admins and auditors, as the audit log.
 */
export function Archive() {
  const { t } = useI18n();
  const can = usePermissions();
  const months = useResource(() => (can.readAudit ? api.archive() : Promise.resolve({ items: [] })), [can.readAudit]);
  const [open, setOpen] = useState<string | null>(null);
  if (!can.readAudit) {
    return (
      <>
        <PageHeader title={t("navArchive")} />
        <p class="empty">{t("archiveForbidden")}</p>
      </>
    );
  }
  return (
    <>
      <PageHeader title={t("navArchive")} />
      <p class="muted">{t("archiveIntro")}</p>
      <Loaded {...months} onRetry={months.reload} empty={t("archiveEmpty")} isEmpty={(d) => d.items.length === 0}>
        {(data) => (
          <section class="card">
            <TableScroll label={t("archivedMonths")}>
              <table class="stacked">
                <caption class="visually-hidden">{t("archivedMonths")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("archiveMonth")}</th>
                    <th scope="col">{t("punchCount")}</th>
                    <th scope="col">{t("archiveParts")}</th>
                    <th scope="col">
                      <span class="visually-hidden">{t("actions")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((m) => (
                    <MonthRow key={m.month} month={m} open={open === m.month} onOpen={() => setOpen(open === m.month ? null : m.month)} />
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </section>
        )}
      </Loaded>
      {open && <MonthPunches key={open} month={open} />}
    </>
  );
}

function MonthRow({ month, open, onOpen }: { month: ArchivedMonth; open: boolean; onOpen: () => void }) {
  const { t, locale } = useI18n();
  const bytes = month.parts.reduce((n, p) => n + p.bytes, 0);
  return (
    <tr data-month={month.month}>
      <th scope="row" data-label={t("archiveMonth")}>
        {month.month}
      </th>
      <td data-label={t("punchCount")}>{month.punches.toLocaleString(locale)}</td>
      <td data-label={t("archiveParts")}>
        <ul class="plain-list">
          {month.parts.map((p) => (
            <li key={p.part}>
              {t("archivePart", { n: p.part, punches: p.punches.toLocaleString(locale), kb: Math.ceil(p.bytes / 1024).toLocaleString(locale) })}{" "}
              <code class="break" title={t("sha256")}>
                SHA-256 {p.sha256}
              </code>
            </li>
          ))}
        </ul>
        <span class="muted small">{t("archiveSize", { kb: Math.ceil(bytes / 1024).toLocaleString(locale) })}</span>
      </td>
      <td>
        <div class="button-row">
          <button type="button" aria-expanded={open} onClick={onOpen}>
            {open ? t("archiveHide", { month: month.month }) : t("archiveShow", { month: month.month })}
          </button>
          <a class="button-link" href={api.archivedMonthUrl(month.month)} download={`clockwork-punches-${month.month}.ndjson`}>
            {t("archiveDownload", { month: month.month })}
          </a>
        </div>
      </td>
    </tr>
  );
}

/** One archived month's punches, read from R2 through the Worker, filtered by person. */
function MonthPunches({ month }: { month: string }) {
  const { t, locale } = useI18n();
  const directory = useDirectory();
  const [employee, setEmployee] = useState("");
  const punches = useResource(() => api.archivedMonth(month, READ_AT_MOST), [month]);
  return (
    <section class="card" aria-labelledby="archive-month-heading">
      <h2 id="archive-month-heading">{t("archiveMonthHeading", { month })}</h2>
      {punches.loading && punches.data === undefined && <Loading />}
      <ErrorMessage message={punches.error} onRetry={punches.reload} />
      {punches.data && (
        <>
          <div class="filters" role="group" aria-label={t("filters")}>
            <EmployeeSelect label={t("employee")} value={employee} employees={directory.items} onChange={setEmployee} placeholder={t("everyone")} />
          </div>
          {!punches.data.complete && (
            <p class="muted" role="status">
              {t("archiveTruncated", { n: READ_AT_MOST.toLocaleString(locale) })}
            </p>
          )}
          <MonthTable punches={punches.data.punches.filter((p) => !employee || p.employeeId === employee)} byId={directory.byId} locale={locale} />
        </>
      )}
    </section>
  );
}

function MonthTable({ punches, byId, locale }: { punches: ArchivedPunch[]; byId: ReturnType<typeof useDirectory>["byId"]; locale: string }) {
  const { t } = useI18n();
  if (punches.length === 0) return <p class="empty">{t("archiveNoPunches")}</p>;
  const shown = punches.slice(0, SHOWN);
  return (
    <>
      <p class="muted small" role="status">
        {punches.length > SHOWN ? t("archiveShownOf", { shown: SHOWN.toLocaleString(locale), total: punches.length.toLocaleString(locale) }) : t("archiveShownAll", { total: punches.length.toLocaleString(locale) })}
      </p>
      <PunchTable punches={shown.map((p) => ({ ...p, archived: true }))} byId={byId} caption={t("archivedPunches")} />
    </>
  );
}
