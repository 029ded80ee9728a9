import type { Employee, PunchRecord } from "../api";
import { formatTime } from "../format";
import type { MessageKey } from "../i18n";
import { useAppState } from "../state";

const STATUS_LABELS: Record<PunchRecord["status"], MessageKey> = {
  accepted: "statusAccepted",
  flagged: "statusFlagged",
  rejected: "statusRejected",
};

export function PunchTable({ punches, employees }: { punches: PunchRecord[]; employees: Employee[] }) {
  const { t, locale } = useAppState();
  if (punches.length === 0) return <p class="empty">{t("noPunches")}</p>;
  const names = new Map(employees.map((e) => [e.id, e.name]));
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("time")}</th>
            <th scope="col">{t("employee")}</th>
            <th scope="col">{t("punchKind")}</th>
            <th scope="col">{t("status")}</th>
            <th scope="col">{t("mode")}</th>
            <th scope="col">{t("reasons")}</th>
          </tr>
        </thead>
        <tbody>
          {punches.map((punch) => (
            <tr key={punch.id}>
              <td>{formatTime(locale, punch.effectiveTime)}</td>
              <td>{names.get(punch.employeeId) ?? t("unknownEmployee", { id: punch.employeeId })}</td>
              <td>{punch.kind === "in" ? t("punchIn") : t("punchOut")}</td>
              <td>
                <span class={`badge ${punch.status}`}>{t(STATUS_LABELS[punch.status])}</span>
              </td>
              <td>{punch.mode === "online" ? t("modeOnline") : t("modeOffline")}</td>
              <td>{punch.reasons.join(", ") || "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
