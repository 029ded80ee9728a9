import { formatMinutes } from "../format";
import type { Totals } from "../logic/report-totals";
import { useI18n } from "../state";

/** A range's totals as a row of figures (days present, late, early, absences, worked, overtime). */
export function TotalsList({ totals }: { totals: Totals }) {
  const { t } = useI18n();
  const figures: [string, string][] = [
    [t("daysPresentN"), String(totals.daysPresent)],
    [t("lateCount"), `${totals.lateCount} (${formatMinutes(t, totals.lateMinutes)})`],
    [t("earlyLeaveCount"), `${totals.earlyLeaveCount} (${formatMinutes(t, totals.earlyLeaveMinutes)})`],
    [t("absences"), String(totals.absences)],
    [t("workedHours"), formatMinutes(t, totals.workedMinutes)],
    [t("overtime"), formatMinutes(t, totals.overtimeMinutes)],
  ];
  return (
    <dl class="figures" aria-label={t("totals")}>
      {figures.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
