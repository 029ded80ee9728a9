import type { Correction, CorrectionStatus } from "../../shared/api";
import { bcp47, t, type MessageKey } from "../utils/i18n";
import { EVIDENCE_POLICY, type EvidenceProblem } from "../utils/evidence";
import { SERVER_DEFAULTS } from "../utils/server-defaults";
import type { CorrectionFields, OutboxItem } from "../utils/storage";
import { dayHeading, sizeOf, timeOf } from "./format";

/** Every refusal POST /api/me/corrections answers (401 aside: that one waits for the next punch), and the outbox's own. */
export type FilingRefusal =
  | "VALIDATION_FAILED"
  | "CORRECTION_DUPLICATE"
  | "PAYLOAD_TOO_LARGE"
  | "EVIDENCE_TYPE_NOT_ALLOWED"
  | "CORRECTION_OUT_OF_WINDOW"
  | "CORRECTION_LIMIT_REACHED"
  | "RATE_LIMITED"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "ENROLMENT_CHANGED";

const REFUSALS: Record<FilingRefusal, MessageKey> = {
  VALIDATION_FAILED: "correctionRefused_VALIDATION_FAILED",
  CORRECTION_DUPLICATE: "correctionRefused_CORRECTION_DUPLICATE",
  PAYLOAD_TOO_LARGE: "correctionRefused_PAYLOAD_TOO_LARGE",
  EVIDENCE_TYPE_NOT_ALLOWED: "correctionRefused_EVIDENCE_TYPE_NOT_ALLOWED",
  CORRECTION_OUT_OF_WINDOW: "correctionRefused_CORRECTION_OUT_OF_WINDOW",
  CORRECTION_LIMIT_REACHED: "correctionRefused_CORRECTION_LIMIT_REACHED",
  RATE_LIMITED: "correctionRefused_RATE_LIMITED",
  UNSUPPORTED_MEDIA_TYPE: "correctionRefused_UNSUPPORTED_MEDIA_TYPE",
  ENROLMENT_CHANGED: "correctionRefused_ENROLMENT_CHANGED",
};

/** Refusals of DELETE /api/me/corrections/:id, and a cancel that could not reach the server. */
export type CancelRefusal = "CORRECTION_ALREADY_DECIDED" | "NOT_FOUND" | "UNAUTHENTICATED" | "NETWORK";

const CANCEL_REFUSALS: Record<CancelRefusal, MessageKey> = {
  CORRECTION_ALREADY_DECIDED: "cancelRefused_CORRECTION_ALREADY_DECIDED",
  NOT_FOUND: "cancelRefused_NOT_FOUND",
  UNAUTHENTICATED: "cancelRefused_UNAUTHENTICATED",
  NETWORK: "cancelRefused_NETWORK",
};

/** A request's status, and the two an outbox item can have before the server holds it. */
export type RequestStatus = CorrectionStatus | "waiting" | "refused";

export const STATUS_LABELS: Record<RequestStatus, MessageKey> = {
  pending: "correctionStatus_pending",
  approved: "correctionStatus_approved",
  rejected: "correctionStatus_rejected",
  cancelled: "correctionStatus_cancelled",
  waiting: "correctionStatus_waiting",
  refused: "correctionStatus_refused",
};

const isKnown = <K extends string>(table: Record<K, MessageKey>, code: string): code is K => Object.hasOwn(table, code);

const numberIn = (details: unknown, key: string): number | null => {
  const value = (details as Record<string, unknown> | null | undefined)?.[key];
  return typeof value === "number" ? value : null;
};

/** "March 2025" for a YYYY-MM-DD date. */
function monthOf(date: string): string {
  const [y, m] = date.split("-").map(Number);
  return new Intl.DateTimeFormat(bcp47(), { month: "long", year: "numeric", timeZone: "UTC" }).format(Date.UTC(y!, m! - 1, 1));
}

/** The server's refusal of a request in the employee's words, with what it said filled in. */
export function refusalText(refusal: { code: string; message: string; details?: unknown }, fields: Pick<CorrectionFields, "date">, zone: string, text = t): string {
  const { code, details } = refusal;
  if (!isKnown(REFUSALS, code)) return text("correctionRefused_other", refusal.message);
  if (code === "VALIDATION_FAILED") {
    const issues = (details as { issues?: { path?: unknown }[] } | undefined)?.issues ?? [];
    if (issues.some((issue) => issue.path === "time")) return text("correctionRefused_time", dayHeading(fields.date), zone);
    return text(REFUSALS[code], refusal.message);
  }
  if (code === "CORRECTION_OUT_OF_WINDOW") return text(REFUSALS[code], numberIn(details, "windowDays") ?? SERVER_DEFAULTS.corrections.windowDays);
  if (code === "CORRECTION_LIMIT_REACHED") return text(REFUSALS[code], numberIn(details, "monthlyLimit") ?? SERVER_DEFAULTS.corrections.monthlyLimit, monthOf(fields.date));
  return text(REFUSALS[code]);
}

export function cancelRefusalText(refusal: { code: string; message: string }, text = t): string {
  return isKnown(CANCEL_REFUSALS, refusal.code) ? text(CANCEL_REFUSALS[refusal.code]) : text("cancelRefused_other", refusal.message);
}

/** Why a picked file was not attached. */
export function evidenceProblemText(problem: EvidenceProblem, text = t): string {
  switch (problem.problem) {
    case "type":
      return text("evidenceWrongType", problem.name);
    case "size":
      return text("evidenceTooLarge", problem.name, sizeOf(problem.limit));
    case "count":
      return text("evidenceTooMany", problem.limit);
  }
}

export const evidenceHint = (text = t) => text("evidenceHint", EVIDENCE_POLICY.maxFiles, sizeOf(EVIDENCE_POLICY.maxFileBytes));

/** "Clock-in on Monday 24 November at 09:00", the time in the employee's zone. */
export function requestSummary(request: Pick<Correction, "kind" | "date" | "time">, zone: string, text = t): string {
  return text("requestSummary", text(request.kind === "in" ? "kindInNoun" : "kindOutNoun"), dayHeading(request.date), timeOf(request.time, zone));
}

/** A decision the popup tells of: approved (it counts now) or rejected, with the reviewer's comment. */
export function decisionNotice(c: Correction, zone: string, text = t): { tone: "success" | "error"; text: string } {
  const said = text(c.status === "approved" ? "decisionApproved" : "decisionRejected", requestSummary(c, zone, text));
  return { tone: c.status === "approved" ? "success" : "error", text: c.comment ? `${said} ${text("requestComment", c.comment)}` : said };
}

/** One request as "My requests" lists it: from the server, or still on this device. */
export interface RequestRow {
  id: string;
  fields: Pick<Correction, "date" | "kind" | "time" | "reason">;
  status: RequestStatus;
  /** The reviewer's comment. */
  comment?: string;
  /** Names of the evidence files. */
  evidence: string[];
  decidedAt?: number;
  /** Only a pending request can be cancelled. */
  cancellable: boolean;
  /** The waiting request on this device. */
  item?: OutboxItem;
}

/**
 * The list "My requests" shows: what still waits on this device for `employeeId` (newest first),
 * then what the server holds (as it lists them, newest first).
 */
export function requestRows(outbox: readonly OutboxItem[], known: readonly Correction[], employeeId: string): RequestRow[] {
  return [
    ...outbox
      .filter((item) => item.employeeId === employeeId)
      .sort((a, b) => b.queuedAt - a.queuedAt)
      .map((item): RequestRow => ({ id: item.key, fields: item.fields, status: item.refused ? "refused" : "waiting", evidence: item.files.map((f) => f.name), cancellable: false, item })),
    ...known.map(
      (c): RequestRow => ({
        id: c.id,
        fields: c,
        status: c.status,
        ...(c.comment ? { comment: c.comment } : {}),
        evidence: c.evidence.map((e) => e.name),
        ...(c.decidedAt && c.status !== "pending" ? { decidedAt: c.decidedAt } : {}),
        cancellable: c.status === "pending",
      }),
    ),
  ];
}
