import { api, type Correction, type Employee } from "../api";
import { useResource } from "../hooks/use-resource";
import { MODE_LABELS, PUNCH_KIND_LABELS, PUNCH_STATUS_LABELS } from "../labels";
import { useI18n } from "../state";
import { Loaded } from "./Loaded";
import { When } from "./When";

/** Wide enough to hold the whole local day of the claimed time in any zone. */
const AROUND_MS = 36 * 3_600_000;

/**
 * The employee's punches on the request's date, with the claimed time put among them, so a
 * reviewer sees what the day looked like (a missing in, an out already there).
 */
export function DayContext({ correction, employee, zone }: { correction: Correction; employee: Employee | undefined; zone: string }) {
  const { t } = useI18n();
  const punches = useResource(
    async () => {
      const page = await api.punches({ employeeId: correction.employeeId, from: correction.time - AROUND_MS, to: correction.time + AROUND_MS, limit: 100 });
      return page.items.filter((p) => p.localDate === correction.date).sort((a, b) => a.effectiveTime - b.effectiveTime);
    },
    [correction.id, correction.status],
  );
  const name = employee?.name ?? t("theEmployee");

  return (
    <div class="day-context">
      <h3>{t("dayOf", { name })}</h3>
      <Loaded {...punches} onRetry={punches.reload}>
        {(items) => {
          // The claimed time among the real punches, in time order (a correction punch made from this request is already one of them).
          const rows = [...items.map((p) => ({ at: p.effectiveTime, punch: p })), ...(correction.punchId ? [] : [{ at: correction.time, punch: null }])].sort(
            (a, b) => a.at - b.at,
          );
          return (
            <>
              {items.length === 0 && <p class="muted">{t("noPunchesThatDay")}</p>}
              <ol class="timeline">
                {rows.map(({ at, punch }) =>
                  punch ? (
                    <li key={punch.id}>
                      <When ms={at} zone={punch.tz} timeOnly /> {t(PUNCH_KIND_LABELS[punch.kind])} · {t(MODE_LABELS[punch.mode])} ·{" "}
                      <span class={`badge ${punch.status}`}>{t(PUNCH_STATUS_LABELS[punch.status])}</span>
                      {punch.correctionId === correction.id && <strong> {t("fromThisRequest")}</strong>}
                    </li>
                  ) : (
                    <li key="claimed" class="claimed">
                      <When ms={at} zone={zone} timeOnly /> {t(PUNCH_KIND_LABELS[correction.kind])} · <strong>{t("claimedHere")}</strong>
                    </li>
                  ),
                )}
              </ol>
            </>
          );
        }}
      </Loaded>
    </div>
  );
}
