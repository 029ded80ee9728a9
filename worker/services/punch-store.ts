import { getTableColumns, type SQL, sql } from "drizzle-orm";
import { batchableRun, type DB } from "../db/client";
import canonicalize from "canonicalize";
import type { PunchMode, ReceiptPayload } from "../../shared/api";
import { sha256, toBase64Url } from "../../shared/encoding";
import type { PunchKind } from "../../shared/punch";
import type { PunchVerdict } from "../../shared/rules";
import { localDate } from "../../shared/time";
import { type Bound, prepare } from "../db/prepared";
import { punches } from "../db/schema";
import { signReceipt } from "./crypto";

// Every punch is written the same way, whatever its mode: a signed punch from the extension, a
// correction someone approved, a punch an admin entered. Each gets a receipt signed with the
// server's key over the same payload, so a punch is a punch for the day summaries, the
// timesheets, the verifier and the employee's receipts alike.

export type PunchInsert = typeof punches.$inferInsert;

const PUNCH_COLUMNS = Object.keys(getTableColumns(punches)) as (keyof PunchInsert)[];
// Built once per isolate (db/prepared.ts). ON CONFLICT DO NOTHING: a lost idempotency race writes
// nothing (and so no audit entry from the insert trigger).
const PUNCH_INSERT = prepare((db) =>
  db
    .insert(punches)
    .values(Object.fromEntries(PUNCH_COLUMNS.map((key) => [key, sql.placeholder(key)])) as unknown as PunchInsert)
    .onConflictDoNothing(),
);

/** The insert of one punch row, to batch with the rest of a request's writes. */
export function punchInsert(row: PunchInsert): Bound {
  const values: Record<string, unknown> = {};
  for (const key of PUNCH_COLUMNS) values[key] = row[key] ?? null;
  values.reasons ??= [];
  return [PUNCH_INSERT, values];
}

/**
 * The insert of one punch row that only happens if `condition` holds after the batch's earlier
 * statements (a correction still pending when it is approved): the same columns, encoded as
 * drizzle encodes them, as `punchInsert`.
 */
export function punchInsertWhen(db: DB, row: PunchInsert, condition: SQL) {
  const columns = getTableColumns(punches);
  const keys = PUNCH_COLUMNS.filter((key) => row[key] !== undefined && row[key] !== null);
  const names = sql.raw(keys.map((key) => `"${columns[key].name}"`).join(", "));
  const values = sql.join(
    keys.map((key) => sql`${columns[key].mapToDriverValue(row[key] as never)}`),
    sql`, `,
  );
  return batchableRun(db, sql`INSERT INTO punches (${names}) SELECT ${values} WHERE ${condition}`);
}

/** The receipt of a punch: the canonical payload and its ES256 signature with RECEIPT_KEY. */
export async function receiptFor(receiptKey: string, receipt: ReceiptPayload): Promise<{ payload: string; signature: string }> {
  const payload = canonicalize(receipt)!;
  return { payload, signature: await signReceipt(receiptKey, payload) };
}

/**
 * The row of a punch a person made happen: an approved correction or a manual entry. Nothing was
 * signed by a passkey, so its hash covers the statement of who entered what, and why.
 */
export async function personPunchRow(
  receiptKey: string,
  p: {
    id: string;
    employeeId: string;
    kind: PunchKind;
    time: number;
    /** The employee's zone (their schedule's), for the punch's local date. */
    tz: string;
    mode: Extract<PunchMode, "correction" | "manual">;
    createdBy: string;
    correctionId: string | null;
    note: string | null;
    now: number;
  },
): Promise<PunchInsert> {
  const verdict: PunchVerdict = { status: "accepted", reasons: [] };
  const statement = canonicalize({ v: 1, id: p.id, employeeId: p.employeeId, kind: p.kind, time: p.time, mode: p.mode, by: p.createdBy, correctionId: p.correctionId, note: p.note })!;
  const punchHash = toBase64Url(await sha256(statement));
  const receipt = await receiptFor(receiptKey, {
    v: 1,
    punchId: p.id,
    employeeId: p.employeeId,
    kind: p.kind,
    mode: p.mode,
    status: verdict.status,
    reasons: verdict.reasons,
    effectiveTime: p.time,
    receivedAt: p.now,
    punchHash,
  });
  return {
    id: p.id,
    employeeId: p.employeeId,
    deviceId: null,
    source: p.mode,
    kind: p.kind,
    clientTime: p.time,
    tz: p.tz,
    effectiveTime: p.time,
    receivedAt: p.now,
    localDate: localDate(p.time, p.tz),
    mode: p.mode,
    status: verdict.status,
    reasons: verdict.reasons,
    punchHash,
    receiptPayload: receipt.payload,
    receiptSignature: receipt.signature,
    createdBy: p.createdBy,
    correctionId: p.correctionId,
    note: p.note,
  };
}
