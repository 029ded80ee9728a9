import type { PunchBatchResult } from "../../shared/api";
import { MAX_BATCH_ITEMS } from "../../shared/limits";
import { ApiError, type Api } from "./api";
import { withLock } from "./lock";
import {
  attentionItem,
  lastSyncItem,
  notePunch,
  queueItem,
  revertPunch,
  saveReceipts,
  sessionItem,
  type AttentionItem,
  type QueueItem,
  type SignedPunch,
  type StoredReceipt,
} from "./storage";

export interface QueueDeps {
  api: Pick<Api, "batch">;
  now(): number;
  random(): number;
}

export interface DrainResult {
  sent: number;
  /** Items still in the queue. */
  waiting: number;
  /** Items the server refused, waiting for the employee. */
  attention: number;
  /** When the queue is next due (all of it goes then), or null when it is empty. */
  nextAttemptAt: number | null;
}

export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_CAP_MS = 15 * 60_000;
/** Full jitter can draw ~0; a floor keeps a dead server from being hammered. */
export const BACKOFF_MIN_MS = 1_000;

const DRAIN_LOCK = "clockwork-queue-drain";
const WRITE_LOCK = "clockwork-queue-write";

/**
 * Exponential backoff with full jitter (AWS architecture blog): a delay drawn uniformly
 * from [0, min(cap, base·2^(attempts-1))), floored at BACKOFF_MIN_MS. `attempts` counts
 * the queue's failed attempts so far (1 after the first failure); one delay serves the whole queue.
 */
export function backoffDelay(attempts: number, random: () => number): number {
  const n = Math.max(1, Math.floor(attempts));
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(n - 1, 30));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.max(BACKOFF_MIN_MS, Math.floor(ceiling * r));
}

/** Read-modify-write of the queue (and attention list) that no other context can interleave. */
function mutate<T>(fn: () => Promise<T>): Promise<T> {
  return withLock(WRITE_LOCK, fn);
}

const byClientTime = (a: SignedPunch, b: SignedPunch) =>
  a.punch.clientTime - b.punch.clientTime || (a.punch.id < b.punch.id ? -1 : a.punch.id > b.punch.id ? 1 : 0);

/** Adds a signed punch to the offline queue, exactly as signed; a second enqueue of the same id is a no-op. */
export async function enqueue(signed: SignedPunch, now: number): Promise<void> {
  await mutate(async () => {
    const queue = await queueItem.getValue();
    if (queue.some((q) => q.punch.id === signed.punch.id)) return;
    const item: QueueItem = {
      punch: signed.punch,
      assertion: signed.assertion,
      queuedAt: now,
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
    };
    await queueItem.setValue([...queue, item].sort(byClientTime));
  });
}

/** Puts a refused punch on the attention list (replacing an earlier entry for the same id). */
export async function addAttention(item: AttentionItem): Promise<void> {
  await mutate(async () => {
    const list = (await attentionItem.getValue()).filter((a) => a.punch.id !== item.punch.id);
    await attentionItem.setValue([...list, item]);
  });
}

type Outcome =
  | { kind: "sent"; receipt: StoredReceipt }
  | { kind: "retry"; error: string }
  | { kind: "refused"; status: number; code: string; message: string };

function outcomeOf(result: PunchBatchResult | undefined, now: number): Outcome {
  if (!result) return { kind: "retry", error: "NO_RESULT" };
  if ((result.status === 200 || result.status === 201) && result.punch && result.receipt) {
    return { kind: "sent", receipt: { record: result.punch, receipt: result.receipt, savedAt: now } };
  }
  if (result.status === 429 || result.status >= 500 || result.status < 400) {
    return { kind: "retry", error: result.error?.code ?? `HTTP_${result.status}` };
  }
  return {
    kind: "refused",
    status: result.status,
    code: result.error?.code ?? `HTTP_${result.status}`,
    message: result.error?.message ?? `The server refused this punch (HTTP ${result.status}).`,
  };
}

/**
 * Applies the server's answers to the stored queue, by punch id, so items enqueued meanwhile are
 * kept. `failure` says the flush stopped (no answer, or a punch to retry): then everything still
 * waiting shares one schedule, the queue's, so no punch becomes due before an older one.
 */
async function applyOutcomes(outcomes: Map<string, Outcome>, deps: QueueDeps, failure: string | null): Promise<void> {
  const now = deps.now();
  const receipts: StoredReceipt[] = [];
  const sentPunches: SignedPunch["punch"][] = [];
  const refusedIds: string[] = [];
  await mutate(async () => {
    const queue = await queueItem.getValue();
    // Copies: storage (and its fallback) may hand out the stored array itself.
    let attention = [...(await attentionItem.getValue())];
    let kept: QueueItem[] = [];
    for (const item of queue) {
      const outcome = outcomes.get(item.punch.id);
      if (!outcome) kept.push(item);
      else if (outcome.kind === "sent") {
        receipts.push(outcome.receipt);
        sentPunches.push(item.punch);
      } else if (outcome.kind === "retry") {
        kept.push({ ...item, lastError: outcome.error });
      } else {
        refusedIds.push(item.punch.id);
        attention = attention.filter((a) => a.punch.id !== item.punch.id);
        attention.push({
          punch: item.punch,
          assertion: item.assertion,
          status: outcome.status,
          code: outcome.code,
          message: outcome.message,
          at: now,
        });
      }
    }
    if (failure !== null && kept.length > 0) {
      // One more failed attempt for the queue as a whole, one delay drawn for all of it.
      const attempts = Math.max(...kept.map((q) => q.attempts)) + 1;
      const nextAttemptAt = now + backoffDelay(attempts, deps.random);
      kept = kept.map((q) => ({ ...q, attempts, nextAttemptAt, lastError: outcomes.has(q.punch.id) ? q.lastError : failure }));
    }
    // Receipts first: if the worker dies between the two writes, the item is resent and the
    // server answers 200 with the same receipt, rather than the item being gone without one.
    await saveReceipts(receipts);
    await attentionItem.setValue(attention);
    await queueItem.setValue(kept);
  });
  for (const punch of sentPunches.sort((a, b) => a.clientTime - b.clientTime)) await notePunch(punch, false);
  for (const id of refusedIds) await revertPunch(id);
  if (receipts.length > 0) await lastSyncItem.setValue(now);
}

/**
 * When the queue is due: its earliest item's time, or null when it is empty. After a failure all
 * items share one time; a newly queued punch is due at once, and makes the whole queue due.
 */
export function queueDueAt(queue: readonly QueueItem[]): number | null {
  return queue.length ? Math.min(...queue.map((q) => q.nextAttemptAt)) : null;
}

/**
 * Sends the queue through the batch route once it is due: every waiting punch, oldest first
 * (client time, then id), ≤100 per request, stopping at the first request that fails or leaves
 * a punch to retry. A later punch never reaches the server before an earlier one: each
 * signature bumps the passkey's counter, so the server sees them in the order they were signed.
 * Items leave the queue only once the server has answered for them, so a crash mid-send
 * means a resend, which the server's idempotency on the punch id turns into a 200.
 */
export function drainQueue(deps: QueueDeps): Promise<DrainResult> {
  return withLock(DRAIN_LOCK, async () => {
    const waiting = [...(await queueItem.getValue())].sort(byClientTime);
    const dueAt = queueDueAt(waiting);
    const due = dueAt !== null && dueAt <= deps.now() ? waiting : [];
    let sent = 0;
    for (let start = 0; start < due.length; start += MAX_BATCH_ITEMS) {
      const chunk = due.slice(start, start + MAX_BATCH_ITEMS);
      let answer: Awaited<ReturnType<QueueDeps["api"]["batch"]>>;
      try {
        answer = await deps.api.batch(chunk.map(({ punch, assertion }) => ({ punch, assertion })));
      } catch (err) {
        // No usable answer for the whole batch: everything stays, and the queue backs off.
        await applyOutcomes(new Map(), deps, err instanceof ApiError ? err.code : "NETWORK");
        break;
      }
      if (answer.session) await sessionItem.setValue(answer.session);
      const byId = new Map(answer.results.filter((r) => r.id !== null).map((r) => [r.id!, r]));
      const outcomes = new Map<string, Outcome>();
      chunk.forEach((item, i) => {
        const positional = answer.results[i];
        const result = positional?.id === item.punch.id ? positional : byId.get(item.punch.id);
        const outcome = outcomeOf(result, deps.now());
        outcomes.set(item.punch.id, outcome);
        if (outcome.kind === "sent") sent++;
      });
      const retry = [...outcomes.values()].find((o) => o.kind === "retry");
      await applyOutcomes(outcomes, deps, retry?.error ?? null);
      // A punch to retry (429, 5xx) stops here: the next chunk would overtake it.
      if (retry) break;
    }
    const queue = await queueItem.getValue();
    const attention = await attentionItem.getValue();
    return { sent, waiting: queue.length, attention: attention.length, nextAttemptAt: queueDueAt(queue) };
  });
}

/** Makes every queued item due at once (the server answered again, or "Retry now"). */
export async function retryAllNow(): Promise<void> {
  await mutate(async () => {
    const queue = await queueItem.getValue();
    if (queue.length === 0) return;
    await queueItem.setValue(queue.map((q) => ({ ...q, nextAttemptAt: 0 })));
  });
}

/** The employee has seen a refused punch and lets it go. */
export async function dismissAttention(punchId: string): Promise<void> {
  await mutate(async () => {
    const list = await attentionItem.getValue();
    await attentionItem.setValue(list.filter((a) => a.punch.id !== punchId));
  });
}

/** Sends a refused punch again (e.g. after an administrator fixed the device): back into the queue, due now. */
export async function requeueAttention(punchId: string, now: number): Promise<void> {
  await mutate(async () => {
    const list = await attentionItem.getValue();
    const item = list.find((a) => a.punch.id === punchId);
    if (!item) return;
    const queue = await queueItem.getValue();
    if (!queue.some((q) => q.punch.id === punchId)) {
      const requeued: QueueItem = { punch: item.punch, assertion: item.assertion, queuedAt: now, attempts: 0, nextAttemptAt: now, lastError: null };
      await queueItem.setValue([...queue, requeued].sort(byClientTime));
    }
    await attentionItem.setValue(list.filter((a) => a.punch.id !== punchId));
  });
}
