import { useEffect, useState } from "preact/hooks";
import { useAppState } from "../../components/AppState";
import { EnrolForm } from "../../components/EnrolForm";
import { browserTimeZone, dateTimeOf } from "../../components/format";
import { bcp47, initI18n, localeItem, t, type Locale } from "../../utils/i18n";
import { sendMessage } from "../../utils/messaging";
import { prefsItem, type Prefs } from "../../utils/storage";

function Enrolment() {
  const state = useAppState();
  const [reenrol, setReenrol] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const enrolment = state.enrolment.value;
  const { url, locked } = state.server.value;

  if (enrolment && !reenrol) {
    return (
      <section class="card" aria-labelledby="enrolled-title">
        <h2 id="enrolled-title">{t("enrolledAs", enrolment.employeeName)}</h2>
        {done && (
          <p class="message success" role="status">
            {done}
          </p>
        )}
        <p class="muted">{t("enrolledDetails", enrolment.deviceLabel, enrolment.serverUrl, dateTimeOf(enrolment.enrolledAt))}</p>
        <p class="muted">{t("reenrolHint")}</p>
        <button type="button" onClick={() => setReenrol(true)}>
          {t("reenrol")}
        </button>
      </section>
    );
  }
  return (
    <section class="card" aria-labelledby="enrol-title">
      <h2 id="enrol-title">{t("enrolTitle")}</h2>
      <EnrolForm
        lockedServerUrl={locked ? url : null}
        initialServerUrl={enrolment?.serverUrl ?? url}
        onCancel={reenrol ? () => setReenrol(false) : undefined}
        onEnrolled={(e) => {
          setReenrol(false);
          setDone(t("enrolDone", e.employeeName));
          sendMessage("remindersChanged").catch(() => undefined);
        }}
      />
    </section>
  );
}

const ISO_DAYS = [1, 2, 3, 4, 5, 6, 7];
const dayName = (iso: number) => new Intl.DateTimeFormat(bcp47(), { weekday: "short", timeZone: "UTC" }).format(Date.UTC(2024, 0, iso)); // 2024-01-01 was a Monday

function Reminders() {
  const state = useAppState();
  const [prefs, setPrefs] = useState<Prefs | null>(null);
  const [saved, setSaved] = useState(false);
  const forced = state.policy.value.remindersEnabled;
  useEffect(() => {
    void prefsItem.getValue().then(setPrefs);
  }, []);
  if (!prefs) return null;
  const enabled = forced ?? prefs.remindersEnabled;
  const update = (patch: Partial<Prefs>) => {
    setSaved(false);
    // Changing the times or days makes them the employee's own, in the browser's zone.
    const own = "startTime" in patch || "endTime" in patch || "workdays" in patch || patch.followCompany === false;
    setPrefs({ ...prefs, ...patch, ...(own ? { followCompany: false, timeZone: null } : {}) });
  };
  async function save(event: Event) {
    event.preventDefault();
    await prefsItem.setValue(prefs!);
    await sendMessage("remindersChanged").catch(() => undefined);
    setSaved(true);
  }
  return (
    <section class="card" aria-labelledby="reminders-title">
      <h2 id="reminders-title">{t("remindersTitle")}</h2>
      <form class="panel" onSubmit={save}>
        {forced !== undefined ? (
          <p class="message info">{forced ? t("remindersForcedOn") : t("remindersForcedOff")}</p>
        ) : (
          <label class="check">
            <input type="checkbox" checked={prefs.remindersEnabled} onChange={(e) => update({ remindersEnabled: e.currentTarget.checked })} />
            <span>{t("remindersEnabled")}</span>
          </label>
        )}
        <label class="check">
          <input type="checkbox" checked={prefs.followCompany} disabled={!enabled} onChange={(e) => update({ followCompany: e.currentTarget.checked })} />
          <span>{t("followCompany")}</span>
        </label>
        {prefs.followCompany && prefs.timeZone && prefs.timeZone !== browserTimeZone() && <p class="muted">{t("remindersZone", prefs.timeZone)}</p>}
        <div class="times">
          <label>
            {t("startTime")}
            <input type="time" value={prefs.startTime} disabled={!enabled} required onInput={(e) => update({ startTime: e.currentTarget.value })} />
          </label>
          <label>
            {t("endTime")}
            <input type="time" value={prefs.endTime} disabled={!enabled} required onInput={(e) => update({ endTime: e.currentTarget.value })} />
          </label>
        </div>
        <fieldset disabled={!enabled}>
          <legend>{t("workdays")}</legend>
          <div class="days">
            {ISO_DAYS.map((d) => (
              <label class="check" key={d}>
                <input
                  type="checkbox"
                  checked={prefs.workdays.includes(d)}
                  onChange={(e) => update({ workdays: e.currentTarget.checked ? [...prefs.workdays, d].sort() : prefs.workdays.filter((x) => x !== d) })}
                />
                <span>{dayName(d)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div class="form-actions">
          <button type="submit" class="primary">
            {t("save")}
          </button>
          {saved && (
            <span class="saved" role="status">
              {t("saved")}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}

function Language() {
  const state = useAppState();
  const [value, setValue] = useState<"auto" | Locale>("auto");
  const locked = state.policy.value.locale;
  useEffect(() => {
    void localeItem.getValue().then(setValue);
  }, []);
  return (
    <section class="card" aria-labelledby="language-title">
      <h2 id="language-title">{t("languageTitle")}</h2>
      {locked ? (
        <p class="muted">{t("languageLocked")}</p>
      ) : (
        <label>
          {t("languageTitle")}
          <select
            value={value}
            onChange={async (e) => {
              const next = e.currentTarget.value as "auto" | Locale;
              setValue(next);
              await localeItem.setValue(next);
              // The policy this page already holds: a fresh read of managed storage can take
              // seconds on some systems, and the page would sit in the old language meanwhile.
              await initI18n(document, state.policy.value);
              location.reload();
            }}
          >
            <option value="auto">{t("languageAuto")}</option>
            <option value="en" lang="en">
              English
            </option>
            <option value="zh_CN" lang="zh-CN">
              简体中文
            </option>
          </select>
        </label>
      )}
    </section>
  );
}

export function App() {
  const state = useAppState();
  return (
    <main class="options">
      <header class="page-head">
        <img src="/icon/48.png" alt="" width={32} height={32} />
        <h1>{t("optionsTitle")}</h1>
        {state.policy.value.organizationName && <span class="muted">{t("managedBy", state.policy.value.organizationName)}</span>}
      </header>
      <Enrolment />
      {state.enrolled.value && <Reminders />}
      <Language />
    </main>
  );
}
