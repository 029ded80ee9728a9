import { useLocation } from "preact-iso";
import { useState } from "preact/hooks";
import { api, type AuditEntry, type AuditVerify } from "../api";
import { EmployeeSelect } from "../components/EmployeeSelect";
import { ErrorMessage } from "../components/ErrorMessage";
import { Field } from "../components/Field";
import { Loaded } from "../components/Loaded";
import { LoadMore } from "../components/LoadMore";
import { PageHeader } from "../components/PageHeader";
import { When } from "../components/When";
import { useAction } from "../hooks/use-action";
import { useDirectory } from "../hooks/use-directory";
import { usePaged } from "../hooks/use-paged";
import type { MessageKey } from "../i18n";
import { usePermissions } from "../permissions";
import { paths } from "../routes";
import { useI18n } from "../state";

/** Families of actions, for the filter (the API takes a prefix ending in a dot). */
const ACTION_GROUPS: [string, MessageKey][] = [
  ["employee", "auditEmployees"],
  ["punch", "auditPunches"],
  ["correction", "auditCorrections"],
  ["device", "auditDevices"],
  ["enrollment_code", "auditCodes"],
  ["site", "auditSites"],
  ["network", "auditNetworks"],
  ["schedule", "auditSchedules"],
  ["holiday", "auditHolidays"],
  ["location", "auditPlaces"],
  ["settings", "auditSettings"],
  ["api_key", "auditApiKeys"],
  ["security", "auditSecurity"],
];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function edge(date: string | undefined, end: boolean): number | undefined {
  if (!date || !DATE.test(date)) return undefined;
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return end ? new Date(y, m - 1, d + 1).getTime() - 1 : new Date(y, m - 1, d).getTime();
}

/** The audit log, newest first, with filters, each entry's details, and a check of the whole chain. */
export function Audit() {
  const { t } = useI18n();
  const can = usePermissions();
  const { query, route } = useLocation();
  const filter = { actor: query.actor || undefined, action: query.action || undefined, target: query.target || undefined, from: query.from, to: query.to };
  const list = usePaged(
    (cursor) => api.audit({ actor: filter.actor, action: filter.action, target: filter.target, from: edge(filter.from, false), to: edge(filter.to, true), cursor, limit: 50 }),
    [filter.actor, filter.action, filter.target, filter.from, filter.to],
  );
  const directory = useDirectory();
  const [target, setTarget] = useState(filter.target ?? "");
  const change = (next: Partial<typeof filter>) => {
    const merged = { ...filter, ...next };
    const search = new URLSearchParams(Object.entries(merged).filter((e): e is [string, string] => !!e[1]));
    route(`${paths.audit}${search.size ? `?${search}` : ""}`, true);
  };

  if (!can.readAudit) {
    return (
      <>
        <PageHeader title={t("navAudit")} />
        <p class="empty">{t("auditForbidden")}</p>
      </>
    );
  }
  return (
    <>
      <PageHeader title={t("navAudit")}>
        <a href={paths.archive}>{t("archiveLink")}</a>
      </PageHeader>
      <ChainCheck />
      <section class="card">
        <div class="filters" role="group" aria-label={t("filters")}>
          <EmployeeSelect label={t("actor")} value={filter.actor ?? ""} employees={directory.items} onChange={(actor) => change({ actor: actor || undefined })} placeholder={t("anyone")} />
          <Field label={t("action")}>
            {(c) => (
              <select {...c} name="action" value={filter.action ?? ""} onChange={(e) => change({ action: e.currentTarget.value || undefined })}>
                <option value="">{t("anyAction")}</option>
                {ACTION_GROUPS.map(([prefix, label]) => (
                  <option key={prefix} value={`${prefix}.`}>
                    {t(label)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t("targetId")} hint={t("targetHint")}>
            {(c) => <input {...c} type="search" name="target" value={target} onInput={(e) => setTarget(e.currentTarget.value)} onChange={() => change({ target: target.trim() || undefined })} />}
          </Field>
          <Field label={t("from")}>{(c) => <input {...c} type="date" name="from" value={filter.from ?? ""} onChange={(e) => change({ from: e.currentTarget.value || undefined })} />}</Field>
          <Field label={t("to")}>{(c) => <input {...c} type="date" name="to" value={filter.to ?? ""} onChange={(e) => change({ to: e.currentTarget.value || undefined })} />}</Field>
        </div>
        <p class="muted small">{t("auditIntro")}</p>
        <Loaded data={list.items} error={list.error} loading={list.loading} onRetry={list.reload} empty={t("noAuditEntries")}>
          {(items) => (
            <ol class="audit-list" aria-label={t("navAudit")}>
              {items.map((entry) => (
                <AuditItem key={entry.seq} entry={entry} />
              ))}
            </ol>
          )}
        </Loaded>
        <LoadMore list={list} />
      </section>
    </>
  );
}

function AuditItem({ entry }: { entry: AuditEntry }) {
  const { t } = useI18n();
  const directory = useDirectory();
  const actor =
    entry.actorType === "employee" && entry.actorId
      ? (directory.byId.get(entry.actorId)?.name ?? entry.actorId)
      : entry.actorType === "api_key"
        ? t("actorApiKey", { id: entry.actorId ?? "" })
        : t(entry.actorType === "system" ? "actorSystem" : "actorAnonymous");
  const subject = entry.subjectType === "employee" && entry.subjectId ? directory.byId.get(entry.subjectId) : undefined;
  return (
    <li class="audit-entry" data-action={entry.action}>
      <details>
        <summary>
          <span class="seq">#{entry.seq}</span> <When ms={entry.at} /> · <strong>{actor}</strong> · <code>{entry.action}</code>
          {entry.subjectType && (
            <span class="muted">
              {" "}
              → {subject ? subject.name : `${entry.subjectType}${entry.subjectId ? ` ${entry.subjectId}` : ""}`}
            </span>
          )}
        </summary>
        <dl class="facts">
          <dt>{t("sequence")}</dt>
          <dd>{entry.seq}</dd>
          <dt>{t("actor")}</dt>
          <dd>
            {actor} <span class="muted">({entry.actorType}{entry.actorId ? ` ${entry.actorId}` : ""})</span>
          </dd>
          <dt>{t("target")}</dt>
          <dd>
            {entry.subjectType ?? "—"} {entry.subjectId && subject ? <a href={paths.employee(subject.id)}>{subject.name}</a> : (entry.subjectId ?? "")}
          </dd>
          <dt>{t("ipAddress")}</dt>
          <dd>{entry.ip ?? <span class="muted">{t("notKept")}</span>}</dd>
          <dt>{t("hash")}</dt>
          <dd>
            <code class="break">{entry.hash ?? t("notSealedYet")}</code>
          </dd>
          <dt>{t("prevHash")}</dt>
          <dd>
            <code class="break">{entry.prevHash ?? "—"}</code>
          </dd>
        </dl>
        {entry.data && <pre class="json" tabIndex={0} aria-label={t("entryDetails")}>{JSON.stringify(entry.data, null, 2)}</pre>}
      </details>
    </li>
  );
}

/** Seals what is pending and re-walks the chain; a long log is checked in steps. */
function ChainCheck() {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  const [result, setResult] = useState<AuditVerify | null>(null);
  const check = (from?: number) => run(async () => setResult(await api.verifyAudit(from)));
  return (
    <section class="card" aria-labelledby="chain-heading">
      <div class="section-head">
        <h2 id="chain-heading">{t("chainTitle")}</h2>
        <button type="button" disabled={busy} onClick={() => void check()}>
          {busy ? t("working") : t("checkChain")}
        </button>
      </div>
      <p class="muted">{t("chainIntro")}</p>
      <ErrorMessage message={error} />
      {result && (
        <div class={result.ok ? "message success" : "message error"} role="status" data-testid="chain-result">
          {result.ok ? t("chainOk", { checked: result.checked, last: result.lastSeq }) : t("chainBroken", { seq: result.firstBadSeq ?? "?", reason: result.reason ?? "" })}
          {result.sealed > 0 && <> {t("chainSealed", { n: result.sealed })}</>}
          {result.ok && !result.complete && (
            <button type="button" class="link-button" disabled={busy} onClick={() => void check(result.lastSeq)}>
              {t("chainContinue")}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
