import type { ArchivedPunch, Employee, PunchRecord } from "../api";
import { MODE_LABELS, PUNCH_KIND_LABELS, PUNCH_STATUS_LABELS, REASON_LABELS } from "../labels";
import { paths } from "../routes";
import { useI18n } from "../state";
import { EmployeeName } from "./EmployeeName";
import { When } from "./When";
import { TableScroll } from "./TableScroll";

/**
 * Punches as rows, each time in the punch's own zone (named), linking to the punch's page; an
 * archived punch (no longer in D1, so without a page) is shown as it was stored, unlinked.
 */
export function PunchTable({
  punches,
  byId,
  showEmployee = true,
  caption,
}: {
  punches: (ArchivedPunch & { review?: PunchRecord["review"]; archived?: boolean })[];
  byId: Map<string, Employee>;
  showEmployee?: boolean;
  caption: string;
}) {
  const { t } = useI18n();
  return (
    <TableScroll label={caption}>
      <table class="stacked">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("time")}</th>
            {showEmployee && <th scope="col">{t("employee")}</th>}
            <th scope="col">{t("punchKind")}</th>
            <th scope="col">{t("status")}</th>
            <th scope="col">{t("mode")}</th>
            <th scope="col">{t("reasons")}</th>
          </tr>
        </thead>
        <tbody>
          {punches.map((punch) => (
            <tr key={punch.id} data-punch={punch.id}>
              <td data-label={t("time")}>
                {punch.archived ? (
                  <When ms={punch.effectiveTime} zone={punch.tz} />
                ) : (
                  <a href={paths.punch(punch.id)}>
                    <When ms={punch.effectiveTime} zone={punch.tz} />
                  </a>
                )}
              </td>
              {showEmployee && (
                <td data-label={t("employee")}>
                  <EmployeeName id={punch.employeeId} byId={byId} />
                </td>
              )}
              <td data-label={t("punchKind")}>{t(PUNCH_KIND_LABELS[punch.kind])}</td>
              <td data-label={t("status")}>
                <span class={`badge ${punch.status}`}>{t(PUNCH_STATUS_LABELS[punch.status])}</span>
                {punch.review && <span class="muted small"> {t("reviewed")}</span>}
              </td>
              <td data-label={t("mode")}>{t(MODE_LABELS[punch.mode])}</td>
              <td data-label={t("reasons")} class="reasons">
                {punch.reasons.map((r) => t(REASON_LABELS[r])).join("; ") || "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
