import { sql } from "drizzle-orm";
import { MINUTE_MS } from "../../shared/time";
import type { DB } from "../db/client";
import { type Bound, batchPrepared, bind, prepare, preparedSql, queryPrepared } from "../db/prepared";
import { securityEvents } from "../db/schema";
import { RateLimitedError } from "../errors";

// Security events (a refused punch, a failed sign-in, a wrong enrolment code) are counted per
// source and fixed window, one row each, never one audit entry per event: however many a caller
// sends, the log grows by one entry per source, action and window. The same counts are the rate
// limits of the routes that work without signing in, so an honest caller, whose requests
// succeed, is never refused, and a caller who keeps failing is stopped before the costly part.

export const SECURITY_WINDOW_MS = 15 * MINUTE_MS;

/** The window a time falls in. */
export const windowOf = (now: number) => now - (now % SECURITY_WINDOW_MS);

/** A source stands for every caller at once in the global budgets. */
export const EVERYONE = "*";

export type SecurityAction =
  | "security.credential_unknown"
  | "security.credential_revoked"
  | "security.origin_not_allowed"
  | "security.assertion_invalid"
  | "security.nonce_invalid"
  | "security.console_login_failed"
  | "security.enrollment_code_invalid";

export interface SecurityEvent {
  action: SecurityAction;
  /** What the event was about (ids, a message): kept for the first event of each window only. */
  sample: Record<string, unknown>;
}

/** Refusals of signed punches a source may cause per window before its punches are refused unread. */
export const PUNCH_REFUSALS_PER_WINDOW = 100;

/** Wrong enrolment codes per window: per source, and from everyone together (a code is ~2^49.5). */
export const ENROLLMENT_FAILURES = { perSource: 10, everyone: 300 } as const;

/** Failed console sign-ins a source may cause per window. */
export const CONSOLE_LOGIN_FAILURES_PER_WINDOW = 20;

const EVENT_UPSERT = prepare((db) =>
  db
    .insert(securityEvents)
    .values({
      windowStart: sql.placeholder("windowStart"),
      source: sql.placeholder("source"),
      action: sql.placeholder("action"),
      count: sql.placeholder("count"),
      firstAt: sql.placeholder("at"),
      lastAt: sql.placeholder("at"),
      sample: sql.placeholder("sample"),
    })
    .onConflictDoUpdate({
      target: [securityEvents.windowStart, securityEvents.source, securityEvents.action],
      set: { count: sql`${securityEvents.count} + excluded.count`, lastAt: sql`excluded.last_at` },
    }),
);

/**
 * The writes that count `events` against `source` in the window of `now`: one upsert per action,
 * however many events, to batch with the request's other writes. `alsoEveryone` counts them in
 * the global budget too.
 */
export function securityEventWrites(source: string | null, events: readonly SecurityEvent[], now: number, alsoEveryone = false): Bound[] {
  const byAction = new Map<SecurityAction, { count: number; sample: Record<string, unknown> }>();
  for (const event of events) {
    const seen = byAction.get(event.action);
    if (seen) seen.count += 1;
    else byAction.set(event.action, { count: 1, sample: event.sample });
  }
  const sources = alsoEveryone ? [source ?? "unknown", EVERYONE] : [source ?? "unknown"];
  return [...byAction].flatMap(([action, { count, sample }]) =>
    sources.map((s): Bound => [EVENT_UPSERT, { windowStart: windowOf(now), source: s, action, count, at: now, sample }]),
  );
}

/**
 * A SQL expression: how many times `source` caused one of `actions` in the current window. For
 * folding the rate limit's read into a route's own read. Placeholders `windowStart` and `source`.
 */
export function eventCountSql(actions: readonly SecurityAction[]) {
  return sql`(SELECT coalesce(sum(count), 0) FROM security_events WHERE window_start = ${sql.placeholder("windowStart")}
    AND source = ${sql.placeholder("source")} AND action IN (${sql.join(actions.map((a) => sql`${a}`), sql`, `)}))`;
}

/** 429 with Retry-After at the end of the window, when `count` has reached `limit`. */
export function refuseOverLimit(count: number, limit: number, now: number, message: string) {
  if (count >= limit) throw new RateLimitedError(windowOf(now) + SECURITY_WINDOW_MS - now, message);
}

const ENROLLMENT_FAILURE_COUNTS = preparedSql(
  sql`SELECT
    coalesce((SELECT count FROM security_events WHERE window_start = ${sql.placeholder("windowStart")} AND source = ${sql.placeholder("source")}
      AND action = 'security.enrollment_code_invalid'), 0) AS source,
    coalesce((SELECT count FROM security_events WHERE window_start = ${sql.placeholder("windowStart")} AND source = '*'
      AND action = 'security.enrollment_code_invalid'), 0) AS everyone`,
  (result) => (result.results[0] ?? { source: 0, everyone: 0 }) as { source: number; everyone: number },
);

/**
 * Before an enrolment code is looked up: a source that has guessed wrong too often this window is
 * refused, and once everyone together has, so is any source that has guessed wrong at all. A source
 * without a failure always gets its look-up, so an office behind one address keeps enrolling.
 */
export async function checkEnrollmentBudget(db: DB, source: string | null, now: number) {
  const counts = await queryPrepared(db.$client, [ENROLLMENT_FAILURE_COUNTS, { windowStart: windowOf(now), source: source ?? "unknown" }]);
  const message = "Too many wrong enrolment codes. Wait a few minutes and try again.";
  if (source !== null) refuseOverLimit(counts.source, ENROLLMENT_FAILURES.perSource, now, message);
  if (counts.source > 0 || source === null) refuseOverLimit(counts.everyone, ENROLLMENT_FAILURES.everyone, now, message);
}

/** Counts one wrong enrolment code against the source and the global budget (one round trip). */
export async function countEnrollmentFailure(db: DB, source: string | null, sample: Record<string, unknown>, now: number) {
  await writeSecurityEvents(db, securityEventWrites(source, [{ action: "security.enrollment_code_invalid", sample }], now, true));
}

/** Writes security events on their own (one round trip), for routes that have nothing else to write. */
export async function writeSecurityEvents(db: DB, writes: readonly Bound[]) {
  if (writes.length > 0) await batchPrepared(db.$client, writes);
}

/** Closed windows turned into audit entries per run, at most (each is one entry). */
const FLUSH_PAGE = 500;

const CLOSED = sql`window_start <= ${sql.placeholder("lastClosed")}`;
const ORDER = sql`ORDER BY window_start, source, action LIMIT ${FLUSH_PAGE}`;
const FLUSH_INSERT = preparedSql(
  sql`INSERT INTO audit_log (at, actor_type, actor_id, action, subject_type, subject_id, data, ip)
    SELECT last_at, 'anonymous', NULL, action, 'source', source,
      json_object('count', count, 'windowStart', window_start, 'windowEnd', window_start + ${SECURITY_WINDOW_MS},
        'firstAt', first_at, 'lastAt', last_at, 'sample', json(sample)), NULL
    FROM security_events WHERE ${CLOSED} ${ORDER}`,
  (result) => result.meta.changes,
);
// The same rows as the insert: same condition, order and limit, in the same transaction.
const FLUSH_DELETE = preparedSql(
  sql`DELETE FROM security_events WHERE rowid IN (SELECT rowid FROM security_events WHERE ${CLOSED} ${ORDER})`,
  (result) => result.meta.changes,
);
// The global budget's rows only count; the per-source rows already say everything.
const FORGET_EVERYONE = preparedSql(sql`DELETE FROM security_events WHERE ${CLOSED} AND source = '*'`, (result) => result.meta.changes);

/**
 * Turns every closed window into one audit entry per source and action (`security.*`, data:
 * count, window, first and last time, the first event's sample) and forgets the counters, a
 * page at a time, each page in one transaction. Returns how many entries were written.
 */
export async function flushSecurityEvents(db: DB, now: number): Promise<number> {
  const d1 = db.$client;
  const values = { lastClosed: windowOf(now) - SECURITY_WINDOW_MS };
  let written = 0;
  for (;;) {
    const [, inserted] = await d1.batch([bind(d1, [FORGET_EVERYONE, values]), bind(d1, [FLUSH_INSERT, values]), bind(d1, [FLUSH_DELETE, values])]);
    written += inserted!.meta.changes;
    if (inserted!.meta.changes < FLUSH_PAGE) return written;
  }
}
