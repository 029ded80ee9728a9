import { and, asc, gt, isNull, type SQL, sql } from "drizzle-orm";
import { batchableRun } from "../db/client";
import type { Context } from "hono";
import canonicalize from "canonicalize";
import { fromBase64Url, sha256, toBase64Url } from "../../shared/encoding";
import type { DB } from "../db/client";
import { type Bound, batchPrepared, prepare, preparedSql, queryPrepared } from "../db/prepared";
import { auditLog } from "../db/schema";
import type { AppEnv, Principal } from "../env";
import { receiptKeysFor, signReceipt } from "./crypto";
import { clientIp } from "./request";

export interface AuditEntry {
  action: string;
  actor?: Pick<Principal, "type" | "id"> | { type: "system" | "anonymous"; id?: string | null };
  subjectType?: string;
  subjectId?: string | null;
  data?: Record<string, unknown>;
  ip?: string | null;
  at: number;
}

/**
 * The insert for one audit entry, to put in the same batch as the change it
 * describes (so a change is never recorded without its audit entry). Entries
 * are sealed into the hash chain later, by the scheduled handler.
 */
export function auditInsert(db: DB, entry: AuditEntry) {
  return db.insert(auditLog).values(auditRow(entry));
}

/**
 * `auditInsert` that only happens if `condition` (a SQL boolean, evaluated after the batch's
 * earlier statements) holds: for a conditional change (decide a request still pending), so that
 * the request that lost a race writes no entry for a change it did not make.
 */
export function auditInsertWhen(db: DB, entry: AuditEntry, condition: SQL) {
  const row = auditRow(entry);
  return batchableRun(
    db,
    sql`INSERT INTO audit_log (at, actor_type, actor_id, action, subject_type, subject_id, data, ip)
      SELECT ${row.at}, ${row.actorType}, ${row.actorId}, ${row.action}, ${row.subjectType}, ${row.subjectId},
        ${row.data === null ? null : JSON.stringify(row.data)}, ${row.ip}
      WHERE ${condition}`,
  );
}

/** `auditInsert` for a change the signed-in principal makes in this request: its actor and IP are the request's. */
export function auditChange(c: Context<AppEnv>, entry: Omit<AuditEntry, "actor" | "ip">) {
  return auditInsert(c.var.db, { ...entry, actor: c.var.principal, ip: clientIp(c) });
}

/**
 * The audit log is kept for good (append-only, hash-chained); personal data only as long as
 * retention keeps it. So an entry about a person (an employee, their device, approved place,
 * punch or request) names the personal fields a change set, at any depth, but never holds their
 * values: the record holds those, until retention erases them (or anonymises a leaver) there.
 * Free text (labels, reasons, comments, file names) counts as personal: people write why they
 * were away.
 */
const PERSONAL_FIELDS = ["name", "email", "lat", "lon", "label", "reason", "comment", "note"];
const ABOUT_A_PERSON = new Set(["employee", "device", "location", "correction", "punch"]);

function withoutPersonal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPersonal);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const withheld = entries.filter(([key, v]) => PERSONAL_FIELDS.includes(key) && v !== null && v !== undefined).map(([key]) => key);
  const kept = Object.fromEntries(entries.filter(([key]) => !PERSONAL_FIELDS.includes(key)).map(([key, v]) => [key, withoutPersonal(v)]));
  return withheld.length === 0 ? kept : { ...kept, withheld };
}

function minimisedAuditData(subjectType: string | null | undefined, data: Record<string, unknown> | null | undefined) {
  if (!data || !subjectType || !ABOUT_A_PERSON.has(subjectType)) return data ?? null;
  return withoutPersonal(data) as Record<string, unknown>;
}

function auditRow(entry: AuditEntry) {
  return {
    at: entry.at,
    actorType: entry.actor?.type ?? "anonymous",
    actorId: entry.actor?.id ?? null,
    action: entry.action,
    subjectType: entry.subjectType ?? null,
    subjectId: entry.subjectId ?? null,
    data: minimisedAuditData(entry.subjectType, entry.data),
    ip: entry.ip ?? null,
  } as const;
}

const AUDIT_INSERT = prepare((db) =>
  db.insert(auditLog).values({
    at: sql.placeholder("at"),
    actorType: sql.placeholder("actorType"),
    actorId: sql.placeholder("actorId"),
    action: sql.placeholder("action"),
    subjectType: sql.placeholder("subjectType"),
    subjectId: sql.placeholder("subjectId"),
    data: sql.placeholder("data"),
    ip: sql.placeholder("ip"),
  }),
);

/** `auditInsert` as a statement built once per isolate (db/prepared.ts), for hot paths. */
export function auditInsertPrepared(entry: AuditEntry): Bound {
  return [AUDIT_INSERT, auditRow(entry)];
}

/** The hash that seals one entry: it covers the entry and the previous entry's hash. */
export async function entryHash(prevHash: string, entry: typeof auditLog.$inferSelect): Promise<string> {
  const { hash: _hash, prevHash: _prev, ...fields } = entry;
  return toBase64Url(await sha256(`${prevHash}\n${canonicalize(fields)}`));
}

export const GENESIS = "clockwork-audit-genesis";

/** Entries sealed per round trip pair (one read, one write). */
const SEAL_PAGE = 500;

const LAST_SEALED = preparedSql(
  sql`SELECT seq, hash FROM audit_log WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1`,
  (result) => (result.results[0] ?? null) as { seq: number; hash: string } | null,
);
// Entries are sealed in seq order (the audit_log_seal_in_order trigger), so the unsealed ones are
// the seqs after the head: a range of the table, no index of its own to keep. (Still "hash IS
// NULL": from a stale head, what another sealer sealed meanwhile is skipped, and the first link
// from the stale head is refused.)
const UNSEALED = prepare((db) =>
  db
    .select()
    .from(auditLog)
    .where(and(gt(auditLog.seq, sql.placeholder("after")), isNull(auditLog.hash)))
    .orderBy(asc(auditLog.seq))
    .limit(sql.placeholder("limit")),
);
// One statement per entry, in seq order, in one batch: the audit_log_seal_in_order trigger checks
// each link against the entry before, so a page computed from a stale head fails as a whole.
const SEAL_ENTRY = preparedSql(
  sql`UPDATE audit_log SET prev_hash = ${sql.placeholder("prevHash")}, hash = ${sql.placeholder("hash")}
    WHERE seq = ${sql.placeholder("seq")} AND hash IS NULL`,
  (result) => result.meta.changes,
);
const CHECKPOINT_INSERT = preparedSql(
  sql`INSERT INTO audit_checkpoints (seq, hash, at, sealed, payload, signature, kid)
    SELECT ${sql.placeholder("seq")}, ${sql.placeholder("hash")}, ${sql.placeholder("at")}, ${sql.placeholder("sealed")},
      ${sql.placeholder("payload")}, ${sql.placeholder("signature")}, ${sql.placeholder("kid")}
    WHERE NOT EXISTS (SELECT 1 FROM audit_checkpoints WHERE seq = ${sql.placeholder("seq")})`,
  (result) => result.meta.changes,
);
/** Attempts at a page that another sealer keeps overtaking, before this run leaves it to the next. */
const SEAL_RETRIES = 3;

export interface SealReport {
  /** Entries sealed by this run. */
  sealed: number;
  /** The chain's head after it (the last sealed entry), or null while the log is empty. */
  head: { seq: number; hash: string } | null;
  /** False when the time budget ran out with entries still unsealed. */
  drained: boolean;
}

/** What a checkpoint signs: the head of the chain when it was written. */
export function checkpointPayload(head: { seq: number; hash: string }, at: number, sealed: number): string {
  return canonicalize({ v: 1, kind: "clockwork-audit-checkpoint", seq: head.seq, hash: head.hash, at, sealed })!;
}

/**
 * Seals unsealed entries, oldest first, into the chain, a page at a time until none is left or
 * the time budget is spent, then signs a checkpoint of the new head with the receipt key: the
 * head is then fixed, so cutting the newest entries (which a rewritten chain could otherwise
 * hide) is found by comparing the chain with its last checkpoint. Two runs at once cannot break
 * the chain: the database refuses a link that does not follow the entry before it, and the run
 * whose page was refused reads the head again.
 */
export async function sealAuditLog(db: DB, receiptKey: string, opts: { now: number; budgetMs?: number }): Promise<SealReport> {
  const d1 = db.$client;
  const started = Date.now();
  const budgetMs = opts.budgetMs ?? 20_000;
  // A key that cannot sign stops the run before anything is sealed without its checkpoint.
  const { publicJwk } = await receiptKeysFor(receiptKey);
  let head = await queryPrepared(d1, [LAST_SEALED, {}]);
  let sealed = 0;
  let drained = false;
  let overtaken = 0;
  while (Date.now() - started < budgetMs) {
    const pending = await queryPrepared(d1, [UNSEALED, { after: head?.seq ?? 0, limit: SEAL_PAGE }]);
    if (pending.length === 0) {
      drained = true;
      break;
    }
    let prev = head?.hash ?? GENESIS;
    const page: Bound[] = [];
    for (const entry of pending) {
      const hash = await entryHash(prev, entry);
      page.push([SEAL_ENTRY, { seq: entry.seq, prevHash: prev, hash }]);
      prev = hash;
    }
    try {
      const written = await batchPrepared(d1, page);
      sealed += written.reduce((n, r) => n + r.meta.changes, 0);
      head = { seq: pending[pending.length - 1]!.seq, hash: prev };
    } catch (err) {
      // Another sealer moved the head meanwhile: start again from where it is now.
      if (++overtaken > SEAL_RETRIES) throw err;
      head = await queryPrepared(d1, [LAST_SEALED, {}]);
      continue;
    }
    if (pending.length < SEAL_PAGE) {
      drained = true;
      break;
    }
  }
  if (sealed > 0 && head) {
    const payload = checkpointPayload(head, opts.now, sealed);
    await queryPrepared(d1, [
      CHECKPOINT_INSERT,
      { seq: head.seq, hash: head.hash, at: opts.now, sealed, payload, signature: await signReceipt(receiptKey, payload), kid: publicJwk.kid },
    ]);
  }
  return { sealed, head, drained };
}

const ENTRIES_AFTER = prepare((db) =>
  db.select().from(auditLog).where(sql`${auditLog.seq} > ${sql.placeholder("after")}`).orderBy(asc(auditLog.seq)).limit(sql.placeholder("limit")),
);
const ENTRY_AT = preparedSql(sql`SELECT seq, hash FROM audit_log WHERE seq = ${sql.placeholder("seq")}`, (r) => (r.results[0] ?? null) as { seq: number; hash: string | null } | null);
// Every checkpoint beside the entry it names (null when that entry is gone), in one read.
const CHECKPOINTS = preparedSql(
  sql`SELECT c.seq, c.hash, c.payload, c.signature, a.hash AS entryHash FROM audit_checkpoints c LEFT JOIN audit_log a ON a.seq = c.seq ORDER BY c.seq`,
  (r) => r.results as { seq: number; hash: string; payload: string; signature: string; entryHash: string | null }[],
);
const VERIFY_PAGE = 1000;

export interface ChainCheck {
  ok: boolean;
  /** Entries whose hash was recomputed by this call. */
  checked: number;
  /** The first entry that does not hold: edited, out of its place, or missing where a checkpoint says it was. */
  firstBadSeq?: number;
  reason?: string;
  /** Signed checkpoints checked against the chain. */
  checkpoints: number;
  /** False when the time budget ran out: call again with `from` = `lastSeq`. */
  complete: boolean;
  lastSeq: number;
}

/**
 * Walks the chain from the entry after `from` (the genesis when 0), recomputing every hash and
 * link, then checks each signed checkpoint: its signature, and that the chain still holds the
 * entry it names with that hash (cutting the newest entries is caught by the last checkpoint).
 * Stops when the time budget is spent; a caller continues from `lastSeq`.
 */
export async function verifyAuditChain(db: DB, receiptKey: string, opts: { from?: number; budgetMs?: number } = {}): Promise<ChainCheck> {
  const d1 = db.$client;
  const started = Date.now();
  const budgetMs = opts.budgetMs ?? 20_000;
  let after = opts.from ?? 0;
  let prev = GENESIS;
  if (after > 0) {
    const start = await queryPrepared(d1, [ENTRY_AT, { seq: after }]);
    if (!start?.hash) return { ok: false, checked: 0, firstBadSeq: after, reason: "the entry to continue from is missing or unsealed", checkpoints: 0, complete: true, lastSeq: after };
    prev = start.hash;
  }
  let checked = 0;
  for (;;) {
    if (Date.now() - started >= budgetMs) return { ok: true, checked, checkpoints: 0, complete: false, lastSeq: after };
    const page = await queryPrepared(d1, [ENTRIES_AFTER, { after, limit: VERIFY_PAGE }]);
    for (const entry of page) {
      if (entry.hash === null) {
        return { ok: false, checked, firstBadSeq: entry.seq, reason: "an entry is not sealed (run maintenance first)", checkpoints: 0, complete: true, lastSeq: entry.seq };
      }
      if (entry.prevHash !== prev || (await entryHash(prev, entry)) !== entry.hash) {
        return { ok: false, checked, firstBadSeq: entry.seq, reason: entry.prevHash !== prev ? "its link to the entry before is broken" : "its content does not match its hash", checkpoints: 0, complete: true, lastSeq: entry.seq };
      }
      prev = entry.hash;
      after = entry.seq;
      checked += 1;
    }
    if (page.length < VERIFY_PAGE) break;
  }
  const { publicJwk } = await receiptKeysFor(receiptKey);
  const key = await crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: publicJwk.x, y: publicJwk.y }, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  const checkpoints = await queryPrepared(d1, [CHECKPOINTS, {}]);
  for (const checkpoint of checkpoints) {
    const signed = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, fromBase64Url(checkpoint.signature), new TextEncoder().encode(checkpoint.payload));
    const claims = JSON.parse(checkpoint.payload) as { seq: number; hash: string };
    if (!signed || claims.seq !== checkpoint.seq || claims.hash !== checkpoint.hash) {
      return { ok: false, checked, firstBadSeq: checkpoint.seq, reason: "a checkpoint's signature does not hold", checkpoints: checkpoints.length, complete: true, lastSeq: after };
    }
    if (checkpoint.entryHash !== checkpoint.hash) {
      return {
        ok: false,
        checked,
        firstBadSeq: checkpoint.seq,
        reason: checkpoint.entryHash ? "the entry a checkpoint names has another hash" : "entries a checkpoint names are gone (the log was cut)",
        checkpoints: checkpoints.length,
        complete: true,
        lastSeq: after,
      };
    }
  }
  return { ok: true, checked, checkpoints: checkpoints.length, complete: true, lastSeq: after };
}
