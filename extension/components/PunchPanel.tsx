import { useEffect, useRef, useState } from "preact/hooks";
import { browser } from "wxt/browser";
import type { DaySummary, PunchRecord } from "../../shared/api";
import { localDate } from "../../shared/time";
import { createApi } from "../utils/api";
import { t } from "../utils/i18n";
import { onMessage, sendMessage } from "../utils/messaging";
import { openPasskeyWindow } from "../utils/passkey-window";
import { nextKind } from "../utils/punch";
import { adoptCompanySettings } from "../utils/storage";
import { liveToken, useAppState, workZoneOf } from "./AppState";
import { browserTimeZone, durationOf, localDateOf, standingOf, timeOf } from "./format";
import { runPunchCeremony, verdictOf, type Step, type Tone } from "./punch-ceremony";

interface Nonce {
  nonce: string;
  expiresAt: number;
}

/** Worked minutes today from this device's receipts: paired in/out, an open "in" counts until now. */
export function workedMinutesLocally(records: PunchRecord[], now: number): number {
  const today = localDateOf(now);
  const punches = records.filter((r) => r.status !== "rejected" && localDateOf(r.effectiveTime) === today).sort((a, b) => a.effectiveTime - b.effectiveTime);
  let total = 0;
  let openedAt: number | null = null;
  for (const p of punches) {
    if (p.kind === "in") openedAt ??= p.effectiveTime;
    else if (openedAt !== null) {
      total += p.effectiveTime - openedAt;
      openedAt = null;
    }
  }
  if (openedAt !== null) total += now - openedAt;
  return total / 60_000;
}

/** The popup's main part: who, in or out, worked today, the one button and its verdict. */
export function PunchPanel() {
  const state = useAppState();
  const enrolment = state.enrolment.value!;
  const api = createApi(enrolment.serverUrl);
  const nonce = useRef<Nonce | null>(null);
  // Today as the server judged it; null offline (then worked time comes from the receipts).
  const [today, setToday] = useState<DaySummary | null>(null);
  const [busy, setBusy] = useState<Step | null>(null);
  const [verdict, setVerdict] = useState<{ tone: Tone; text: string } | null>(null);
  const [now, setNow] = useState(Date.now());
  const button = useRef<HTMLButtonElement>(null);

  const punchState = state.punchState.value;
  const kind = nextKind(punchState);
  // Punches and correction requests: either makes the popup watch for the server to answer again.
  const waiting = state.queue.value.length + state.outbox.value.filter((item) => !item.refused).length;

  async function prefetch(): Promise<boolean> {
    try {
      const fresh = await api.nonce();
      nonce.current = { nonce: fresh.nonce, expiresAt: fresh.expiresAt };
      return true;
    } catch {
      nonce.current = null;
      return false;
    }
  }

  async function refreshToday() {
    const token = liveToken(state);
    if (!token) return setToday(null);
    try {
      const me = await api.me(token);
      setToday(me.today);
      // Reminders follow the schedule's hours, in its zone, unless the employee chose their own (background reschedules on change);
      // punches keep the company's location precision, rounded before signing.
      await adoptCompanySettings(enrolment.serverUrl, me);
    } catch {
      setToday(null);
    }
  }

  useEffect(() => {
    // Prefetched now, so the click path is a single request; a failure means we punch offline.
    void prefetch().then((ok) => {
      if (ok && state.queue.value.length > 0) sendMessage("syncNow").catch(() => undefined);
    });
    void refreshToday();
    const tick = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(tick);
  }, [enrolment.serverUrl]);

  // While punches wait, try the server every few seconds: the first answer sends them at once.
  useEffect(() => {
    if (waiting === 0) return;
    const retry = setInterval(async () => {
      if (await prefetch()) sendMessage("syncNow").catch(() => undefined);
    }, 5_000);
    const online = () => sendMessage("syncNow").catch(() => undefined);
    addEventListener("online", online);
    return () => {
      clearInterval(retry);
      removeEventListener("online", online);
    };
  }, [waiting > 0]);

  async function punch() {
    if (busy) return;
    setVerdict(null);
    const current = nonce.current && nonce.current.expiresAt > Date.now() + 5_000 ? nonce.current.nonce : null;
    try {
      const outcome = await runPunchCeremony({ enrolment, kind, nonce: current, inPopup: true, onStep: setBusy });
      if (outcome.outcome === "needsWindow") {
        const opened = await openPasskeyWindow({ browser, onReport: (listener) => onMessage("punchFromWindow", ({ data }) => listener(data)) }, { kind, nonce: current });
        // Chrome usually closes the popup as the window takes the focus; if it stays, it shows the result.
        void opened.report.then((report) => {
          setVerdict({ tone: report.outcome === "recorded" ? "success" : report.outcome === "queued" ? "info" : "error", text: report.message });
          void refreshToday();
        });
      }
      setVerdict(verdictOf(outcome));
      if (outcome.outcome === "recorded") {
        void refreshToday();
        void prefetch();
      }
    } catch (err) {
      setVerdict({ tone: "error", text: t("errGeneric", err instanceof Error ? err.message : String(err)) });
    } finally {
      setBusy(null);
      setNow(Date.now());
      button.current?.focus();
    }
  }

  // Offline: the receipts plus what still waits in the queue (at the time it was signed).
  const localRecords = [
    ...state.receipts.value.map((r) => r.record),
    ...state.queue.value.map((q) => ({ kind: q.punch.kind, effectiveTime: q.punch.clientTime, status: "accepted" }) as PunchRecord),
  ];
  const minutes = today?.workedMinutes ?? workedMinutesLocally(localRecords, now);
  const standing = today && standingOf(today);
  const since = punchState.since;
  const stateText = punchState.kind === "in" && since ? t("stateIn", timeOf(since)) : punchState.kind === "out" && since ? t("stateOutSince", timeOf(since)) : t("stateOut");
  const stepText = busy === "locating" ? t("stepLocating") : busy === "signing" ? t("stepSigning") : busy === "sending" ? t("stepSending") : null;

  return (
    <section class="punch" aria-labelledby="employee-name">
      <h1 id="employee-name">{enrolment.employeeName}</h1>
      <p class={`state ${punchState.kind ?? "out"}`} data-testid="punch-state">
        <span class="dot" aria-hidden="true" />
        {stateText}
        {punchState.pending && <span class="badge waiting">{t("status_waiting")}</span>}
      </p>
      <p class="muted" data-testid="worked-today">
        {t("workedToday", durationOf(minutes))}
      </p>
      {standing && (
        <p class="muted" data-testid="standing">
          {standing}
        </p>
      )}
      <button
        ref={button}
        type="button"
        class={`punch-button ${kind}`}
        autoFocus
        aria-disabled={busy ? "true" : undefined}
        aria-describedby="punch-status"
        onClick={punch}
      >
        {t(kind === "in" ? "clockIn" : "clockOut")}
      </button>
      <div id="punch-status" role="status" aria-live="polite" data-testid="verdict">
        {stepText ? <p class="message info">{stepText}</p> : verdict && <p class={`message ${verdict.tone}`}>{verdict.text}</p>}
      </div>
      <button
        type="button"
        id="fix-today"
        class="link fix"
        onClick={() => {
          // Today as the server judges it (the work date, in the employee's zone), else as this device can tell.
          const date = today?.date ?? localDate(Date.now(), workZoneOf(state)?.timeZone ?? browserTimeZone());
          state.view.value = { name: "fix", date, kind: today?.status === "incomplete" && punchState.kind !== "in" ? "out" : "in", from: "fix-today" };
        }}
      >
        {t("fixMissedPunch")}
      </button>
    </section>
  );
}
