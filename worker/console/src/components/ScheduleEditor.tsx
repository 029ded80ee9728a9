import { formatMinutes, weekdayName } from "../format";
import { type DayRow, isOvernight, type ScheduleErrors, type ScheduleForm, shiftMinutes } from "../logic/schedule-form";
import { useI18n } from "../state";
import { Field } from "./Field";
import { ZoneInput } from "./ZoneInput";

/**
 * A weekly schedule's fields: name and zone, fixed or flexible, one row per weekday (an end
 * before the start is an overnight shift), grace and earliest-in minutes, core hours and the
 * hours a flexible day asks for. Controlled: `onChange` gets the whole form.
 */
export function ScheduleEditor({ form, errors, onChange }: { form: ScheduleForm; errors: ScheduleErrors; onChange: (form: ScheduleForm) => void }) {
  const { t, locale } = useI18n();
  const set = (patch: Partial<ScheduleForm>) => onChange({ ...form, ...patch });
  const setDay = (index: number, patch: Partial<DayRow>) => set({ days: form.days.map((d, i) => (i === index ? { ...d, ...patch } : d)) });
  const firstWorking = form.days.find((d) => d.works);
  const hint = (key: keyof ScheduleErrors, fallback?: string) => (errors[key] ? t(errors[key]!) : fallback);

  return (
    <div class="schedule-editor">
      <div class="form-grid">
        <Field label={t("name")} hint={hint("name")}>
          {(c) => <input {...c} name="scheduleName" required maxLength={200} value={form.name} aria-invalid={!!errors.name} onInput={(e) => set({ name: e.currentTarget.value })} />}
        </Field>
        <Field label={t("scheduleZone")} hint={hint("timezone", t("scheduleZoneHint"))}>
          {(c) => <ZoneInput {...c} name="scheduleZone" value={form.timezone} placeholder="" onInput={(timezone) => set({ timezone })} />}
        </Field>
        <fieldset class="kind">
          <legend>{t("scheduleKind")}</legend>
          {(["fixed", "flexible"] as const).map((kind) => (
            <label key={kind} class="inline">
              <input type="radio" name="kind" value={kind} checked={form.kind === kind} onChange={() => set({ kind })} /> {t(kind === "fixed" ? "kindFixed" : "kindFlexible")}
            </label>
          ))}
        </fieldset>
      </div>
      <p class="muted small">{t(form.kind === "fixed" ? "fixedHelp" : "flexibleHelp")}</p>

      <div class="table-wrap">
        <table class="week">
          <caption class="visually-hidden">{t("weeklyHours")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("weekday")}</th>
              <th scope="col">{t(form.kind === "fixed" ? "shiftStart" : "spanStart")}</th>
              <th scope="col">{t(form.kind === "fixed" ? "shiftEnd" : "spanEnd")}</th>
              <th scope="col">{t("length")}</th>
            </tr>
          </thead>
          <tbody>
            {form.days.map((row, i) => {
              const name = weekdayName(locale, i + 1, "long");
              const length = shiftMinutes(row);
              const error = errors[`day${i + 1}`];
              return (
                <tr key={i} class={row.works ? undefined : "off"} data-weekday={i + 1}>
                  <th scope="row">
                    <label class="inline">
                      <input type="checkbox" name={`works-${i + 1}`} checked={row.works} onChange={(e) => setDay(i, { works: e.currentTarget.checked })} /> {name}
                    </label>
                  </th>
                  <td>
                    <input type="time" aria-label={t("startOn", { day: name })} disabled={!row.works} value={row.start} aria-invalid={!!error} onInput={(e) => setDay(i, { start: e.currentTarget.value })} />
                  </td>
                  <td>
                    <input type="time" aria-label={t("endOn", { day: name })} disabled={!row.works} value={row.end} aria-invalid={!!error} onInput={(e) => setDay(i, { end: e.currentTarget.value })} />
                  </td>
                  <td class="wrap">
                    {!row.works ? (
                      <span class="muted">{t("restDay")}</span>
                    ) : error ? (
                      <span class="field-error">{t(error)}</span>
                    ) : (
                      <>
                        {length !== null && formatMinutes(t, length)}
                        {isOvernight(row) && <span class="badge overnight"> {t("overnight")}</span>}
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {firstWorking && (
        <div class="button-row">
          <button type="button" onClick={() => set({ days: form.days.map((d) => (d.works ? { ...d, start: firstWorking.start, end: firstWorking.end } : d)) })}>
            {t("sameHoursEveryDay", { start: firstWorking.start, end: firstWorking.end })}
          </button>
        </div>
      )}

      {form.kind === "flexible" && (
        <div class="form-grid">
          <Field label={t("coreStart")} hint={hint("core", t("coreHint"))}>
            {(c) => <input {...c} type="time" name="coreStart" value={form.coreStart} aria-invalid={!!errors.core} onInput={(e) => set({ coreStart: e.currentTarget.value })} />}
          </Field>
          <Field label={t("coreEnd")}>{(c) => <input {...c} type="time" name="coreEnd" value={form.coreEnd} aria-invalid={!!errors.core} onInput={(e) => set({ coreEnd: e.currentTarget.value })} />}</Field>
          <Field label={t("requiredHours")} hint={hint("requiredHours", t("requiredHoursHint"))}>
            {(c) => <input {...c} name="requiredHours" inputMode="decimal" value={form.requiredHours} aria-invalid={!!errors.requiredHours} onInput={(e) => set({ requiredHours: e.currentTarget.value })} />}
          </Field>
        </div>
      )}

      <div class="form-grid">
        <Field label={t("graceLate")} hint={hint("graceLateMin", t("graceLateHint"))}>
          {(c) => <input {...c} type="number" min={0} max={240} name="graceLateMin" value={form.graceLateMin} aria-invalid={!!errors.graceLateMin} onInput={(e) => set({ graceLateMin: e.currentTarget.value })} />}
        </Field>
        <Field label={t("graceEarly")} hint={hint("graceEarlyMin", t("graceEarlyHint"))}>
          {(c) => <input {...c} type="number" min={0} max={240} name="graceEarlyMin" value={form.graceEarlyMin} aria-invalid={!!errors.graceEarlyMin} onInput={(e) => set({ graceEarlyMin: e.currentTarget.value })} />}
        </Field>
        <Field label={t("earliestIn")} hint={hint("earliestInMin", t("earliestInHint"))}>
          {(c) => <input {...c} type="number" min={0} max={720} name="earliestInMin" value={form.earliestInMin} aria-invalid={!!errors.earliestInMin} onInput={(e) => set({ earliestInMin: e.currentTarget.value })} />}
        </Field>
      </div>
      <label class="inline">
        <input type="checkbox" name="restDayWorkAllowed" checked={form.restDayWorkAllowed} onChange={(e) => set({ restDayWorkAllowed: e.currentTarget.checked })} /> {t("restDayWork")}
      </label>
    </div>
  );
}
