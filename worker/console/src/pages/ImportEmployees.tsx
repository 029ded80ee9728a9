import { useState } from "preact/hooks";
import { api, type ImportResult, type ImportRow } from "../api";
import { ErrorMessage } from "../components/ErrorMessage";
import { Field } from "../components/Field";
import { PageHeader } from "../components/PageHeader";
import { TableScroll } from "../components/TableScroll";
import { useAction } from "../hooks/use-action";
import { useDirectory } from "../hooks/use-directory";
import type { MessageKey } from "../i18n";
import { type ColumnMapping, guessMapping, IMPORT_FIELDS, type ImportField, missingRequired, type ParsedCsv, parseCsv, rowsFrom } from "../logic/employee-csv";
import { usePermissions } from "../permissions";
import { paths } from "../routes";
import { useI18n } from "../state";

export const FIELD_LABELS: Record<ImportField, MessageKey> = {
  name: "name",
  email: "email",
  role: "role",
  managerEmail: "managerEmail",
  scheduleName: "scheduleName",
  timezone: "timezone",
};

const EXAMPLE = "name,email,role,managerEmail,scheduleName,timezone\nLi Wei,li.wei@example.com,employee,max@example.com,Office hours,Asia/Shanghai\n";

/**
 * People from a CSV: the file is read here, each column mapped to a field, every row checked by
 * the API without writing (a dry run) and shown with what is wrong, then all written at once.
 */
export function ImportEmployees() {
  const { t } = useI18n();
  const can = usePermissions();
  const directory = useDirectory();
  const [text, setText] = useState("");
  const [parsed, setParsed] = useState<ParsedCsv | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping | null>(null);
  const [checked, setChecked] = useState<{ rows: ImportRow[]; result: ImportResult } | null>(null);
  const [created, setCreated] = useState<ImportResult["created"] | null>(null);
  const read = useAction();
  const check = useAction();
  const write = useAction();

  if (!can.importEmployees) {
    return (
      <>
        <PageHeader title={t("importTitle")} />
        <p class="empty">{t("onlyAdminsImport")}</p>
      </>
    );
  }

  const load = (source: string) =>
    read.run(async () => {
      setChecked(null);
      setCreated(null);
      const result = await parseCsv(source);
      if (result.headers.length === 0 || result.records.length === 0) throw new Error(t("importEmpty"));
      setParsed(result);
      setMapping(guessMapping(result.headers));
    });
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    const content = await file.text();
    setText(content);
    await load(content);
  };
  const rows = parsed && mapping ? rowsFrom(parsed.records, mapping) : [];
  const missing = mapping ? missingRequired(mapping) : [];
  const bad = checked?.result.rows.filter((r) => !r.ok).length ?? 0;

  const dryRun = () =>
    check.run(async () => {
      setCreated(null);
      setChecked({ rows, result: await api.importEmployees(rows, true) });
    });
  const importAll = () =>
    write.run(async () => {
      const result = await api.importEmployees(checked!.rows, false);
      if (result.created.length === 0) {
        // Something changed since the preview (someone added one of these emails): show the new checks.
        setChecked({ rows: checked!.rows, result });
        return;
      }
      setCreated(result.created);
      setChecked(null);
      setParsed(null);
      setText("");
      directory.refresh();
    });

  return (
    <>
      <PageHeader title={t("importTitle")}>
        <a href={paths.employees}>{t("backToEmployees")}</a>
      </PageHeader>

      {created && (
        <section class="card" aria-labelledby="imported-heading">
          <h2 id="imported-heading">{t("importedN", { n: created.length })}</h2>
          <p class="message success" role="status">
            {t("importDone")}
          </p>
          <ul class="plain-list">
            {created.map((e) => (
              <li key={e.id}>
                <a href={paths.employee(e.id)}>{e.name}</a> <span class="muted">{e.email}</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section class="card" aria-labelledby="file-heading">
        <h2 id="file-heading">{t("importStep1")}</h2>
        <p class="muted">{t("importIntro")}</p>
        <pre class="example" tabIndex={0} aria-label={t("exampleLabel")}>{EXAMPLE}</pre>
        <div class="form-grid">
          <Field label={t("csvFile")} class="span-all">
            {(c) => <input {...c} type="file" accept=".csv,.tsv,.txt,text/csv,text/plain" onChange={(e) => void onFile(e.currentTarget.files?.[0])} />}
          </Field>
          <Field label={t("orPasteCsv")} class="span-all">
            {(c) => <textarea {...c} name="csv" rows={6} class="mono" value={text} onInput={(e) => setText(e.currentTarget.value)} />}
          </Field>
        </div>
        <div class="form-actions">
          <button type="button" disabled={read.busy || !text.trim()} onClick={() => void load(text)}>
            {t("readCsv")}
          </button>
        </div>
        <ErrorMessage message={read.error} />
        {parsed && parsed.errors.length > 0 && (
          <div class="message error" role="alert">
            {parsed.errors.slice(0, 5).map((e) => (
              <div key={e.row}>{t("csvLineProblem", { row: e.row + 2, message: e.message })}</div>
            ))}
          </div>
        )}
      </section>

      {parsed && mapping && (
        <section class="card" aria-labelledby="columns-heading">
          <h2 id="columns-heading">{t("importStep2")}</h2>
          <p class="muted">{t("columnsIntro", { n: parsed.records.length })}</p>
          <div class="form-grid">
            {IMPORT_FIELDS.map((field) => (
              <Field key={field} label={t(FIELD_LABELS[field])}>
                {(c) => (
                  <select
                    {...c}
                    name={`column-${field}`}
                    value={mapping[field] === null ? "" : String(mapping[field])}
                    onChange={(e) => {
                      setChecked(null);
                      setMapping({ ...mapping, [field]: e.currentTarget.value === "" ? null : Number(e.currentTarget.value) });
                    }}
                  >
                    <option value="">{field === "name" || field === "email" ? t("chooseColumn") : t("noColumn")}</option>
                    {parsed.headers.map((header, i) => (
                      <option key={i} value={String(i)}>
                        {header || t("columnN", { n: i + 1 })}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ))}
          </div>
          {missing.length > 0 && (
            <p class="message error" role="alert">
              {t("columnsMissing", { fields: missing.map((f) => t(FIELD_LABELS[f])).join(", ") })}
            </p>
          )}
          <div class="form-actions">
            <button type="button" class="primary" disabled={check.busy || missing.length > 0} onClick={() => void dryRun()}>
              {check.busy ? t("working") : t("checkRows", { n: rows.length })}
            </button>
            <span class="muted">{t("checkWritesNothing")}</span>
          </div>
          <ErrorMessage message={check.error} />
        </section>
      )}

      {checked && (
        <section class="card" aria-labelledby="preview-heading">
          <div class="section-head">
            <h2 id="preview-heading">{t("importStep3")}</h2>
            <p class={bad ? "message error" : "message success"} role="status" data-testid="import-verdict">
              {bad ? t("rowsBad", { bad, n: checked.rows.length }) : t("rowsGood", { n: checked.rows.length })}
            </p>
          </div>
          <ImportPreview rows={checked.rows} result={checked.result} />
          <div class="form-actions">
            <button type="button" class="primary" disabled={bad > 0 || write.busy} onClick={() => void importAll()}>
              {write.busy ? t("working") : t("importN", { n: checked.rows.length })}
            </button>
            <span class="muted">{bad ? t("fixAndReload") : t("allOrNothing")}</span>
          </div>
          <ErrorMessage message={write.error} />
        </section>
      )}
    </>
  );
}

/** Every row as it will be sent, the bad ones marked, each problem named beside its field. */
function ImportPreview({ rows, result }: { rows: ImportRow[]; result: ImportResult }) {
  const { t } = useI18n();
  return (
    <TableScroll label={t("importStep3")}>
      <table class="stacked import-preview">
        <caption class="visually-hidden">{t("importStep3")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("rowNumber")}</th>
            {IMPORT_FIELDS.map((field) => (
              <th key={field} scope="col">
                {t(FIELD_LABELS[field])}
              </th>
            ))}
            <th scope="col">{t("problems")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => {
            const check = result.rows.find((r) => r.index === i);
            const wrong = new Set(check?.errors.map((e) => e.field));
            return (
              <tr key={i} class={check && !check.ok ? "bad-row" : undefined} data-row={i + 1}>
                <td data-label={t("rowNumber")}>{i + 2}</td>
                {IMPORT_FIELDS.map((field) => (
                  <td key={field} data-label={t(FIELD_LABELS[field])} class={wrong.has(field) ? "bad-cell" : undefined}>
                    {row[field] || <span class="muted">—</span>}
                  </td>
                ))}
                <td data-label={t("problems")} class="wrap">
                  {check && !check.ok ? (
                    <ul class="problems">
                      {check.errors.map((e, j) => (
                        <li key={j}>
                          {t(FIELD_LABELS[e.field as ImportField] ?? "unknown")}: {e.message}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span class="ok">{t("rowOk")}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}
