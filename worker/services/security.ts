import { sql } from "drizzle-orm";
import { MINUTE_MS } from "../../shared/time";
import type { DB } from "../db/client";
import { type Bound, batchPrepared, prepare, preparedSql, queryPrepared } from "../db/prepared";
import { securityEvents } from "../db/schema";
import { RateLimitedError } from "../errors";

// Security events (a refused punch, a failed sign-in, a wrong enrolment code) are counted per
// key and fixed window, one row each, never one audit entry per event: the log grows by at most
// one entry per key, action and window, and the many keys of a spread-out attack fold into one
// entry. The same counts are the rate limits of the routes that work without signing in. A key is
// a source (an IPv4 address or an IPv6 /64, `unknown` without a client IP), or a source and a
// credential: refusals of one kind never block another, so a neighbour behind the same address
// who sends forged punches never stops an honest employee's signed ones.

export const SECURITY_WINDOW_MS = 15 * MINUTE_MS;

/** The window a time falls in. */
export const windowOf = (now: number) => now - (now % SECURITY_WINDOW_MS);

/** The key of the global budgets. */
export const EVERYONE = "*";

/** Who counts without a client IP (only requests that did not come through Cloudflare's edge). */
export const UNKNOWN_SOURCE = "unknown";

/** The key of failures against one credential from one source. */
export const credentialKey = (source: string, credentialId: string) => `${source} ${credentialId}`;

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
  /** The key it counts against, when it is not the request's source. */
  key?: string;
  /** What the event was about (ids, a message): kept for the first event of each window only. */
  sample: Record<string, unknown>;
}

/** Punches refused for their credential (unknown, revoked, another employee's) per source and window. */
export const CREDENTIAL_REFUSALS_PER_WINDOW = 100;
/** Failed signatures per credential and source and window, before that credential's punches from there are refused unverified. */
export const ASSERTION_FAILURES_PER_WINDOW = 20;
/** Wrong enrolment codes per window: per source, and from everyone together (a code is ~2^49.5). */
export const ENROLLMENT_FAILURES = { perSource: 10, everyone: 300 } as const;
/** Failed console sign-ins per window: with an unknown passkey per source, with a known one per source and passkey. */
export const CONSOLE_LOGIN_FAILURES_PER_WINDOW = 20;
/** Sources per action and window that get an audit entry of their own; the rest share one. */
export const AUDITED_SOURCES_PER_WINDOW = 50;

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
    })
    .returning({ count: securityEvents.count }),
);

/**
 * The writes that count `events` against `source` (or each event's own key) in the window of
 * `now`: one upsert per key and action, however many events, to batch with the request's other
 * writes. `alsoEveryone` counts them in the global budget too.
 */
export function securityEventWrites(source: string, events: readonly SecurityEvent[], now: number, alsoEveryone = false): Bound[] {
  const grouped = new Map<string, { key: string; action: SecurityAction; count: number; sample: Record<string, unknown> }>();
  for (const event of events) {
    const keys = [event.key ?? source, ...(alsoEveryone ? [EVERYONE] : [])];
    for (const key of keys) {
      const id = `${event.action}\n${key}`;
      const seen = grouped.get(id);
      if (seen) seen.count += 1;
      else grouped.set(id, { key, action: event.action, count: 1, sample: event.sample });
    }
  }
  return [...grouped.values()].map(({ key, action, count, sample }): Bound => [
    EVENT_UPSERT,
    { windowStart: windowOf(now), source: key, action, count, at: now, sample },
  ]);
}

/** Writes security events on their own (one round trip), for routes that have nothing else to write. */
export async function writeSecurityEvents(db: DB, writes: readonly Bound[]) {
  if (writes.length > 0) await batchPrepared(db.$client, writes);
}

/**
 * A SQL expression: how many times the key `source` caused one of `actions` in the current window.
 * For folding a rate limit's read into a route's own read. Placeholders `windowStart` and `source`.
 */
export function eventCountSql(actions: readonly SecurityAction[]) {
  return sql`(SELECT coalesce(sum(count), 0) FROM security_events WHERE window_start = ${sql.placeholder("windowStart")}
    AND source = ${sql.placeholder("source")} AND action IN (${sql.join(actions.map((a) => sql`${a}`), sql`, `)}))`;
}

/** The wait until the current window ends. */
export const retryAfter = (now: number) => windowOf(now) + SECURITY_WINDOW_MS - now;

/** 429 with Retry-After at the end of the window, when `count` has reached `limit`. */
export function refuseOverLimit(count: number, limit: number, now: number, message: string) {
  if (count >= limit) throw new RateLimitedError(retryAfter(now), message);
}

const FORGET_EMPTY = preparedSql(
  sql`DELETE FROM security_events WHERE window_start = ${sql.placeholder("windowStart")} AND source = ${sql.placeholder("source")}
    AND action = ${sql.placeholder("action")} AND count <= 0`,
  (result) => result.meta.changes,
);

/**
 * Counts an attempt before the costly part (a code look-up, a signature check), so that requests
 * in parallel cannot all slip under a limit that is only read first: each gets its own count back.
 * Returns the counts after this attempt, per key, and the writes that take the attempt back when
 * it succeeds (an honest attempt leaves no trace in the limits).
 */
async function reserve(db: DB, action: SecurityAction, keys: readonly string[], sample: Record<string, unknown>, now: number) {
  const writes = keys.map((key): Bound => [EVENT_UPSERT, { windowStart: windowOf(now), source: key, action, count: 1, at: now, sample }]);
  const results = await batchPrepared(db.$client, writes);
  const counts = results.map((r) => ((r.results[0] as { count?: number } | undefined)?.count ?? 0) as number);
  const refund: Bound[] = keys.flatMap((key): Bound[] => [
    [EVENT_UPSERT, { windowStart: windowOf(now), source: key, action, count: -1, at: now, sample }],
    // An attempt taken back leaves no row behind (a punch from that address reads none).
    [FORGET_EMPTY, { windowStart: windowOf(now), source: key, action }],
  ]);
  return { counts, refund: () => batchPrepared(db.$client, refund) };
}

/**
 * Before an enrolment code is looked up, the attempt is counted against the source and the global
 * budget: a source past its own limit waits, and once everyone together has guessed wrong too
 * often, so does any source that has guessed wrong before (a source's first attempt of a window
 * always gets through, so an office behind one address keeps enrolling). A right code takes its
 * attempt back (`release`); a wrong one leaves it counted.
 * Without a client IP, only the global budget applies (such requests did not pass Cloudflare's edge).
 */
export async function reserveEnrollmentAttempt(db: DB, source: string | null, sample: Record<string, unknown>, now: number) {
  const keys = source === null ? [EVERYONE] : [source, EVERYONE];
  const { counts, refund } = await reserve(db, "security.enrollment_code_invalid", keys, sample, now);
  const [own, everyone] = source === null ? [1, counts[0]!] : [counts[0]!, counts[1]!];
  const message = "Too many wrong enrolment codes. Wait a few minutes and try again.";
  try {
    if (source !== null) refuseOverLimit(own - 1, ENROLLMENT_FAILURES.perSource, now, message);
    if (own > 1 || source === null) refuseOverLimit(everyone - 1, ENROLLMENT_FAILURES.everyone, now, message);
  } catch (err) {
    // A refused attempt looks nothing up: it is no guess, and takes nothing from anyone's budget.
    await refund();
    throw err;
  }
  return { release: refund };
}

/**
 * Before a console passkey's signature is checked: failures with this passkey from this source
 * are counted first, and past the limit the attempt is refused unchecked. A verified sign-in
 * takes its attempt back.
 */
export async function reserveConsoleVerification(db: DB, source: string, credentialId: string, now: number) {
  const { counts, refund } = await reserve(db, "security.console_login_failed", [credentialKey(source, credentialId)], { credentialId }, now);
  try {
    refuseOverLimit(counts[0]! - 1, CONSOLE_LOGIN_FAILURES_PER_WINDOW, now, "Too many failed sign-ins with this passkey. Wait a few minutes and try again.");
  } catch (err) {
    await refund();
    throw err;
  }
  return { release: refund };
}

// ---- from counters to the audit log ----------------------------------------------------------

const CLOSED_GROUPS = preparedSql(
  sql`SELECT window_start AS windowStart, action, count(*) AS sources FROM security_events
    WHERE window_start <= ${sql.placeholder("lastClosed")} AND source <> '*' AND count > 0
    GROUP BY window_start, action ORDER BY window_start, action LIMIT 200`,
  (result) => result.results as { windowStart: number; action: string; sources: number }[],
);
const GROUP = sql`window_start = ${sql.placeholder("windowStart")} AND action = ${sql.placeholder("action")} AND source <> '*' AND count > 0`;
const TOP = sql`ORDER BY count DESC, source LIMIT ${AUDITED_SOURCES_PER_WINDOW}`;
const entryData = (count: string, extra = "") =>
  sql.raw(`json_object('count', ${count}, 'windowStart', window_start, 'windowEnd', window_start + ${SECURITY_WINDOW_MS},
    'firstAt', min(first_at), 'lastAt', max(last_at)${extra})`);
// The busiest sources of a window, each its own entry (sample: what the first event was about).
const FLUSH_TOP = preparedSql(
  sql`INSERT INTO audit_log (at, actor_type, actor_id, action, subject_type, subject_id, data, ip)
    SELECT last_at, 'anonymous', NULL, action, 'source', source,
      json_object('count', count, 'windowStart', window_start, 'windowEnd', window_start + ${SECURITY_WINDOW_MS},
        'firstAt', first_at, 'lastAt', last_at, 'sample', json(sample)), NULL
    FROM security_events WHERE ${GROUP} ${TOP}`,
  (result) => result.meta.changes,
);
// Every other source of the window, folded into one entry with the count of sources.
const FLUSH_REST = preparedSql(
  sql`INSERT INTO audit_log (at, actor_type, actor_id, action, subject_type, subject_id, data, ip)
    SELECT max(last_at), 'anonymous', NULL, action, 'sources', 'others', ${entryData("sum(count)", ", 'sources', count(*)")}, NULL
    FROM security_events WHERE ${GROUP} AND rowid NOT IN (SELECT rowid FROM security_events WHERE ${GROUP} ${TOP})
    GROUP BY window_start, action HAVING count(*) > 0`,
  (result) => result.meta.changes,
);
const FORGET_GROUP = preparedSql(
  sql`DELETE FROM security_events WHERE window_start = ${sql.placeholder("windowStart")} AND action = ${sql.placeholder("action")}`,
  (result) => result.meta.changes,
);
// The global budget's rows only count; and attempts that were all taken back leave rows of 0.
const FORGET_REST = preparedSql(
  sql`DELETE FROM security_events WHERE window_start <= ${sql.placeholder("lastClosed")} AND (source = '*' OR count <= 0)`,
  (result) => result.meta.changes,
);

/**
 * Turns every closed window into audit entries (`security.*`, data: count, window, first and
 * last time, the first event's sample): one per source for the busiest sources of each action,
 * one for all the others together; then forgets the counters. Each window and action is one
 * transaction. Stops when the time budget is spent (the next run carries on). Returns the
 * entries written and whether everything closed was flushed.
 */
export async function flushSecurityEvents(db: DB, now: number, budgetMs = 10_000): Promise<{ entries: number; drained: boolean }> {
  const d1 = db.$client;
  const started = Date.now();
  const lastClosed = windowOf(now) - SECURITY_WINDOW_MS;
  await queryPrepared(d1, [FORGET_REST, { lastClosed }]);
  let entries = 0;
  for (;;) {
    const groups = await queryPrepared(d1, [CLOSED_GROUPS, { lastClosed }]);
    if (groups.length === 0) return { entries, drained: true };
    for (const group of groups) {
      if (Date.now() - started >= budgetMs) return { entries, drained: false };
      const values = { windowStart: group.windowStart, action: group.action };
      const [top, rest] = await batchPrepared(d1, [[FLUSH_TOP, values], [FLUSH_REST, values], [FORGET_GROUP, values]]);
      entries += top!.meta.changes + rest!.meta.changes;
    }
  }
}
