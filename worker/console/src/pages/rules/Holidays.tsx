import { useState } from "preact/hooks";
import { api, type Holiday, type HolidayImportResult } from "../../api";
import { ErrorMessage } from "../../components/ErrorMessage";
import { Field } from "../../components/Field";
import { RuleList, useRuleList } from "../../components/RuleList";
import { RulesHeader } from "../../components/RulesNav";
import { TableScroll } from "../../components/TableScroll";
import { formatLocalDate } from "../../format";
import { useAction } from "../../hooks/use-action";
import { type ParsedHolidays, parseHolidays } from "../../logic/holiday-import";
import { usePermissions } from "../../permissions";
import { useI18n } from "../../state";

/** The company's holiday calendar, a year at a time: list, add, change, remove, import a year from CSV or JSON. */
export function Holidays() {
  const { t, locale } = useI18n();
  const can = usePermissions();
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(String(thisYear));
  const holidays = useRuleList(() => api.holidays.list(year), [year], { order: (a, b) => a.date.localeCompare(b.date), keep: (h) => h.date.startsWith(year) });

  return (
    <>
      <RulesHeader page="holidays" />
      <RuleList
        list={holidays}
        title={t("holidaysOf", { year })}
        headingId="holidays-heading"
        headControls={
          <Field label={t("year")}>
            {(c) => (
              <select {...c} name="year" value={year} onChange={(e) => setYear(e.currentTarget.value)}>
                {[thisYear - 1, thisYear, thisYear + 1, thisYear + 2].map((y) => (
                  <option key={y} value={String(y)}>
                    {y}
                  </option>
                ))}
              </select>
            )}
          </Field>
        }
        intro={t("holidaysIntro")}
        empty={t("noHolidays", { year })}
        columns={[
          { label: "date", cell: (holiday) => formatLocalDate(locale, holiday.date) },
          { label: "name", cell: (holiday) => holiday.name },
        ]}
        rowData={(holiday) => ({ "data-date": holiday.date })}
        canEdit={can.editRules}
        editorAt="row"
        editor={({ item, done }) => <HolidayForm holiday={item} onDone={done} />}
        remove={(holiday) => api.holidays.remove(holiday.id)}
        removeQuestion={(holiday) => t("removeHolidayQuestion", { name: holiday.name, date: formatLocalDate(locale, holiday.date) })}
        removeDetail={t("removeHolidayDetail")}
      />

      {can.editRules && (
        <section class="card" aria-labelledby="add-holiday-heading">
          <h2 id="add-holiday-heading">{t("addHoliday")}</h2>
          <HolidayForm onDone={(saved) => saved && holidays.put(saved)} />
        </section>
      )}
      {can.editRules && <HolidayImport onImported={holidays.reload} />}
    </>
  );
}

function HolidayForm({ holiday, onDone }: { holiday?: Holiday; onDone: (holiday: Holiday | null) => void }) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  const [date, setDate] = useState(holiday?.date ?? "");
  const [name, setName] = useState(holiday?.name ?? "");
  const submit = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      const body = { date, name: name.trim() };
      onDone(holiday ? await api.holidays.update(holiday.id, body) : await api.holidays.create(body));
      if (!holiday) {
        setDate("");
        setName("");
      }
    });
  };
  return (
    <form class="inline-form" onSubmit={submit}>
      <Field label={t("date")}>{(c) => <input {...c} type="date" name="holidayDate" required value={date} onInput={(e) => setDate(e.currentTarget.value)} />}</Field>
      <Field label={t("name")}>{(c) => <input {...c} name="holidayName" required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("working") : holiday ? t("save") : t("add")}
        </button>
        {holiday && (
          <button type="button" onClick={() => onDone(null)}>
            {t("cancel")}
          </button>
        )}
      </div>
      <ErrorMessage message={error} />
    </form>
  );
}

function HolidayImport({ onImported }: { onImported: () => void }) {
  const { t, locale } = useI18n();
  const [text, setText] = useState("");
  const [parsed, setParsed] = useState<ParsedHolidays | null>(null);
  const [replace, setReplace] = useState(false);
  const [result, setResult] = useState<HolidayImportResult | null>(null);
  const read = useAction();
  const write = useAction();
  const load = (source: string) =>
    read.run(async () => {
      setResult(null);
      setParsed(await parseHolidays(source));
    });
  return (
    <section class="card" aria-labelledby="import-holidays-heading">
      <h2 id="import-holidays-heading">{t("importHolidays")}</h2>
      <p class="muted">{t("importHolidaysIntro")}</p>
      <pre class="example" tabIndex={0} aria-label={t("exampleLabel")}>{"date,name\n2027-01-01,New Year's Day\n2027-05-01,Labour Day"}</pre>
      <div class="form-grid">
        <Field label={t("holidayFile")} class="span-all">
          {(c) => (
            <input
              {...c}
              type="file"
              accept=".csv,.json,.txt,text/csv,application/json"
              onChange={async (e) => {
                const file = e.currentTarget.files?.[0];
                if (!file) return;
                const content = await file.text();
                setText(content);
                await load(content);
              }}
            />
          )}
        </Field>
        <Field label={t("orPasteHolidays")} class="span-all">
          {(c) => <textarea {...c} name="holidays" rows={5} class="mono" value={text} onInput={(e) => setText(e.currentTarget.value)} />}
        </Field>
      </div>
      <div class="form-actions">
        <button type="button" disabled={read.busy || !text.trim()} onClick={() => void load(text)}>
          {t("readHolidays")}
        </button>
      </div>
      <ErrorMessage message={read.error} />
      {parsed && (
        <div class="preview">
          <p role="status">{t("holidaysRead", { n: parsed.items.length, years: parsed.years.join(", ") || "—" })}</p>
          {parsed.problems.length > 0 && (
            <ul class="message error problems" role="alert">
              {parsed.problems.map((p) => (
                <li key={p.line}>
                  {t("csvLineProblem", { row: p.line, message: `${t(p.message)}${p.text ? ` (${p.text})` : ""}` })}
                </li>
              ))}
            </ul>
          )}
          {parsed.items.length > 0 && (
            <TableScroll label={t("importHolidays")}>
              <table>
                <caption class="visually-hidden">{t("importHolidays")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("date")}</th>
                    <th scope="col">{t("name")}</th>
                  </tr>
                </thead>
                <tbody>
                  {parsed.items.map((item) => (
                    <tr key={item.date}>
                      <td>{formatLocalDate(locale, item.date)}</td>
                      <td>{item.name}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          <label class="inline">
            <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.currentTarget.checked)} /> {t("replaceYears", { years: parsed.years.join(", ") || "—" })}
          </label>
          <div class="form-actions">
            <button
              type="button"
              class="primary"
              disabled={write.busy || parsed.items.length === 0 || parsed.problems.length > 0}
              onClick={() =>
                void write.run(async () => {
                  setResult(await api.holidays.import({ items: parsed.items, replaceYears: replace }));
                  setParsed(null);
                  setText("");
                  onImported();
                })
              }
            >
              {write.busy ? t("working") : t("importNHolidays", { n: parsed.items.length })}
            </button>
            {parsed.problems.length > 0 && <span class="muted">{t("fixAndReload")}</span>}
          </div>
          <ErrorMessage message={write.error} />
        </div>
      )}
      {result && (
        <p class="message success" role="status">
          {t("holidaysImported", { created: result.created, updated: result.updated, deleted: result.deleted })}
        </p>
      )}
    </section>
  );
}
