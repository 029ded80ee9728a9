import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { browser } from "wxt/browser";
import { localDate } from "../../shared/time";
import { checkCorrection, type CorrectionField } from "../utils/correction-form";
import { cancelCorrection, correctionDepsFor, discardCorrection, fileCorrectionNow, refreshCorrections } from "../utils/corrections";
import { addEvidence, OFFLINE_EVIDENCE_BYTES, type EvidenceFile, type EvidenceProblem } from "../utils/evidence";
import { t, type MessageKey } from "../utils/i18n";
import { correctionDraftItem, type CorrectionDraft } from "../utils/storage";
import { knownCorrectionsOf, liveToken, useAppState, workZoneOf, type PopupView } from "./AppState";
import {
  cancelRefusalText,
  evidenceHint,
  evidenceProblemText,
  refusalText,
  requestRows,
  requestSummary,
  STATUS_LABELS,
} from "./correction-text";
import { browserTimeZone, dateTimeOf, sizeOf } from "./format";

type FixView = Extract<PopupView, { name: "fix" }>;
type RequestsView = Extract<PopupView, { name: "requests" }>;

/** The zone the form and the list read times in: the employee's, else (never told yet) the browser's. */
function useZone(): { zone: string; known: boolean } {
  const state = useAppState();
  const workZone = workZoneOf(state);
  return { zone: workZone?.timeZone ?? browserTimeZone(), known: workZone !== null };
}

/** A screen's title with the way back; the title takes the focus, so the next Tab is the screen's first control. */
function ScreenHead({ id, title, onBack }: { id: string; title: string; onBack(): void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div class="screen-head">
      <button type="button" class="link back" onClick={onBack}>
        {t("back")}
      </button>
      <h1 id={id} ref={heading} tabIndex={-1}>
        {title}
      </h1>
    </div>
  );
}

/** An attached file: a small picture of an image, the type of anything else. */
function Preview({ file }: { file: EvidenceFile }) {
  const url = useMemo(() => (file.type.startsWith("image/") ? URL.createObjectURL(new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type })) : null), [file]);
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);
  return url ? <img class="thumb" src={url} alt="" /> : <span class="thumb doc" aria-hidden="true">PDF</span>;
}

const FIELD_IDS: Record<CorrectionField, string> = { date: "fix-date", time: "fix-time", reason: "fix-reason" };

/** "Fix a missed punch": the date, in or out, the time in the employee's zone, why, and evidence files. */
export function CorrectionForm({ view }: { view: FixView }) {
  const state = useAppState();
  const enrolment = state.enrolment.value!;
  const workZone = workZoneOf(state);
  const { zone, known } = useZone();
  const defaultTime = (kind: "in" | "out") => (kind === "in" ? (workZone?.start ?? "09:00") : (workZone?.end ?? "18:00"));
  const [draft, setDraft] = useState<CorrectionDraft>(
    () => view.draft ?? { date: view.date, kind: view.kind, time: defaultTime(view.kind), nextDay: false, reason: "" },
  );
  const [files, setFiles] = useState<EvidenceFile[]>([]);
  const [problems, setProblems] = useState<EvidenceProblem[]>([]);
  const [errors, setErrors] = useState<Partial<Record<CorrectionField, MessageKey>>>({});
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const refusalRef = useRef<HTMLParagraphElement>(null);
  const signedIn = liveToken(state) !== null;
  const inTab = location.hash === "#fix";

  useEffect(() => {
    if (refusal) refusalRef.current?.focus();
  }, [refusal]);

  function change(next: Partial<CorrectionDraft>) {
    const merged = { ...draft, ...next };
    // The time still at the other kind's usual hour follows the kind.
    if (next.kind && next.kind !== draft.kind && draft.time === defaultTime(draft.kind)) merged.time = defaultTime(next.kind);
    if (merged.kind === "in") merged.nextDay = false;
    setDraft(merged);
    // A field changed is judged again on the next send (the next-day box belongs to the time).
    const touched = Object.keys(next).map((key) => (key === "nextDay" ? "time" : key));
    setErrors((current) => Object.fromEntries(Object.entries(current).filter(([field]) => !touched.includes(field))));
    // Kept while the browser runs: a closed popup (a file dialog can close it) opens on it again.
    void correctionDraftItem.setValue({ ...merged, savedAt: Date.now() });
  }

  function leave(next: PopupView) {
    void correctionDraftItem.setValue(null);
    state.view.value = next;
  }

  async function add(list: FileList | null | undefined) {
    if (!list || list.length === 0) return;
    const result = await addEvidence(files, Array.from(list));
    setFiles(result.files);
    setProblems(result.problems);
  }

  async function openInTab() {
    await correctionDraftItem.setValue({ ...draft, savedAt: Date.now() });
    await browser.tabs.create({ url: browser.runtime.getURL("/popup.html#fix" as "/popup.html") });
    window.close();
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    setRefusal(null);
    const check = checkCorrection(draft, { now: Date.now(), zone });
    if (!check.ok) {
      setErrors(check.errors);
      const first = (["date", "time", "reason"] as const).find((field) => check.errors[field]);
      if (first) document.getElementById(FIELD_IDS[first])?.focus();
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const outcome = await fileCorrectionNow(correctionDepsFor(enrolment), { fields: check.fields, files });
      switch (outcome.outcome) {
        case "filed":
          return leave({ name: "requests", from: view.from, notice: { tone: "success", text: t("requestFiled") } });
        case "queued":
          return leave({ name: "requests", from: view.from, notice: { tone: "info", text: t(outcome.reason === "signIn" ? "requestQueuedSignIn" : "requestQueuedOffline") } });
        case "refused":
          return setRefusal(refusalText(outcome, check.fields, zone));
        case "notKept":
          return setRefusal(t(outcome.reason === "signIn" ? "requestNotKeptSignIn" : "requestNotKeptOffline", sizeOf(OFFLINE_EVIDENCE_BYTES)));
      }
    } catch (err) {
      setRefusal(t("errGeneric", err instanceof Error ? err.message : String(err)));
    } finally {
      setBusy(false);
    }
  }

  const browserZone = browserTimeZone();
  const zoneText = !known ? t("correctionZoneUnknown", zone) : zone === browserZone ? t("correctionZone", zone) : t("correctionZoneDiffers", zone, browserZone);
  const fieldError = (field: CorrectionField) =>
    errors[field] ? (
      <small class="field-error" id={`${FIELD_IDS[field]}-error`}>
        {t(errors[field]!)}
      </small>
    ) : null;
  const described = (field: CorrectionField, hint?: string) => [hint, errors[field] ? `${FIELD_IDS[field]}-error` : null].filter(Boolean).join(" ") || undefined;

  return (
    <section class="correction" aria-labelledby="fix-title">
      <ScreenHead id="fix-title" title={t("fixMissedPunch")} onBack={() => leave({ name: "main", from: view.from })} />
      <form class="panel" onSubmit={submit} noValidate data-testid="correction-form">
        <p class="muted small">{t("correctionIntro")}</p>
        {!signedIn && <p class="message info">{t("sessionExpiredNote")}</p>}
        <label>
          {t("correctionDate")}
          <input
            id={FIELD_IDS.date}
            type="date"
            required
            max={localDate(Date.now(), zone)}
            value={draft.date}
            aria-invalid={errors.date ? "true" : undefined}
            aria-describedby={described("date")}
            onInput={(e) => change({ date: e.currentTarget.value })}
          />
          {fieldError("date")}
        </label>
        <fieldset>
          <legend>{t("correctionKind")}</legend>
          <div class="choices">
            {(["in", "out"] as const).map((kind) => (
              <label class="check" key={kind}>
                <input type="radio" name="kind" value={kind} checked={draft.kind === kind} onChange={() => change({ kind })} />
                <span>{t(kind === "in" ? "kindInNoun" : "kindOutNoun")}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <label>
          {t("correctionTime")}
          <input
            id={FIELD_IDS.time}
            type="time"
            required
            value={draft.time}
            aria-invalid={errors.time ? "true" : undefined}
            aria-describedby={described("time", "fix-zone")}
            onInput={(e) => change({ time: e.currentTarget.value })}
          />
          <small id="fix-zone">{zoneText}</small>
          {fieldError("time")}
        </label>
        {draft.kind === "out" && (
          <label class="check">
            <input type="checkbox" checked={draft.nextDay} onChange={(e) => change({ nextDay: e.currentTarget.checked })} />
            <span>{t("correctionNextDay")}</span>
          </label>
        )}
        <label>
          {t("correctionReason")}
          <textarea
            id={FIELD_IDS.reason}
            required
            rows={3}
            maxLength={1000}
            value={draft.reason}
            aria-invalid={errors.reason ? "true" : undefined}
            aria-describedby={described("reason", "fix-reason-hint")}
            onInput={(e) => change({ reason: e.currentTarget.value })}
          />
          <small id="fix-reason-hint">{t("correctionReasonHint")}</small>
          {fieldError("reason")}
        </label>
        <div
          class={dragging ? "drop dragging" : "drop"}
          data-testid="evidence-drop"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            void add(e.dataTransfer?.files);
          }}
        >
          <label>
            {t("evidenceLabel")}
            <input
              type="file"
              multiple
              accept="image/png,image/jpeg,image/webp,application/pdf"
              aria-describedby={problems.length ? "evidence-hint evidence-problems" : "evidence-hint"}
              onChange={(e) => {
                const input = e.currentTarget;
                void add(input.files).then(() => (input.value = ""));
              }}
            />
            <small id="evidence-hint">{evidenceHint()}</small>
          </label>
          {problems.length > 0 && (
            <ul id="evidence-problems" class="message error" role="alert">
              {problems.map((problem, i) => (
                <li key={i}>{evidenceProblemText(problem)}</li>
              ))}
            </ul>
          )}
          {files.length > 0 && (
            <ul class="files" aria-label={t("evidenceLabel")}>
              {files.map((file, i) => (
                <li key={`${file.name}-${i}`}>
                  <Preview file={file} />
                  <span class="name">{file.name}</span>
                  <span class="muted meta">{sizeOf(file.size)}</span>
                  <button
                    type="button"
                    class="remove"
                    aria-label={t("evidenceRemove", file.name)}
                    onClick={() => {
                      setFiles(files.filter((_, j) => j !== i));
                      setProblems([]);
                    }}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
          {!inTab && (
            <button type="button" class="link small" onClick={openInTab}>
              {t("openInTab")}
            </button>
          )}
        </div>
        {refusal && (
          <p class="message error" role="alert" tabIndex={-1} ref={refusalRef} data-testid="correction-refusal">
            {refusal}
          </p>
        )}
        <div class="form-actions">
          <button type="submit" class="primary" aria-disabled={busy ? "true" : undefined}>
            {busy ? t("stepSending") : t("sendRequest")}
          </button>
          <button type="button" onClick={() => leave({ name: "main", from: view.from })}>
            {t("cancel")}
          </button>
        </div>
      </form>
    </section>
  );
}

/** "My requests": what was asked, its status, the reviewer's comment, the files; a pending one can be cancelled. */
export function MyRequests({ view }: { view: RequestsView }) {
  const state = useAppState();
  const enrolment = state.enrolment.value!;
  const { zone } = useZone();
  const [loading, setLoading] = useState(true);
  const [offline, setOffline] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [message, setMessage] = useState<{ tone: "success" | "info" | "error"; text: string } | null>(view.notice ?? null);
  const keep = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    void refreshCorrections(correctionDepsFor(enrolment))
      .then((news) => setOffline(news === null))
      .finally(() => setLoading(false));
  }, [enrolment.serverUrl]);

  useEffect(() => {
    if (confirming) keep.current?.focus();
  }, [confirming]);

  async function cancel(id: string) {
    setCancelling(true);
    const result = await cancelCorrection(correctionDepsFor(enrolment), id);
    setCancelling(false);
    setConfirming(null);
    setMessage(result.ok ? { tone: "success", text: t("cancelDone") } : { tone: "error", text: cancelRefusalText(result) });
    document.getElementById("requests-status")?.focus();
  }

  const rows = requestRows(state.outbox.value, knownCorrectionsOf(state)?.items ?? [], enrolment.employeeId);

  return (
    <section class="requests" aria-labelledby="requests-title">
      <ScreenHead id="requests-title" title={t("myRequests")} onBack={() => (state.view.value = { name: "main", from: view.from })} />
      <div id="requests-status" role="status" tabIndex={-1} data-testid="requests-status">
        {message && <p class={`message ${message.tone}`}>{message.text}</p>}
      </div>
      {offline && !loading && !message && <p class="message info">{t("requestsOffline")}</p>}
      {loading && rows.length === 0 ? (
        <p class="muted">{t("historyLoading")}</p>
      ) : rows.length === 0 ? (
        <p class="muted">{t("requestsEmpty")}</p>
      ) : (
        <ul class="request-list">
          {rows.map((row) => {
            const summary = requestSummary(row.fields, zone);
            return (
              <li key={row.id} data-testid="request">
                <div class="request-head">
                  <strong>{summary}</strong>
                  <span class={`badge ${row.status}`}>{t(STATUS_LABELS[row.status])}</span>
                </div>
                <p class="reason">{row.fields.reason}</p>
                {row.comment && <p class="comment">{t("requestComment", row.comment)}</p>}
                {row.evidence.length > 0 && <p class="muted meta">{t("requestEvidence", row.evidence.join(", "))}</p>}
                {row.decidedAt && <p class="muted meta">{t("requestDecided", dateTimeOf(row.decidedAt))}</p>}
                {row.item?.refused && (
                  <div class="row-actions">
                    <p class="message error">{refusalText(row.item.refused, row.fields, zone)}</p>
                    <button type="button" aria-label={t("dismissRequest", summary)} onClick={() => discardCorrection(row.id)}>
                      {t("dismiss")}
                    </button>
                  </div>
                )}
                {row.cancellable &&
                  (confirming === row.id ? (
                    <div class="confirm" role="group" aria-label={t("cancelRequestItem", summary)}>
                      <p>{t("cancelConfirm")}</p>
                      <div class="row-actions">
                        <button type="button" class="danger" aria-disabled={cancelling ? "true" : undefined} onClick={() => !cancelling && cancel(row.id)}>
                          {t("cancelYes")}
                        </button>
                        <button
                          type="button"
                          ref={keep}
                          onClick={() => {
                            setConfirming(null);
                            requestAnimationFrame(() => document.getElementById(`cancel-${row.id}`)?.focus());
                          }}
                        >
                          {t("cancelNo")}
                        </button>
                      </div>
                    </div>
                  ) : (
                    <button type="button" id={`cancel-${row.id}`} aria-label={t("cancelRequestItem", summary)} onClick={() => setConfirming(row.id)}>
                      {t("cancelRequest")}
                    </button>
                  ))}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
