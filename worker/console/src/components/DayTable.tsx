import type { TimesheetRow } from "../api";
import { formatLocalDate, formatMinutes } from "../format";
import { DAY_STATUS_LABELS } from "../labels";
import { useI18n } from "../state";
import { When } from "./When";
import { TableScroll } from "./TableScroll";

/** Day summaries as the timesheet computes them, newest first, times in each day's zone. */
export function DayTable({ rows, caption }: { rows: TimesheetRow[]; caption: string }) {
  const { t, locale } = useI18n();
  return (
    <TableScroll label={caption}>
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("date")}</th>
            <th scope="col">{t("status")}</th>
            <th scope="col">{t("firstIn")}</th>
            <th scope="col">{t("lastOut")}</th>
            <th scope="col">{t("worked")}</th>
            <th scope="col">{t("flaggedCount")}</th>
          </tr>
        </thead>
        <tbody>
          {[...rows].reverse().map((row) => (
            <tr key={row.date} data-date={row.date}>
              <td>{formatLocalDate(locale, row.date)}</td>
              <td>
                <span class={`badge day-${row.status}`}>{t(DAY_STATUS_LABELS[row.status])}</span>
              </td>
              <td>{row.firstIn === null ? "—" : <When ms={row.firstIn} zone={row.timezone} timeOnly />}</td>
              <td>{row.lastOut === null ? "—" : <When ms={row.lastOut} zone={row.timezone} timeOnly />}</td>
              <td>{formatMinutes(t, row.workedMinutes)}</td>
              <td>{row.flagged.length || "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
