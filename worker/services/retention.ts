import { and, asc, eq, getTableColumns, isNull, lt, sql } from "drizzle-orm";
import { sha256, toBase64Url } from "../../shared/encoding";
import { DAY_MS } from "../../shared/time";
import type { RetentionPolicy } from "../../shared/settings";
import type { DB } from "../db/client";
import { batchPrepared, type Bound, preparedSql, queryPrepared, rowAsJson } from "../db/prepared";
import { archiveParts, corrections, devices, employeeLocations, employees, punches } from "../db/schema";
import { auditInsert } from "./audit";
import { policyFrom, policyQuery } from "./policy";

// Personal data is kept only as long as the company's retention settings say (PIPL-style
// minimisation). Each run does a bounded page of each kind of work and the next run carries on,
// so a Worker's time limit is never reached however large the backlog:
//   location: a punch's coordinates, their accuracy and the signed JSON (which holds them);
//     the signature still verifies over the punch's hash, which stays with the assertion;
//   IP: the address and what was derived from it (place, network, edge), but the country;
//   evidence: correction files in R2 (their names and types stay);
//   punches: whole months older than punchMonths move to R2 as NDJSON (numbered parts when a
//     month is large), each part written, read back and checked before its rows leave D1; a month
//     goes only once it is also past locationDays and ipDays, and its lines are written without
//     what those erase, so nothing that retention erases outlives it in R2;
//   people: deactivated employees past punchMonths lose their name, email and approved places.

export interface RetentionReport {
  locationErased: number;
  ipErased: number;
  evidenceErased: number;
  /** What this run moved to R2: the last part it wrote (month, part number) and the punches in all its parts. */
  archived: { month: string; part: number; punches: number } | null;
  anonymized: number;
  /** Some kind of work was left for the next run. */
  more: boolean;
}

export const RETENTION_PAGE = 1000;
/** Punches per archive part: a part is held in memory (about 2 KB a punch, a few copies) while it is written and checked. */
export const ARCHIVE_PAGE = 5_000;
/** What retention erases from a punch (stored columns by their row keys), absent from archived lines. */
const LOCATION_KEYS = ["geoLat", "geoLon", "geoAccuracy", "signedPunch"] as const;
const IP_KEYS = ["ip", "ipLat", "ipLon", "city", "region", "asn", "colo"] as const;
const ERASED_IN_ARCHIVE = [...LOCATION_KEYS, ...IP_KEYS] as const;
const MONTH_DAYS = 30;

/**
 * The erase passes walk the punches once, in (time, id) order, a page of rows at a time, from
 * where the last page ended (retention_progress) to the cutoff, clearing what each row still
 * holds. No index of "rows still holding data" is kept for them: every punch would write one (D1
 * bills each index entry as a row). A punch stored at or behind a walk's position (signed offline
 * before it, or stored while a run with a later clock went past) is erased as it is stored, by
 * the database (migration 0014), so nothing lands behind a walk with data to erase.
 */
const ERASED = { location: LOCATION_KEYS, ip: IP_KEYS } as const;
type Erasure = keyof typeof ERASED;
const columnsOf = (kind: Erasure) => ERASED[kind].map((key) => `"${getTableColumns(punches)[key].name}"`);

/** The next page of rows a pass walks: after its progress, before its cutoff. */
const erasePage = (kind: Erasure) => {
  // Scalar subqueries, not a join: the page then streams down the time index (only equal times sorted by id).
  const after = (column: string, none: string) => sql.raw(`coalesce((SELECT ${column} FROM retention_progress WHERE kind = '${kind}'), ${none})`);
  return sql`WITH page AS (
      SELECT p.id, p.effective_time FROM punches p
      WHERE p.effective_time >= ${after("after_time", "-1")} AND (p.effective_time > ${after("after_time", "-1")} OR p.id > ${after("after_id", "''")})
        AND p.effective_time < ${sql.placeholder("cutoff")}
      ORDER BY p.effective_time, p.id LIMIT ${sql.placeholder("page")})`;
};

function erasePass(kind: Erasure) {
  const page = erasePage(kind);
  return {
    walked: preparedSql(sql`${page} SELECT count(*) AS n FROM page`, (r) => (r.results[0] as { n: number }).n),
    erase: preparedSql(
      sql`${page} UPDATE punches SET ${sql.raw(columnsOf(kind).map((c) => `${c} = NULL`).join(", "))}
        WHERE id IN (SELECT id FROM page) AND (${sql.raw(columnsOf(kind).map((c) => `${c} IS NOT NULL`).join(" OR "))})`,
      (r) => r.meta.changes,
    ),
    advance: preparedSql(
      sql`${page} INSERT INTO retention_progress (kind, after_time, after_id)
        SELECT ${sql.raw(`'${kind}'`)}, effective_time, id FROM page ORDER BY effective_time DESC, id DESC LIMIT 1
        ON CONFLICT (kind) DO UPDATE SET after_time = excluded.after_time, after_id = excluded.after_id`,
      (r) => r.meta.changes,
    ),
  };
}
const PASSES = { location: erasePass("location"), ip: erasePass("ip") };

const OLDEST_PUNCH = preparedSql(sql`SELECT min(effective_time) AS t FROM punches`, (r) => ((r.results[0] as { t: number | null } | undefined)?.t ?? null));
// A month's remaining punches grouped by employee: each employee's punches are one range of the
// (employee, time) index, visited employee by employee, so nothing is sorted.
const MONTH_PAGE = preparedSql(
  sql`SELECT ${rowAsJson(punches, "p")} AS row FROM employees e JOIN punches p ON p.employee_id = e.id
    AND p.effective_time >= ${sql.placeholder("from")} AND p.effective_time < ${sql.placeholder("to")}
    ORDER BY e.id, p.effective_time, p.id LIMIT ${sql.placeholder("page")}`,
  (r) => (r.results as { row: string }[]).map((x) => x.row),
);
// A part's key names its content (its digest), and the part is recorded only while every one of
// its punches is still in D1; its index rows and the deletion of its punches follow the record.
// Two runs at once (the cron and a maintenance call) then archive a page once: the later run
// either writes the same part (same key, nothing new) or finds its punches gone and records none.
const PART_INSERT = preparedSql(
  sql`INSERT INTO archive_parts (month, part, key, punches, bytes, sha256, created_at)
    SELECT ${sql.placeholder("month")}, ${sql.placeholder("part")}, ${sql.placeholder("key")}, ${sql.placeholder("punches")}, ${sql.placeholder("bytes")},
      ${sql.placeholder("sha256")}, ${sql.placeholder("createdAt")}
    WHERE (SELECT count(*) FROM punches WHERE id IN (SELECT value FROM json_each(${sql.placeholder("ids")}))) = ${sql.placeholder("punches")}
    ON CONFLICT DO NOTHING`,
  (r) => r.meta.changes,
);
const RECORDED = sql`EXISTS (SELECT 1 FROM archive_parts WHERE key = ${sql.placeholder("key")})`;
const DELETE_PUNCHES = preparedSql(
  sql`DELETE FROM punches WHERE id IN (SELECT value FROM json_each(${sql.placeholder("ids")})) AND ${RECORDED}`,
  (r) => r.meta.changes,
);
const INDEX_INSERT = preparedSql(
  sql`INSERT INTO archive_index (employee_id, month, key, offset, length, punches)
    SELECT json_extract(value, '$[0]'), ${sql.placeholder("month")}, ${sql.placeholder("key")}, json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]')
    FROM json_each(${sql.placeholder("ranges")}) WHERE ${RECORDED}
    ON CONFLICT DO NOTHING`,
  (r) => r.meta.changes,
);
const KEY_RECORDED = preparedSql(sql`SELECT ${RECORDED} AS recorded`, (r) => Boolean((r.results[0] as { recorded: number } | undefined)?.recorded));

/** The UTC month (`YYYY-MM`) of an instant, and its bounds. */
export function monthOf(ms: number): { month: string; from: number; to: number } {
  const d = new Date(ms);
  const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { month: new Date(from).toISOString().slice(0, 7), from, to };
}

/** Where a month's parts and manifest live in R2: a part's key ends with (the start of) its digest, so different contents never share a key. */
export const archiveKey = (month: string, part: number, digest: string) =>
  `archive/punches/${month}/part-${String(part).padStart(4, "0")}-${digest.slice(0, 16)}.ndjson`;
export const manifestKey = (month: string) => `archive/punches/${month}/manifest.json`;

async function hashBytes(bytes: Uint8Array): Promise<string> {
  return toBase64Url(await sha256(bytes));
}

/**
 * Moves the next part of the oldest month that is entirely older than `punchMonths` to R2. The
 * part is written, read back and compared before its punches are deleted from D1, in one batch
 * with its index rows; the month's manifest lists every part with its SHA-256.
 */
async function archiveNextPart(db: DB, bucket: R2Bucket, retention: RetentionPolicy, now: number, page: number) {
  const d1 = db.$client;
  const oldest = await queryPrepared(d1, [OLDEST_PUNCH, {}]);
  if (oldest === null) return null;
  const month = monthOf(oldest);
  // Past punchMonths, and past the erasure ages too: what they erase must not reach R2 first.
  const keepFrom = monthOf(Math.min(now - retention.punchMonths * MONTH_DAYS * DAY_MS, now - retention.locationDays * DAY_MS, now - retention.ipDays * DAY_MS)).from;
  if (month.to > keepFrom) return null;

  const rows = await queryPrepared(d1, [MONTH_PAGE, { from: month.from, to: month.to, page }]);
  if (rows.length === 0) return null;
  const [{ n: done }] = (await db.select({ n: sql<number>`count(*)` }).from(archiveParts).where(eq(archiveParts.month, month.month))) as [{ n: number }];
  const part = done + 1;

  // Lines are stored rows (every column), one employee's together: their byte ranges index the part.
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const ranges = new Map<string, [string, number, number, number]>();
  const ids: string[] = [];
  let offset = 0;
  for (const stored of rows) {
    const row = JSON.parse(stored) as Record<string, unknown> & { id: string; employeeId: string };
    // The whole month is past both erasure ages: whatever the erase pages have not reached yet goes now.
    for (const key of ERASED_IN_ARCHIVE) if (key in row) row[key] = null;
    const line = encoder.encode(`${JSON.stringify(row)}\n`);
    const { id, employeeId } = row;
    ids.push(id);
    const range = ranges.get(employeeId) ?? [employeeId, offset, 0, 0];
    range[2] += line.byteLength;
    range[3] += 1;
    ranges.set(employeeId, range);
    chunks.push(line);
    offset += line.byteLength;
  }
  const bytes = new Uint8Array(offset);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  const digest = await hashBytes(bytes);
  const key = archiveKey(month.month, part, digest);
  await bucket.put(key, bytes, { httpMetadata: { contentType: "application/x-ndjson" }, sha256: await crypto.subtle.digest("SHA-256", bytes) });
  const back = await bucket.get(key);
  if (!back || (await hashBytes(new Uint8Array(await back.arrayBuffer()))) !== digest) {
    throw new Error(`archive part ${key} did not read back as written; nothing was deleted`);
  }

  // One transaction: the part is recorded, indexed, and its punches leave D1, or none of it.
  const statements: Bound[] = [
    [PART_INSERT, { month: month.month, part, key, punches: rows.length, bytes: bytes.byteLength, sha256: digest, createdAt: now, ids: JSON.stringify(ids) }],
  ];
  for (let i = 0; i < ids.length; i += 2000) statements.push([DELETE_PUNCHES, { ids: JSON.stringify(ids.slice(i, i + 2000)), key }]);
  const rangeList = [...ranges.values()];
  for (let i = 0; i < rangeList.length; i += 2000) statements.push([INDEX_INSERT, { month: month.month, key, ranges: JSON.stringify(rangeList.slice(i, i + 2000)) }]);
  const [recorded] = await batchPrepared(d1, statements);
  if (recorded!.meta.changes === 0) {
    // Another run archived these punches meanwhile: this run's copy goes, unless it is that run's part.
    if (!(await queryPrepared(d1, [KEY_RECORDED, { key }]))) await bucket.delete(key);
    return null;
  }

  const parts = await db.select().from(archiveParts).where(eq(archiveParts.month, month.month)).orderBy(asc(archiveParts.part));
  const manifest = {
    v: 1,
    month: month.month,
    complete: rows.length < page,
    punches: parts.reduce((n, p) => n + p.punches, 0),
    parts: parts.map((p) => ({ part: p.part, key: p.key, punches: p.punches, bytes: p.bytes, sha256: p.sha256 })),
  };
  await bucket.put(manifestKey(month.month), JSON.stringify(manifest, null, 2), { httpMetadata: { contentType: "application/json" } });
  return { month: month.month, part, punches: rows.length, more: rows.length === page };
}

/** How long one run keeps taking pages of erasure and archive parts (a scheduled run may take minutes; this leaves room for the rest of maintenance). */
export const RETENTION_BUDGET_MS = 15_000;

/**
 * One run of retention, and an audit entry with what it did: pages of erasure and archive parts
 * while there are any and the time budget lasts (at least one of each: a company's day of punches
 * is more than one page), a page of evidence and of leavers.
 */
export async function runRetention(
  db: DB,
  bucket: R2Bucket,
  now: number,
  opts: { page?: number; archivePage?: number; budgetMs?: number } = {},
): Promise<RetentionReport> {
  const page = opts.page ?? RETENTION_PAGE;
  const started = Date.now();
  const withinBudget = () => Date.now() - started < (opts.budgetMs ?? RETENTION_BUDGET_MS);
  const d1 = db.$client;
  const { retention } = policyFrom(await policyQuery(db));
  const report: RetentionReport = { locationErased: 0, ipErased: 0, evidenceErased: 0, archived: null, anonymized: 0, more: false };
  const cutoffs: Record<Erasure, number> = { location: now - retention.locationDays * DAY_MS, ip: now - retention.ipDays * DAY_MS };
  let erasing: boolean;
  do {
    // Per pass: how many rows the page holds, the erasure, the walk's new position; one transaction.
    const statements = (["location", "ip"] as const).flatMap((kind): Bound[] => {
      const values = { cutoff: cutoffs[kind], page };
      return [[PASSES[kind].walked, values], [PASSES[kind].erase, values], [PASSES[kind].advance, values]];
    });
    const [locationWalked, location, , ipWalked, ip] = await batchPrepared(d1, statements);
    report.locationErased += location!.meta.changes;
    report.ipErased += ip!.meta.changes;
    erasing = PASSES.location.walked.map(locationWalked!) === page || PASSES.ip.walked.map(ipWalked!) === page;
  } while (erasing && withinBudget());
  report.more = erasing;

  // Evidence files: deleted from R2, then marked in D1 (a mark without files is retried harmlessly).
  const old = await db
    .select({ id: corrections.id, evidence: corrections.evidence })
    .from(corrections)
    .where(and(sql`${corrections.evidence} <> '[]'`, isNull(corrections.evidenceErasedAt), lt(corrections.createdAt, now - retention.evidenceDays * DAY_MS)))
    .orderBy(asc(corrections.createdAt))
    .limit(page);
  if (old.length > 0) {
    const keys = old.flatMap((c) => c.evidence.map((e) => e.key));
    for (let i = 0; i < keys.length; i += 1000) await bucket.delete(keys.slice(i, i + 1000));
    await db.update(corrections).set({ evidenceErasedAt: now }).where(sql`${corrections.id} IN (SELECT value FROM json_each(${JSON.stringify(old.map((c) => c.id))}))`);
    report.evidenceErased = old.length;
    report.more ||= old.length === page;
  }

  let archived: Awaited<ReturnType<typeof archiveNextPart>> = null;
  do {
    archived = await archiveNextPart(db, bucket, retention, now, opts.archivePage ?? ARCHIVE_PAGE);
    if (archived) report.archived = { month: archived.month, part: archived.part, punches: (report.archived?.punches ?? 0) + archived.punches };
  } while (archived && withinBudget());
  // Stopped by the budget with a part written: there may be more.
  if (archived) report.more = true;

  // People who left long ago: their name and email go; their records stay, under their id.
  const leavers = await db
    .select({ id: employees.id })
    .from(employees)
    .where(and(eq(employees.active, false), isNull(employees.anonymizedAt), lt(employees.updatedAt, now - retention.punchMonths * MONTH_DAYS * DAY_MS)))
    .limit(page);
  if (leavers.length > 0) {
    const list = JSON.stringify(leavers.map((l) => l.id));
    await db.batch([
      db
        .update(employees)
        .set({ name: "Former employee", email: sql`'former-' || ${employees.id} || '@anonymized.invalid'`, anonymizedAt: now })
        .where(sql`${employees.id} IN (SELECT value FROM json_each(${list}))`),
      db.update(devices).set({ label: null }).where(sql`${devices.employeeId} IN (SELECT value FROM json_each(${list}))`),
      // An approved place is usually a home address.
      db.delete(employeeLocations).where(sql`${employeeLocations.employeeId} IN (SELECT value FROM json_each(${list}))`),
    ]);
    report.anonymized = leavers.length;
    report.more ||= leavers.length === page;
  }

  await auditInsert(db, { action: "retention.ran", at: now, actor: { type: "system" }, subjectType: "retention", data: { ...report } });
  return report;
}
