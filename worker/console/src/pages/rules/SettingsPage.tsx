import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { api, type Settings } from "../../api";
import { ErrorMessage } from "../../components/ErrorMessage";
import { Field } from "../../components/Field";
import { Loaded } from "../../components/Loaded";
import { RulesHeader } from "../../components/RulesNav";
import { ZoneInput } from "../../components/ZoneInput";
import { weekdayName } from "../../format";
import { useAction } from "../../hooks/use-action";
import { useResource } from "../../hooks/use-resource";
import type { MessageKey } from "../../i18n";
import { codesOf, OUTCOME_LABELS, REASON_HELP, REASON_LABELS } from "../../labels";
import { type NumberKey, precisionMetres, type SettingsForm, settingsFormOf, settingsUpdateOf } from "../../logic/settings-form";
import { usePermissions } from "../../permissions";
import { useI18n } from "../../state";

const REASONS = codesOf(REASON_LABELS);
const OUTCOMES = codesOf(OUTCOME_LABELS);

/** Company policy: what each reason does to a punch, the offline window, location, devices, hours, corrections and retention. */
export function SettingsPage() {
  const { t } = useI18n();
  const can = usePermissions();
  const settings = useResource(() => api.settings(), []);
  if (!can.readSettings) {
    return (
      <>
        <RulesHeader page="settings" />
        <p class="empty">{t("noSettingsForRole")}</p>
      </>
    );
  }
  return (
    <>
      <RulesHeader page="settings" />
      <Loaded {...settings} onRetry={settings.reload}>
        {(data) => <SettingsBody settings={data} editable={can.editSettings} onSaved={(next) => settings.setData(() => next)} />}
      </Loaded>
    </>
  );
}

function SettingsBody({ settings, editable, onSaved }: { settings: Settings; editable: boolean; onSaved: (settings: Settings) => void }) {
  const { t, locale } = useI18n();
  const [form, setForm] = useState(() => settingsFormOf(settings));
  const [tried, setTried] = useState(false);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  const { update, errors } = settingsUpdateOf(form, REASONS);
  const set = (patch: Partial<SettingsForm>) => {
    setSaved(false);
    setForm({ ...form, ...patch });
  };

  /** A numeric setting: a field for admins, its value in words for auditors. */
  const number = (key: NumberKey, label: MessageKey, hint: string, unit?: string) =>
    editable ? (
      <Field label={t(label)} hint={tried && errors[key] ? t("outOfBounds") : hint}>
        {(c) => (
          <input
            {...c}
            name={key}
            inputMode="decimal"
            value={form.numbers[key]}
            aria-invalid={tried && !!errors[key]}
            onInput={(e) => set({ numbers: { ...form.numbers, [key]: e.currentTarget.value } })}
          />
        )}
      </Field>
    ) : (
      <ReadOnly label={t(label)} hint={hint}>
        {form.numbers[key]}
        {unit ? ` ${unit}` : ""}
      </ReadOnly>
    );

  const submit = (event: Event) => {
    event.preventDefault();
    setTried(true);
    if (!update) return;
    void run(async () => {
      // The form takes what the server stored (it may normalise), and stays mounted to say so.
      const next = await api.updateSettings(update);
      setForm(settingsFormOf(next));
      setTried(false);
      onSaved(next);
      setSaved(true);
    });
  };

  const body = (
    <>
      <section class="card" aria-labelledby="outcomes-heading">
        <h2 id="outcomes-heading">{t("reasonOutcomes")}</h2>
        <p class="muted">{t("reasonOutcomesIntro")}</p>
        <div class="table-wrap">
          <table class="stacked outcomes">
            <caption class="visually-hidden">{t("reasonOutcomes")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("reason")}</th>
                <th scope="col">{t("whatItMeans")}</th>
                <th scope="col">{t("outcome")}</th>
              </tr>
            </thead>
            <tbody>
              {REASONS.map((reason) => (
                <tr key={reason} data-reason={reason}>
                  <th scope="row" class="wrap">
                    {t(REASON_LABELS[reason])}
                  </th>
                  <td data-label={t("whatItMeans")} class="wrap muted">
                    {t(REASON_HELP[reason])}
                  </td>
                  <td data-label={t("outcome")}>
                    {editable ? (
                      <select
                        name={`outcome-${reason}`}
                        aria-label={t("outcomeFor", { reason: t(REASON_LABELS[reason]) })}
                        value={form.outcomes[reason] ?? "flag"}
                        onChange={(e) => set({ outcomes: { ...form.outcomes, [reason]: e.currentTarget.value as "ignore" | "flag" | "reject" } })}
                      >
                        {OUTCOMES.map((o) => (
                          <option key={o} value={o}>
                            {t(OUTCOME_LABELS[o])}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <span class={`badge outcome-${form.outcomes[reason]}`}>{t(OUTCOME_LABELS[form.outcomes[reason] ?? "flag"])}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section class="card" aria-labelledby="offline-heading">
        <h2 id="offline-heading">{t("offlineAndPlace")}</h2>
        <div class="form-grid">
          {number("offlineWindowHours", "offlineWindow", t("offlineWindowHint"), t("unitHours"))}
          {number("locationPrecision", "locationPrecision", t("locationPrecisionHint", { m: precisionMetres(Number(form.numbers.locationPrecision) || 0) }))}
          {number("locationAccuracyAllowanceM", "accuracyAllowance", t("accuracyAllowanceHint"), t("unitMetres"))}
          {number("ipMismatchKm", "ipMismatch", t("ipMismatchHint"), t("unitKm"))}
          {number("travelSpeedKmh", "travelSpeed", t("travelSpeedHint"), t("unitKmh"))}
          {editable ? (
            <Field label={t("allowedCountries")} hint={tried && errors.allowedCountries ? t("countriesInvalid") : t("allowedCountriesHint")}>
              {(c) => <input {...c} name="allowedCountries" value={form.allowedCountries} aria-invalid={tried && !!errors.allowedCountries} onInput={(e) => set({ allowedCountries: e.currentTarget.value })} />}
            </Field>
          ) : (
            <ReadOnly label={t("allowedCountries")} hint={t("allowedCountriesHint")}>
              {form.allowedCountries || t("anyCountry")}
            </ReadOnly>
          )}
        </div>
      </section>

      <section class="card" aria-labelledby="devices-policy-heading">
        <h2 id="devices-policy-heading">{t("devicePolicy")}</h2>
        <div class="form-grid">
          {number("maxDevicesPerEmployee", "maxDevices", t("maxDevicesHint"))}
          {editable ? (
            <label class="inline checkbox-field">
              <input type="checkbox" name="syncedPasskeysAllowed" checked={form.syncedPasskeysAllowed} onChange={(e) => set({ syncedPasskeysAllowed: e.currentTarget.checked })} />{" "}
              {t("syncedAllowed")}
            </label>
          ) : (
            <ReadOnly label={t("syncedAllowed")}>{form.syncedPasskeysAllowed ? t("yes") : t("no")}</ReadOnly>
          )}
        </div>
      </section>

      <section class="card" aria-labelledby="hours-heading">
        <h2 id="hours-heading">{t("companyHoursTitle")}</h2>
        <p class="muted">{t("companyHoursIntro")}</p>
        {editable ? (
          <div class="form-grid">
            <Field label={t("defaultTimezone")} hint={t("defaultTimezoneHint")}>
              {(c) => <ZoneInput {...c} name="defaultTimezone" required value={form.defaultTimezone} onInput={(defaultTimezone) => set({ defaultTimezone })} />}
            </Field>
            <Field label={t("workdayStart")} hint={tried && errors.workday ? t("dayTimesNeeded") : undefined}>
              {(c) => <input {...c} type="time" name="workdayStart" value={form.workdayStart} onInput={(e) => set({ workdayStart: e.currentTarget.value })} />}
            </Field>
            <Field label={t("workdayEnd")}>{(c) => <input {...c} type="time" name="workdayEnd" value={form.workdayEnd} onInput={(e) => set({ workdayEnd: e.currentTarget.value })} />}</Field>
            <fieldset class="span-all weekdays">
              <legend>{t("workdays")}</legend>
              {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                <label key={d} class="inline">
                  <input
                    type="checkbox"
                    checked={form.workdayDays.includes(d)}
                    onChange={(e) => set({ workdayDays: e.currentTarget.checked ? [...form.workdayDays, d] : form.workdayDays.filter((x) => x !== d) })}
                  />{" "}
                  {weekdayName(locale, d, "long")}
                </label>
              ))}
            </fieldset>
          </div>
        ) : (
          <dl class="facts">
            <dt>{t("defaultTimezone")}</dt>
            <dd>{form.defaultTimezone}</dd>
            <dt>{t("workdays")}</dt>
            <dd>
              {form.workdayDays.map((d) => weekdayName(locale, d)).join(", ")} {form.workdayStart}–{form.workdayEnd}
            </dd>
          </dl>
        )}
      </section>

      <section class="card" aria-labelledby="corrections-policy-heading">
        <h2 id="corrections-policy-heading">{t("correctionLimits")}</h2>
        <div class="form-grid">
          {number("corrections.windowDays", "correctionWindow", t("correctionWindowHint"), t("unitDays"))}
          {number("corrections.monthlyLimit", "monthlyLimit", t("monthlyLimitHint"))}
          {number("corrections.maxFiles", "maxFiles", t("maxFilesHint"))}
          {number("corrections.maxFileBytes", "maxFileSize", t("maxFileSizeHint"), "MB")}
        </div>
      </section>

      <section class="card" aria-labelledby="retention-heading">
        <h2 id="retention-heading">{t("retention")}</h2>
        <p class="muted">{t("retentionIntro")}</p>
        <div class="form-grid">
          {number("retention.locationDays", "keepLocation", t("keepLocationHint"), t("unitDays"))}
          {number("retention.ipDays", "keepIp", t("keepIpHint"), t("unitDays"))}
          {number("retention.evidenceDays", "keepEvidence", t("keepEvidenceHint"), t("unitDays"))}
          {number("retention.punchMonths", "keepPunches", t("keepPunchesHint"), t("unitMonths"))}
        </div>
      </section>
    </>
  );

  if (!editable) return body;
  return (
    <form class="stack" onSubmit={submit} noValidate>
      {body}
      <div class="card save-bar">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("working") : t("saveSettings")}
        </button>
        {saved && (
          <span class="message success" role="status">
            {t("saved")}
          </span>
        )}
        {tried && !update && (
          <span class="field-error" role="alert">
            {t("fixMarkedFields")}
          </span>
        )}
        <ErrorMessage message={error} />
      </div>
    </form>
  );
}

function ReadOnly({ label, hint, children }: { label: string; hint?: string; children: ComponentChildren }) {
  return (
    <div class="field read-only">
      <span class="label">{label}</span>
      <span class="value">{children}</span>
      {hint && <small>{hint}</small>}
    </div>
  );
}
