import type { Correction } from "../../shared/api";
import { fromBase64Url, toBase64Url } from "../../shared/encoding";
import { ApiError, createApi, type Api, type UploadFile } from "./api";
import { OFFLINE_EVIDENCE_BYTES, totalBytes, type EvidenceFile } from "./evidence";
import { withLock } from "./lock";
import {
  correctionFilesItem,
  correctionOutboxItem,
  correctionsItem,
  sessionItem,
  unseenDecisionsItem,
  type CorrectionFields,
  type Enrolment,
  type KnownCorrections,
  type OutboxItem,
} from "./storage";

export interface CorrectionDeps {
  api: Pick<Api, "fileCorrection" | "myCorrections">;
  /** Who is enrolled on this device: requests are filed, listed and compared for them only. */
  scope: { serverUrl: string; employeeId: string };
  now(): number;
}

/** The dependencies for the enrolled employee's requests, as the popup and the background use them. */
export function correctionDepsFor(enrolment: Enrolment, api: CorrectionDeps["api"] & Pick<Api, "cancelCorrection"> = createApi(enrolment.serverUrl)) {
  return {
    api,
    scope: { serverUrl: enrolment.serverUrl, employeeId: enrolment.employeeId },
    now: Date.now,
    newKey: () => crypto.randomUUID(),
  };
}

/** What one attempt to file a request came to. */
export type SendOutcome =
  | { kind: "filed"; correction: Correction }
  /** No answer, or a 5xx: it stays, and goes when the server answers again. */
  | { kind: "retry"; error: string }
  /** No live session (they last 12 h from a punch), or the server no longer took it: the next punch brings one. */
  | { kind: "signIn" }
  | { kind: "refused"; status: number; code: string; message: string; details?: unknown };

export interface CorrectionDrainResult {
  filed: number;
  /** Requests still waiting to be sent. */
  waiting: number;
  /** Requests the server refused, waiting for the employee to see. */
  refused: number;
  outcomes: Map<string, SendOutcome>;
}

/**
 * How far the device's clock may run ahead of the server's for a request found on the server to
 * count as the one this device sent. Only matters after a send whose answer was lost; see `findFiled`.
 */
export const FILED_SKEW_MS = 10 * 60_000;

const DRAIN_LOCK = "clockwork-corrections-drain";
const WRITE_LOCK = "clockwork-corrections-write";

/** Read-modify-write of the outbox, its files and the known requests that no other context can interleave. */
function mutate<T>(fn: () => Promise<T>): Promise<T> {
  return withLock(WRITE_LOCK, fn);
}

/** A live session token from storage, or null. */
export async function liveSessionToken(now: number): Promise<string | null> {
  const session = await sessionItem.getValue();
  return session && session.expiresAt > now + 5_000 ? session.token : null;
}

/** The server no longer takes this token: forget it, unless a punch has brought a newer one meanwhile. */
async function forgetSession(token: string): Promise<void> {
  const session = await sessionItem.getValue();
  if (session?.token === token) await sessionItem.setValue(null);
}

// ---- the outbox --------------------------------------------------------------------------------

/**
 * Keeps a request (and its files) on this device until the server has answered for it. Returns
 * false, storing nothing, when its files would take the evidence kept for waiting requests
 * beyond `OFFLINE_EVIDENCE_BYTES`, or storage has no room for them. The files are written before the outbox entry: an entry is
 * never without its files, and files without an entry (a crash between the writes) are dropped
 * by the next drain.
 */
export async function enqueueCorrection(
  request: { key: string; employeeId: string; fields: CorrectionFields; files: readonly EvidenceFile[] },
  now: number,
): Promise<boolean> {
  return mutate(async () => {
    const outbox = await correctionOutboxItem.getValue();
    if (outbox.some((item) => item.key === request.key)) return true;
    const kept = totalBytes(outbox.filter((item) => !item.refused).flatMap((item) => item.files));
    if (kept + totalBytes(request.files) > OFFLINE_EVIDENCE_BYTES) return false;
    if (request.files.length > 0) {
      const files = await correctionFilesItem.getValue();
      try {
        await correctionFilesItem.setValue({ ...files, [request.key]: request.files.map((f) => ({ name: f.name, type: f.type, data: toBase64Url(f.bytes) })) });
      } catch {
        // storage.local is full (receipts and queued punches share it): not kept, as when over the bound.
        return false;
      }
    }
    const item: OutboxItem = {
      key: request.key,
      employeeId: request.employeeId,
      fields: request.fields,
      files: request.files.map(({ name, type, size }) => ({ name, type, size })),
      queuedAt: now,
      attempts: 0,
      lastError: null,
      sentAt: null,
      refused: null,
    };
    await correctionOutboxItem.setValue([...outbox, item]);
    return true;
  });
}

/** How much evidence a new waiting request may still bring. */
export async function offlineRoom(): Promise<number> {
  const outbox = await correctionOutboxItem.getValue();
  return Math.max(0, OFFLINE_EVIDENCE_BYTES - totalBytes(outbox.filter((item) => !item.refused).flatMap((item) => item.files)));
}

async function filesOf(key: string): Promise<UploadFile[]> {
  const stored = (await correctionFilesItem.getValue())[key] ?? [];
  return stored.map((f) => ({ name: f.name, type: f.type, bytes: fromBase64Url(f.data) }));
}

/** Takes a request out of the outbox with its files (the employee dismissed a refusal, or the form shows it). */
export async function discardCorrection(key: string): Promise<void> {
  await mutate(async () => {
    const outbox = await correctionOutboxItem.getValue();
    await correctionOutboxItem.setValue(outbox.filter((item) => item.key !== key));
    await dropFiles([key]);
  });
}

async function dropFiles(keys: readonly string[]): Promise<void> {
  const files = await correctionFilesItem.getValue();
  const kept = Object.fromEntries(Object.entries(files).filter(([key]) => !keys.includes(key)));
  if (Object.keys(kept).length !== Object.keys(files).length) await correctionFilesItem.setValue(kept);
}

/** The same request as `item` on the server: same date, kind, time and reason, and files of the same sizes. */
export function isSameRequest(item: { fields: CorrectionFields; files: readonly { size: number }[] }, correction: Correction): boolean {
  const sizes = (list: readonly { size: number }[]) => list.map((f) => f.size).sort((a, b) => a - b).join();
  return (
    correction.date === item.fields.date &&
    correction.kind === item.fields.kind &&
    correction.time === item.fields.time &&
    correction.reason === item.fields.reason.trim() &&
    sizes(correction.evidence) === sizes(item.files)
  );
}

/**
 * The request the server already holds for `item`, after a send whose answer never came. The
 * server keeps no idempotency key for corrections, so it is found by what it says: the same
 * date, kind, time, reason and file sizes, created no earlier than that send (allowing the
 * device's clock `FILED_SKEW_MS` ahead). An identical request filed and decided before is thus
 * not mistaken for this one. A still pending one is found whatever its time: the server keeps one
 * pending request per date and kind, so a resend of it answers 409 CORRECTION_DUPLICATE, and that
 * answer brings us here with `anyPending`. What remains is a request decided within the minutes
 * between a lost answer and the resend on a device whose clock runs more than ten minutes fast.
 */
async function findFiled(deps: CorrectionDeps, token: string, item: OutboxItem, anyPending: boolean): Promise<Correction | null> {
  const { items } = await deps.api.myCorrections(token);
  const since = (item.sentAt ?? item.queuedAt) - FILED_SKEW_MS;
  return items.find((c) => isSameRequest(item, c) && (c.createdAt >= since || (anyPending && c.status === "pending"))) ?? null;
}

/** Marks the item as sent before its POST leaves: if the answer is lost, the next attempt looks before it resends. */
async function markSent(key: string, now: number): Promise<void> {
  await mutate(async () => {
    const outbox = await correctionOutboxItem.getValue();
    await correctionOutboxItem.setValue(outbox.map((item) => (item.key === key ? { ...item, sentAt: item.sentAt ?? now, attempts: item.attempts + 1 } : item)));
  });
}

function outcomeOfError(err: unknown): SendOutcome {
  if (err instanceof ApiError && err.status >= 400 && err.status < 500) {
    // A 429 (the month's limit, or too many filings today) will not pass on the next attempt either.
    return { kind: "refused", status: err.status, code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) };
  }
  return { kind: "retry", error: err instanceof ApiError ? err.code : "NETWORK" };
}

/** One attempt at one waiting request. */
async function sendOne(deps: CorrectionDeps, item: OutboxItem): Promise<SendOutcome> {
  if (item.employeeId !== deps.scope.employeeId) {
    return { kind: "refused", status: 0, code: "ENROLMENT_CHANGED", message: "Made before this device was enrolled for someone else." };
  }
  const token = await liveSessionToken(deps.now());
  if (!token) return { kind: "signIn" };
  const answerLost = item.sentAt !== null;
  try {
    if (answerLost) {
      const filed = await findFiled(deps, token, item, false);
      if (filed) return { kind: "filed", correction: filed };
    }
    await markSent(item.key, deps.now());
    const correction = await deps.api.fileCorrection(token, item.fields, await filesOf(item.key));
    return { kind: "filed", correction };
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      await forgetSession(token);
      return { kind: "signIn" };
    }
    if (answerLost && err instanceof ApiError && err.code === "CORRECTION_DUPLICATE") {
      try {
        const filed = await findFiled(deps, token, item, true);
        if (filed) return { kind: "filed", correction: filed };
      } catch (again) {
        return outcomeOfError(again);
      }
    }
    return outcomeOfError(err);
  }
}

/** Applies one answer to the stored outbox, by key, so requests queued meanwhile are kept. */
async function applyOutcome(deps: CorrectionDeps, key: string, outcome: SendOutcome): Promise<void> {
  await mutate(async () => {
    const outbox = await correctionOutboxItem.getValue();
    if (outcome.kind === "filed") {
      // The request joins the known ones first: if the worker dies before the outbox is written,
      // the item is looked for again, found on the server, and not sent twice.
      await rememberFiled(deps.scope, outcome.correction, deps.now());
      await correctionOutboxItem.setValue(outbox.filter((item) => item.key !== key));
      await dropFiles([key]);
      return;
    }
    const now = deps.now();
    await correctionOutboxItem.setValue(
      outbox.map((item) => {
        if (item.key !== key) return item;
        if (outcome.kind === "refused") {
          const { status, code, message, details } = outcome;
          return { ...item, lastError: code, refused: { status, code, message, ...(details !== undefined ? { details } : {}), at: now } };
        }
        return { ...item, lastError: outcome.kind === "retry" ? outcome.error : "UNAUTHENTICATED" };
      }),
    );
    // A refused request is shown, not sent again: its files are no longer needed.
    if (outcome.kind === "refused") await dropFiles([key]);
  });
}

/**
 * Sends the waiting requests, oldest first, each once the server has answered for the one before;
 * stops at the first that cannot go now (no answer, or no session). A request leaves the outbox
 * only once the server has answered for it; one whose answer was lost is looked for on the
 * server before it is sent again (`findFiled`), so a crash or a lost answer never files it twice.
 */
export function drainCorrections(deps: CorrectionDeps): Promise<CorrectionDrainResult> {
  return withLock(DRAIN_LOCK, async () => {
    const outcomes = new Map<string, SendOutcome>();
    const waiting = (await correctionOutboxItem.getValue()).filter((item) => !item.refused).sort((a, b) => a.queuedAt - b.queuedAt);
    let filed = 0;
    for (const item of waiting) {
      const outcome = await sendOne(deps, item);
      outcomes.set(item.key, outcome);
      await applyOutcome(deps, item.key, outcome);
      if (outcome.kind === "filed") filed++;
      if (outcome.kind === "retry" || outcome.kind === "signIn") break;
    }
    const outbox = await mutate(async () => {
      // Files whose request is gone or refused (a crash between two writes of an enqueue or a removal).
      const [outbox, files] = await Promise.all([correctionOutboxItem.getValue(), correctionFilesItem.getValue()]);
      const orphans = Object.keys(files).filter((key) => !outbox.some((item) => item.key === key && !item.refused));
      if (orphans.length > 0) await dropFiles(orphans);
      return outbox;
    });
    return { filed, waiting: outbox.filter((item) => !item.refused).length, refused: outbox.filter((item) => item.refused).length, outcomes };
  });
}

// ---- filing from the form ------------------------------------------------------------------

export type FilingOutcome =
  | { outcome: "filed"; correction: Correction }
  /** Kept on this device: sent when the server answers again (`offline`) or after the next punch (`signIn`). */
  | { outcome: "queued"; reason: "offline" | "signIn" }
  | { outcome: "refused"; status: number; code: string; message: string; details?: unknown }
  /** Could not be sent now, and its files are too large to keep until it can: nothing kept. */
  | { outcome: "notKept"; reason: "offline" | "signIn" };

/**
 * Files a request the employee has just made. Whenever its files fit the room kept for waiting
 * requests, it is stored in the outbox first and sent from there, so a popup closed mid-send
 * leaves it to the background, never lost nor doubled. Larger ones are sent directly, and only
 * while the server can be reached. A refusal is returned for the form to show, and nothing is
 * left behind.
 */
export async function fileCorrectionNow(
  deps: CorrectionDeps & { newKey(): string },
  request: { fields: CorrectionFields; files: readonly EvidenceFile[] },
): Promise<FilingOutcome> {
  const fields = { ...request.fields, reason: request.fields.reason.trim() };
  const key = deps.newKey();
  if (await enqueueCorrection({ key, employeeId: deps.scope.employeeId, fields, files: request.files }, deps.now())) {
    const result = await drainCorrections(deps);
    const outcome = result.outcomes.get(key) ?? (await settledElsewhere(deps.scope, key, fields, request.files));
    if (outcome?.kind === "filed") return { outcome: "filed", correction: outcome.correction };
    if (outcome?.kind === "refused") {
      await discardCorrection(key);
      const { status, code, message, details } = outcome;
      return { outcome: "refused", status, code, message, ...(details !== undefined ? { details } : {}) };
    }
    // Not sent: this one could not go, or an older request before it could not.
    const blocking = outcome ?? [...result.outcomes.values()].at(-1);
    return { outcome: "queued", reason: blocking?.kind === "signIn" ? "signIn" : "offline" };
  }
  const token = await liveSessionToken(deps.now());
  if (!token) return { outcome: "notKept", reason: "signIn" };
  try {
    const correction = await deps.api.fileCorrection(token, fields, request.files);
    await mutate(() => rememberFiled(deps.scope, correction, deps.now()));
    return { outcome: "filed", correction };
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      await forgetSession(token);
      return { outcome: "notKept", reason: "signIn" };
    }
    const outcome = outcomeOfError(err);
    if (outcome.kind === "refused") {
      const { status, code, message, details } = outcome;
      return { outcome: "refused", status, code, message, ...(details !== undefined ? { details } : {}) };
    }
    return { outcome: "notKept", reason: "offline" };
  }
}

/**
 * What became of a request another context (the background) sent while this one waited for the
 * drain: refused (still in the outbox, marked), filed (gone, and among the known requests), or
 * undefined while it still waits.
 */
async function settledElsewhere(scope: CorrectionDeps["scope"], key: string, fields: CorrectionFields, files: readonly EvidenceFile[]): Promise<SendOutcome | undefined> {
  const item = (await correctionOutboxItem.getValue()).find((i) => i.key === key);
  if (item?.refused) return { kind: "refused", ...item.refused };
  if (item) return undefined;
  const known = await correctionsItem.getValue();
  const correction = sameScope(known, scope) ? known.items.find((c) => isSameRequest({ fields, files }, c)) : undefined;
  return correction ? { kind: "filed", correction } : undefined;
}

// ---- requests the server holds, and their decisions ----------------------------------------

const sameScope = (known: KnownCorrections | null, scope: CorrectionDeps["scope"]): known is KnownCorrections =>
  !!known && known.serverUrl === scope.serverUrl && known.employeeId === scope.employeeId;

/** Adds a request just filed to the known ones (under the write lock). */
async function rememberFiled(scope: CorrectionDeps["scope"], correction: Correction, now: number): Promise<void> {
  const known = await correctionsItem.getValue();
  const items = sameScope(known, scope) ? known.items.filter((c) => c.id !== correction.id) : [];
  await correctionsItem.setValue({
    ...scope,
    items: [correction, ...items],
    fetchedAt: sameScope(known, scope) ? known.fetchedAt : now,
    complete: sameScope(known, scope) ? known.complete : false,
  });
}

const isDecision = (c: Correction) => c.status === "approved" || c.status === "rejected";

/**
 * The requests of `fresh` decided since `previous` was listed: pending then, or (when `previous`
 * was a whole list) not known then. The first list ever read decides nothing: it is the baseline.
 * A cancellation is the employee's own doing, not news.
 */
export function newlyDecided(previous: Pick<KnownCorrections, "items" | "complete"> | null, fresh: readonly Correction[]): Correction[] {
  if (!previous) return [];
  const before = new Map(previous.items.map((c) => [c.id, c.status]));
  return fresh.filter((c) => isDecision(c) && (before.get(c.id) === "pending" || (previous.complete && !before.has(c.id))));
}

/**
 * Stores the server's list and returns the requests decided since the last one; their ids wait
 * in `unseenDecisionsItem` until the popup has shown them.
 */
export async function recordCorrections(scope: CorrectionDeps["scope"], items: Correction[], now: number): Promise<Correction[]> {
  return mutate(async () => {
    const known = await correctionsItem.getValue();
    const news = newlyDecided(sameScope(known, scope) ? known : null, items);
    await correctionsItem.setValue({ ...scope, items, fetchedAt: now, complete: true });
    if (news.length > 0) {
      const unseen = await unseenDecisionsItem.getValue();
      await unseenDecisionsItem.setValue([...new Set([...unseen, ...news.map((c) => c.id)])]);
    }
    return news;
  });
}

/**
 * Reads the employee's requests from the server and records them. Null when there is no live
 * session or no answer; otherwise the requests decided since the last read.
 */
export async function refreshCorrections(deps: CorrectionDeps): Promise<Correction[] | null> {
  const token = await liveSessionToken(deps.now());
  if (!token) return null;
  try {
    const { items } = await deps.api.myCorrections(token);
    return await recordCorrections(deps.scope, items, deps.now());
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) await forgetSession(token);
    return null;
  }
}

/** The popup has shown these decisions. */
export async function markDecisionsSeen(ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await mutate(async () => {
    const unseen = await unseenDecisionsItem.getValue();
    await unseenDecisionsItem.setValue(unseen.filter((id) => !ids.includes(id)));
  });
}

/** Whether a known request still waits for a decision. */
export const hasPending = (known: KnownCorrections | null) => !!known?.items.some((c) => c.status === "pending");

/**
 * Cancels a pending request. Done: the known list says so at once. Refused (already decided,
 * gone): the list is read again, so the popup shows what did happen.
 */
export async function cancelCorrection(
  deps: CorrectionDeps & { api: Pick<Api, "cancelCorrection" | "myCorrections"> },
  id: string,
): Promise<{ ok: true } | { ok: false; code: string; message: string }> {
  const token = await liveSessionToken(deps.now());
  if (!token) return { ok: false, code: "UNAUTHENTICATED", message: "No live session." };
  try {
    await deps.api.cancelCorrection(token, id);
  } catch (err) {
    if (err instanceof ApiError) {
      if (err.status === 401) await forgetSession(token);
      else await refreshCorrections(deps);
      return { ok: false, code: err.code, message: err.message };
    }
    return { ok: false, code: "NETWORK", message: err instanceof Error ? err.message : String(err) };
  }
  const now = deps.now();
  await mutate(async () => {
    const known = await correctionsItem.getValue();
    if (!sameScope(known, deps.scope)) return;
    const items = known.items.map((c) => (c.id === id ? { ...c, status: "cancelled" as const, decidedAt: now, decidedBy: deps.scope.employeeId } : c));
    await correctionsItem.setValue({ ...known, items });
  });
  return { ok: true };
}
