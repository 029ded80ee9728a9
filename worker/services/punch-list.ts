import { and, desc, eq, gte, lte, type SQL, sql } from "drizzle-orm";
import type { z } from "zod";
import { type AdminPunchesQuerySchema, MAX_PUNCH_EXPORT_DAYS } from "../../shared/api";
import { DAY_MS, localDateTime } from "../../shared/time";
import type { DB } from "../db/client";
import { employees, punches } from "../db/schema";
import type { Principal } from "../env";
import { ApiError } from "../errors";
import { afterKey } from "./cursor";
import { scopeCondition } from "./scope";

/** What the punch list (`GET /api/admin/punches`) is filtered by. */
export type PunchFilter = Pick<z.output<typeof AdminPunchesQuerySchema>, "from" | "to" | "employeeId" | "status" | "mode" | "reason">;

/** The principal's scope and each filter given, as conditions on `punches`. */
export function punchConditions(principal: Principal, q: PunchFilter): (SQL | undefined)[] {
  return [
    scopeCondition(principal, punches.employeeId),
    q.from === undefined ? undefined : gte(punches.effectiveTime, q.from),
    q.to === undefined ? undefined : lte(punches.effectiveTime, q.to),
    q.employeeId ? eq(punches.employeeId, q.employeeId) : undefined,
    q.status ? eq(punches.status, q.status) : undefined,
    // Flagged and rejected punches have an index of their own (punches_exceptions_idx), which SQLite
    // uses only when the query states its condition as written (a literal, not a bound value).
    q.status && q.status !== "accepted" ? sql`${punches.status} <> 'accepted'` : undefined,
    q.mode ? eq(punches.mode, q.mode) : undefined,
    // No index on reasons: checked row by row, within whatever the time range (and scope) narrow to.
    q.reason ? sql`EXISTS (SELECT 1 FROM json_each(${punches.reasons}) WHERE value = ${q.reason})` : undefined,
  ];
}

const MAX_SPAN_MS = MAX_PUNCH_EXPORT_DAYS * DAY_MS;

/**
 * The CSV export's time range: from and to both given, at most MAX_PUNCH_EXPORT_DAYS apart, or
 * 400 before the answer starts. Unbounded, a large company's export ran into D1's queries per
 * request in the middle of the file, after its 200 was sent.
 */
export function exportSpan(q: Pick<PunchFilter, "from" | "to">): { from: number; to: number } {
  const missing = (["from", "to"] as const).filter((key) => q[key] === undefined);
  if (q.from === undefined || q.to === undefined) {
    throw new ApiError(400, "VALIDATION_FAILED", `A CSV export needs from and to (epoch ms), at most ${MAX_PUNCH_EXPORT_DAYS} days apart.`, {
      issues: missing.map((path) => ({ path, message: "required with format=csv" })),
    });
  }
  if (q.to - q.from > MAX_SPAN_MS) {
    throw new ApiError(
      400,
      "VALIDATION_FAILED",
      `A CSV export covers at most ${MAX_PUNCH_EXPORT_DAYS} days: from and to must be at most ${MAX_PUNCH_EXPORT_DAYS} days (of 24 hours) apart. Export a longer time in parts.`,
      { issues: [{ path: "to", message: `at most ${MAX_PUNCH_EXPORT_DAYS} days after from` }] },
    );
  }
  return { from: q.from, to: q.to };
}

/**
 * Rows of the export read per query. A Worker makes at most 1,000 D1 queries a request (50 on
 * Workers Free); at 5,000 rows each that is past what one database holds (about 3.5 million
 * punches in 10 GB, 170,000 in 500 MB: docs/scale.md), in pages of about 2 MB.
 */
export const CSV_PAGE = 5000;

export const PUNCH_COLUMNS = [
  "id", "employeeId", "employeeName", "kind", "status", "mode", "effectiveTime", "localTime", "timezone", "clientTime", "receivedAt",
  "reasons", "lat", "lon", "accuracy", "locationError", "ip", "country", "review", "reviewComment", "note",
] as const;

// The columns a CSV row is made of: not the signed JSON, the assertion or the receipt.
const CSV_FIELDS = {
  id: punches.id,
  employeeId: punches.employeeId,
  employeeName: employees.name,
  kind: punches.kind,
  status: punches.status,
  mode: punches.mode,
  effectiveTime: punches.effectiveTime,
  tz: punches.tz,
  clientTime: punches.clientTime,
  receivedAt: punches.receivedAt,
  reasons: punches.reasons,
  geoLat: punches.geoLat,
  geoLon: punches.geoLon,
  geoAccuracy: punches.geoAccuracy,
  geoError: punches.geoError,
  ip: punches.ip,
  country: punches.country,
  reviewDecision: punches.reviewDecision,
  reviewComment: punches.reviewComment,
  note: punches.note,
};

/** One page of the export, newest first, after the row `after` (the keyset the JSON pages use). */
export function csvPage(db: DB, conditions: readonly (SQL | undefined)[], after?: { time: number; id: string }) {
  return db
    .select(CSV_FIELDS)
    .from(punches)
    .innerJoin(employees, eq(employees.id, punches.employeeId))
    .where(and(...conditions, after ? afterKey(after, punches.effectiveTime, punches.id) : undefined))
    .orderBy(desc(punches.effectiveTime), desc(punches.id))
    .limit(CSV_PAGE);
}

type CsvRow = Awaited<ReturnType<typeof csvPage>>[number];

/** A punch as a spreadsheet row: times as UTC ISO and local wall time in the punch's zone. */
function punchCells(row: CsvRow) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return [
    row.id, row.employeeId, row.employeeName, row.kind, row.status, row.mode, iso(row.effectiveTime), localDateTime(row.effectiveTime, row.tz), row.tz,
    iso(row.clientTime), iso(row.receivedAt), row.reasons.join(" "), row.geoLat, row.geoLon, row.geoAccuracy, row.geoError, row.ip, row.country,
    row.reviewDecision, row.reviewComment, row.note,
  ];
}

/** Every punch matching `conditions` as CSV cells, a page at a time. */
export async function* csvBatches(db: DB, conditions: readonly (SQL | undefined)[]) {
  let after: { time: number; id: string } | undefined;
  for (;;) {
    const rows = await csvPage(db, conditions, after);
    const last = rows[rows.length - 1];
    if (!last) return;
    yield rows.map(punchCells);
    if (rows.length < CSV_PAGE) return;
    after = { time: last.effectiveTime, id: last.id };
  }
}
