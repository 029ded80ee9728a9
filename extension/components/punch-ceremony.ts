import type { PunchRecord } from "../../shared/api";
import { createApi } from "../utils/api";
import { t, type MessageKey } from "../utils/i18n";
import { sendMessage } from "../utils/messaging";
import { passkeyFailure, watchingFocus } from "../utils/passkey-window";
import { locatedPunch, signPunch, submitPunch, type PunchSubmission } from "../utils/punch";
import type { Enrolment } from "../utils/storage";
import { browserTimeZone, timeOf } from "./format";

export type Step = "locating" | "signing" | "sending";

export type CeremonyOutcome =
  | (PunchSubmission & { kind: "in" | "out"; clientTime: number })
  | { outcome: "cancelled"; kind: "in" | "out" }
  | { outcome: "needsWindow"; kind: "in" | "out" };

/** Geolocation never holds a punch up longer than this (a recent fix is reused at once). */
export const GEO_TIMEOUT_MS = 3_000;

/**
 * One click's work: location (bounded), the passkey signature over the punch, one POST.
 * In the popup a NotAllowedError after the popup lost the focus means the OS passkey sheet
 * took it away (real Chrome does this): the caller then opens the passkey window.
 */
export async function runPunchCeremony(opts: {
  enrolment: Enrolment;
  kind: "in" | "out";
  nonce: string | null;
  inPopup: boolean;
  onStep(step: Step): void;
}): Promise<CeremonyOutcome> {
  const { enrolment, kind } = opts;
  opts.onStep("locating");
  const punch = await locatedPunch({
    enrolment,
    kind,
    nonce: opts.nonce,
    geolocation: navigator.geolocation,
    geoTimeoutMs: GEO_TIMEOUT_MS,
    now: Date.now,
    timeZone: browserTimeZone(),
  });
  opts.onStep("signing");
  const signing = await watchingFocus(window, document, () => signPunch(punch));
  if ("error" in signing) {
    const failure = passkeyFailure(signing.error, { inPopup: opts.inPopup, lostFocus: signing.lostFocus });
    if (failure) return { outcome: failure, kind };
    throw signing.error;
  }
  const signed = signing.value;
  opts.onStep("sending");
  const result = await submitPunch({ api: createApi(enrolment.serverUrl), now: Date.now }, signed);
  // The server answers again: the background sends whatever waited, at once.
  if (result.outcome === "recorded") sendMessage("syncNow").catch(() => undefined);
  return { ...result, kind, clientTime: punch.clientTime };
}

export type Tone = "success" | "warning" | "error" | "info";

export function reasonText(code: string): string {
  const text = t(`reason_${code}` as MessageKey);
  return text && text !== `reason_${code}` ? text : code;
}

function refusedText(code: string, message: string): string {
  const text = t(`refused${code}` as MessageKey);
  return text && text !== `refused${code}` ? text : message;
}

/** The verdict in human words, and how it should look. */
export function verdictOf(outcome: CeremonyOutcome): { tone: Tone; text: string } {
  const kindWord = t(outcome.kind === "in" ? "kindInWord" : "kindOutWord");
  switch (outcome.outcome) {
    case "recorded":
      return recordVerdict(outcome.record, kindWord);
    case "queued":
      return { tone: "info", text: t("verdictQueued", kindWord, timeOf(outcome.clientTime)) };
    case "refused":
      return { tone: "error", text: t("verdictRefused", refusedText(outcome.code, outcome.message)) };
    case "cancelled":
      return { tone: "error", text: t("passkeyCancelledPunch") };
    case "needsWindow":
      return { tone: "info", text: t("passkeyWindowOpened") };
  }
}

function recordVerdict(record: PunchRecord, kindWord: string): { tone: Tone; text: string } {
  const at = timeOf(record.effectiveTime);
  const reasons = record.reasons.map(reasonText).join("; ");
  if (record.status === "accepted") return { tone: "success", text: t("verdictAccepted", kindWord, at) };
  if (record.status === "flagged") return { tone: "warning", text: t("verdictFlagged", kindWord, at, reasons) };
  return { tone: "error", text: t("verdictRejected", kindWord, at, reasons) };
}
