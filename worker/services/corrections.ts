import { and, eq, gte, inArray, like, lte, sql } from "drizzle-orm";
import type { z } from "zod";
import { type CorrectionRequestSchema, EVIDENCE_TYPES, type StoredEvidence } from "../../shared/api";
import { detectEvidenceType } from "../../shared/evidence";
import { addDays, workDateOf } from "../../shared/schedule";
import type { CorrectionPolicy } from "../../shared/settings";
import { DAY_MS } from "../../shared/time";
import type { DB } from "../db/client";
import { corrections, employees, holidays, schedules } from "../db/schema";
import type { Principal } from "../env";
import { ApiError, isUniqueViolation, RateLimitedError, StorageUnavailableError } from "../errors";
import { auditInsert, auditInsertWhen } from "./audit";
import { newId, randomToken } from "./crypto";
import { policyFrom, policyQuery } from "./policy";
import { toSchedule } from "./records";
import { employeeSchedule, employeeZone, holidayCalendar } from "./rule-context";
import { personPunchRow, punchInsertWhen } from "./punch-store";
import { assertCanWrite, scopeCondition } from "./scope";

type CorrectionFields = z.infer<typeof CorrectionRequestSchema>;

/** Requests an employee may file in a day, whatever becomes of them (cancelled ones too). */
export const CORRECTION_FILINGS_PER_DAY = 10;

/** An uploaded file before it is checked. */
export interface EvidenceUpload {
  name: string;
  bytes: Uint8Array;
}

/**
 * Checks the evidence files against the policy and judges each one's type by its first bytes:
 * 413 for too many or too large, 415 for anything but PNG, JPEG, WebP or PDF, whatever its name
 * or declared type say. Nothing is stored here.
 */
export function checkEvidence(files: readonly EvidenceUpload[], policy: CorrectionPolicy): (EvidenceUpload & { type: (typeof EVIDENCE_TYPES)[number] })[] {
  if (files.length > policy.maxFiles) {
    throw new ApiError(413, "PAYLOAD_TOO_LARGE", `At most ${policy.maxFiles} files can be attached to a request.`);
  }
  return files.map((file) => {
    if (file.bytes.byteLength > policy.maxFileBytes) {
      throw new ApiError(413, "PAYLOAD_TOO_LARGE", `“${file.name}” is larger than ${Math.floor(policy.maxFileBytes / 1024)} KiB.`);
    }
    const type = detectEvidenceType(file.bytes.subarray(0, 16));
    if (!type) {
      throw new ApiError(415, "EVIDENCE_TYPE_NOT_ALLOWED", `“${file.name}” is not a PNG, JPEG, WebP or PDF file.`, { allowed: EVIDENCE_TYPES });
    }
    return { ...file, type };
  });
}

/** What a new request is checked against, in one batched read. */
async function filingContext(db: DB, employeeId: string, fields: CorrectionFields, now: number) {
  const month = fields.date.slice(0, 7);
  const [[employee], settingsRows, scheduleRows, holidayRows, [monthly], [today]] = await db.batch([
    db.select().from(employees).where(eq(employees.id, employeeId)),
    policyQuery(db),
    db
      .select()
      .from(schedules)
      .where(inArray(schedules.id, db.select({ id: employees.scheduleId }).from(employees).where(eq(employees.id, employeeId)))),
    db
      .select({ date: holidays.date, name: holidays.name })
      .from(holidays)
      .where(and(gte(holidays.date, addDays(fields.date, -2)), lte(holidays.date, addDays(fields.date, 2)))),
    db
      .select({ n: sql<number>`count(*)` })
      .from(corrections)
      .where(and(eq(corrections.employeeId, employeeId), like(corrections.date, `${month}-%`), inArray(corrections.status, ["pending", "approved"]))),
    db
      .select({ n: sql<number>`count(*)` })
      .from(corrections)
      .where(and(eq(corrections.employeeId, employeeId), gte(corrections.createdAt, now - DAY_MS))),
  ]);
  const policy = policyFrom(settingsRows);
  const { schedule, tz } = employeeSchedule(employee!, new Map(scheduleRows.map((r) => [r.id, toSchedule(r)])), policy);
  return { policy, schedule, tz, calendar: holidayCalendar(holidayRows), monthly: monthly?.n ?? 0, today: today?.n ?? 0 };
}

/**
 * Files an employee's correction request. Everything is checked before anything is stored: the
 * claimed time must belong to the given work date in the employee's zone (the next morning
 * counts for an overnight shift), within the window and not in the future; the month's limit and
 * a pending duplicate refuse it; the evidence is judged. Then the files go to R2 under random keys
 * and the request and its audit entry to D1 in one batch; if that batch fails, the files are
 * removed again.
 */
export async function fileCorrection(
  db: DB,
  bucket: R2Bucket,
  opts: { employeeId: string; fields: CorrectionFields; files: readonly EvidenceUpload[]; ip: string | null; now: number },
) {
  const { fields, now } = opts;
  const ctx = await filingContext(db, opts.employeeId, fields, now);
  const { policy } = ctx;
  if (workDateOf(ctx.schedule, fields.time, ctx.tz, ctx.calendar) !== fields.date) {
    throw new ApiError(400, "VALIDATION_FAILED", `The time is not on ${fields.date} in your time zone (${ctx.tz}).`, {
      issues: [{ path: "time", message: `must fall on ${fields.date} in ${ctx.tz}` }],
    });
  }
  const today = workDateOf(ctx.schedule, now, ctx.tz, ctx.calendar);
  if (fields.time > now || fields.date > today || fields.date < addDays(today, -policy.corrections.windowDays)) {
    throw new ApiError(422, "CORRECTION_OUT_OF_WINDOW", `Corrections can be requested for the past ${policy.corrections.windowDays} days, not for the future.`, {
      windowDays: policy.corrections.windowDays,
    });
  }
  if (ctx.monthly >= policy.corrections.monthlyLimit) {
    throw new ApiError(429, "CORRECTION_LIMIT_REACHED", `You have used your ${policy.corrections.monthlyLimit} correction requests for ${fields.date.slice(0, 7)}.`, {
      monthlyLimit: policy.corrections.monthlyLimit,
    });
  }
  if (ctx.today >= CORRECTION_FILINGS_PER_DAY) {
    throw new RateLimitedError(DAY_MS, "You have filed many requests today. Try again tomorrow.");
  }
  const files = checkEvidence(opts.files, policy.corrections);

  const id = newId();
  const evidence: StoredEvidence[] = files.map((f) => ({ id: newId(), name: f.name.slice(0, 200), type: f.type, size: f.bytes.byteLength, key: `evidence/${randomToken(18)}` }));
  const row = {
    id,
    employeeId: opts.employeeId,
    date: fields.date,
    kind: fields.kind,
    time: fields.time,
    reason: fields.reason,
    status: "pending" as const,
    evidence,
    createdAt: now,
    decidedAt: null,
    decidedBy: null,
    comment: null,
    punchId: null,
    evidenceErasedAt: null,
  };
  const uploads = await Promise.allSettled(
    files.map((f, i) =>
      bucket.put(evidence[i]!.key, f.bytes, {
        httpMetadata: { contentType: f.type },
        customMetadata: { correctionId: id, employeeId: opts.employeeId },
      }),
    ),
  );
  const failed = uploads.find((u): u is PromiseRejectedResult => u.status === "rejected");
  if (failed) {
    // Whatever did reach R2 goes again: a refused request leaves nothing behind.
    await bucket.delete(evidence.map((e) => e.key)).catch(() => undefined);
    throw new StorageUnavailableError(failed.reason);
  }
  try {
    await db.batch([
      db.insert(corrections).values(row),
      auditInsert(db, {
        action: "correction.requested",
        at: now,
        actor: { type: "employee", id: opts.employeeId },
        subjectType: "correction",
        subjectId: id,
        data: { date: fields.date, kind: fields.kind, time: fields.time, reason: fields.reason, evidence: evidence.map(({ key: _key, ...e }) => e) },
        // No address: the log keeps one for sign-ins, enrolments and the console's changes (security records), not for an employee's own requests.
      }),
    ]);
  } catch (err) {
    await bucket.delete(evidence.map((e) => e.key)).catch(() => undefined);
    if (isUniqueViolation(err)) {
      throw new ApiError(409, "CORRECTION_DUPLICATE", `You already have a pending request to add the ${fields.kind === "in" ? "clock-in" : "clock-out"} of ${fields.date}.`);
    }
    throw err;
  }
  return row;
}

/** Cancels the employee's own pending request; its files are deleted (nobody will look at them). */
export async function cancelCorrection(db: DB, bucket: R2Bucket, opts: { employeeId: string; id: string; ip: string | null; now: number }) {
  const [current] = await db
    .select()
    .from(corrections)
    .where(and(eq(corrections.id, opts.id), eq(corrections.employeeId, opts.employeeId)))
    .limit(1);
  if (!current) throw new ApiError(404, "NOT_FOUND", "No such correction request.");
  const [updated] = await db.batch([
    db
      .update(corrections)
      .set({ status: "cancelled", decidedAt: opts.now, decidedBy: opts.employeeId, evidenceErasedAt: opts.now })
      .where(and(eq(corrections.id, current.id), eq(corrections.status, "pending")))
      .returning(),
    auditInsertWhen(
      db,
      { action: "correction.cancelled", at: opts.now, actor: { type: "employee", id: opts.employeeId }, subjectType: "correction", subjectId: current.id },
      sql`EXISTS (SELECT 1 FROM corrections WHERE id = ${current.id} AND status = 'cancelled' AND decided_at = ${opts.now})`,
    ),
  ]);
  if (updated.length === 0) throw alreadyDecided();
  if (current.evidence.length > 0) await bucket.delete(current.evidence.map((e) => e.key)).catch(() => undefined);
}

export function alreadyDecided() {
  return new ApiError(409, "CORRECTION_ALREADY_DECIDED", "This request has already been decided or cancelled.");
}

/** Nobody decides their own request or reviews their own punch. */
export function refuseOwn(principal: Principal, employeeId: string, what: string) {
  if (principal.type === "employee" && principal.id === employeeId) throw new ApiError(403, "FORBIDDEN", `You cannot decide ${what} of your own.`);
}

/** The correction with its employee's role and zone, within the principal's scope (404 otherwise). */
export async function loadCorrection(db: DB, principal: Principal, id: string) {
  const [row] = await db
    .select({ correction: corrections, role: employees.role, timezone: employees.timezone, scheduleId: employees.scheduleId })
    .from(corrections)
    .innerJoin(employees, eq(employees.id, corrections.employeeId))
    .where(and(eq(corrections.id, id), scopeCondition(principal, corrections.employeeId)))
    .limit(1);
  if (!row) throw new ApiError(404, "NOT_FOUND", "No such correction request.");
  return row;
}

/**
 * Approves or rejects a pending request. An approval adds the punch (mode `correction`, accepted,
 * at the claimed time) in the same batch as the decision, linked both ways. Every write is
 * conditional on the request still being pending: of two decisions at once, one wins, and the
 * other writes nothing (no punch, no audit entry) and answers 409.
 */
export async function decideCorrection(
  db: DB,
  env: Pick<Env, "RECEIPT_KEY">,
  principal: Principal,
  opts: { id: string; approve: boolean; comment: string; ip: string | null; now: number },
) {
  const { correction, role, timezone, scheduleId } = await loadCorrection(db, principal, opts.id);
  const employee = { id: correction.employeeId, timezone, scheduleId };
  refuseOwn(principal, correction.employeeId, "a request");
  await assertCanWrite(db, principal, { id: correction.employeeId, role });
  if (correction.status !== "pending") throw alreadyDecided();

  const punchId = opts.approve ? newId() : null;
  const decided = sql`EXISTS (SELECT 1 FROM corrections WHERE id = ${correction.id} AND decided_at = ${opts.now} AND decided_by = ${principal.id}
    AND status = ${opts.approve ? "approved" : "rejected"} AND punch_id IS ${punchId})`;
  const statements = [];
  statements.push(
    db
      .update(corrections)
      .set({ status: opts.approve ? "approved" : "rejected", decidedAt: opts.now, decidedBy: principal.id, comment: opts.comment, punchId })
      .where(and(eq(corrections.id, correction.id), eq(corrections.status, "pending")))
      .returning(),
  );
  if (punchId) {
    const tz = await employeeZone(db, employee);
    const row = await personPunchRow(env.RECEIPT_KEY, {
      id: punchId,
      employeeId: correction.employeeId,
      kind: correction.kind,
      time: correction.time,
      tz,
      mode: "correction",
      createdBy: principal.id,
      correctionId: correction.id,
      note: correction.reason,
      now: opts.now,
    });
    statements.push(punchInsertWhen(db, row, decided));
  }
  statements.push(
    auditInsertWhen(
      db,
      {
        action: opts.approve ? "correction.approved" : "correction.rejected",
        at: opts.now,
        actor: principal,
        subjectType: "correction",
        subjectId: correction.id,
        data: { employeeId: correction.employeeId, date: correction.date, kind: correction.kind, time: correction.time, comment: opts.comment, punchId },
        ip: opts.ip,
      },
      decided,
    ),
  );
  const [updated] = (await db.batch(statements as unknown as Parameters<typeof db.batch>[0])) as unknown as [(typeof corrections.$inferSelect)[]];
  if (updated.length === 0) throw alreadyDecided();
  return updated[0]!;
}
