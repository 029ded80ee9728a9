import { and, asc, desc, eq, gte, isNull, lte, type SQL, sql } from "drizzle-orm";
import { Hono } from "hono";
import {
  ProofPageSchema,
  ProofsQuerySchema,
  AdminPunchDetailSchema,
  AdminPunchPageSchema,
  AdminPunchesQuerySchema,
  IdParamSchema,
  ManualPunchRequestSchema,
  MAX_PUNCH_EXPORT_DAYS,
  PunchResponseRecordSchema,
  PunchReviewRequestSchema,
} from "../../../shared/api";
import { FUTURE_TOLERANCE_MS } from "../../../shared/bracket";
import type { ErrorCode } from "../../../shared/errors";
import { devices, employees, punches } from "../../db/schema";
import { csvHeaders, csvStream, primed } from "../../services/csv";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi";
import { auditInsertWhen } from "../../services/audit";
import { hashSecret, newId } from "../../services/crypto";
import { refuseOwn } from "../../services/corrections";
import { afterCursor, decodeCursor, pageOf } from "../../services/cursor";
import { coseToJwk } from "../../services/webauthn";
import { csvBatches, exportSpan, PUNCH_COLUMNS, punchConditions } from "../../services/punch-list";
import { personPunchRow, punchInsertWhen } from "../../services/punch-store";
import { toDevice, toPunchRecord } from "../../services/records";
import { clientIp } from "../../services/request";
import { employeeZone } from "../../services/rule-context";
import { assertCanWrite, scopeCondition } from "../../services/scope";
import { validate } from "../../validation";

const ERRORS: ErrorCode[] = ["UNAUTHENTICATED", "FORBIDDEN", "VALIDATION_FAILED"];

/** The employee a punch or a new manual punch is for, within the principal's scope (404 otherwise). */
async function loadEmployee(db: AppEnv["Variables"]["db"], principal: AppEnv["Variables"]["principal"], id: string) {
  const [row] = await db
    .select({ id: employees.id, role: employees.role, timezone: employees.timezone, scheduleId: employees.scheduleId, active: employees.active })
    .from(employees)
    .where(and(eq(employees.id, id), scopeCondition(principal, employees.id)))
    .limit(1);
  if (!row) throw new ApiError(404, "NOT_FOUND", "No such employee.");
  return row;
}

/** A punch entered earlier under the same Idempotency-Key: the same punch asked again, or a conflict. */
function sameEntry(earlier: typeof punches.$inferSelect, employeeId: string, body: { kind: string; time: number; reason: string }) {
  if (earlier.employeeId !== employeeId || earlier.kind !== body.kind || earlier.effectiveTime !== body.time || earlier.note !== body.reason) {
    throw new ApiError(409, "CONFLICT", "This Idempotency-Key was already used for another punch.");
  }
  return earlier;
}

export const adminPunchRoutes = new Hono<AppEnv>()
  .get(
    "/",
    describeRoute({
      summary: `Punches, newest first, filtered by time, employee, status, mode and reason and paged; format=csv streams every match between from and to (both required, at most ${MAX_PUNCH_EXPORT_DAYS} days apart)`,
      tags: ["admin"],
      auth: "console",
      responses: { 200: AdminPunchPageSchema },
      errors: ERRORS,
    }),
    validate("query", AdminPunchesQuerySchema),
    async (c) => {
      const q = c.req.valid("query");
      const db = c.var.db;
      if (q.format === "csv") {
        const conditions = punchConditions(c.var.principal, { ...q, ...exportSpan(q) });
        return c.body(csvStream(PUNCH_COLUMNS, await primed(csvBatches(db, conditions))), 200, csvHeaders("punches.csv"));
      }
      const rows = await db
        .select({ punch: punches })
        .from(punches)
        .innerJoin(employees, eq(employees.id, punches.employeeId))
        .where(and(...punchConditions(c.var.principal, q), q.cursor ? afterCursor(q.cursor, punches.effectiveTime, punches.id) : undefined))
        .orderBy(desc(punches.effectiveTime), desc(punches.id))
        .limit(q.limit + 1);
      const result = pageOf(rows, q.limit, (r) => ({ time: r.punch.effectiveTime, id: r.punch.id }));
      return c.json({ items: result.items.map((r) => toPunchRecord(r.punch)), nextCursor: result.nextCursor });
    },
  )
  .get(
    "/proofs",
    describeRoute({
      summary: "Punches oldest first with what re-verifies them outside the server: the signed JSON, the assertion, the passkey's public key (COSE and JWK), the origin, the receipt",
      tags: ["admin", "audit"],
      auth: "console",
      responses: { 200: ProofPageSchema },
      errors: ERRORS,
    }),
    validate("query", ProofsQuerySchema),
    async (c) => {
      const q = c.req.valid("query");
      const conditions: (SQL | undefined)[] = [scopeCondition(c.var.principal, punches.employeeId)];
      if (q.from !== undefined) conditions.push(gte(punches.effectiveTime, q.from));
      if (q.to !== undefined) conditions.push(lte(punches.effectiveTime, q.to));
      if (q.cursor) {
        const after = decodeCursor(q.cursor);
        conditions.push(sql`(${punches.effectiveTime} > ${after.time} OR (${punches.effectiveTime} = ${after.time} AND ${punches.id} > ${after.id}))`);
      }
      const rows = await c.var.db
        .select({ punch: punches, credentialId: devices.credentialId, publicKey: devices.publicKey, origin: devices.rpId })
        .from(punches)
        .leftJoin(devices, eq(devices.id, punches.deviceId))
        .where(and(...conditions))
        .orderBy(asc(punches.effectiveTime), asc(punches.id))
        .limit(q.limit + 1);
      const page = pageOf(rows, q.limit, (r) => ({ time: r.punch.effectiveTime, id: r.punch.id }));
      return c.json({
        items: page.items.map((r) => ({
          record: toPunchRecord(r.punch),
          signed: r.punch.signedPunch,
          assertion: r.punch.assertion ? JSON.parse(r.punch.assertion) : null,
          punchHash: r.punch.punchHash,
          credentialId: r.credentialId,
          publicKey: r.publicKey ? { cose: r.publicKey, jwk: coseToJwk(r.publicKey) } : null,
          origin: r.origin,
          receipt: { payload: r.punch.receiptPayload, signature: r.punch.receiptSignature },
        })),
        nextCursor: page.nextCursor,
      });
    },
  )
  .get(
    "/:id",
    describeRoute({
      summary: "One punch with its receipt, its employee and the device that signed it",
      tags: ["admin"],
      auth: "console",
      responses: { 200: AdminPunchDetailSchema },
      errors: [...ERRORS, "NOT_FOUND"],
    }),
    validate("param", IdParamSchema),
    async (c) => {
      const db = c.var.db;
      const [found] = await db
        .select({ punch: punches, employeeName: employees.name })
        .from(punches)
        .innerJoin(employees, eq(employees.id, punches.employeeId))
        .where(and(eq(punches.id, c.req.valid("param").id), scopeCondition(c.var.principal, punches.employeeId)))
        .limit(1);
      if (!found) throw new ApiError(404, "NOT_FOUND", "No such punch.");
      const [device] = found.punch.deviceId ? await db.select().from(devices).where(eq(devices.id, found.punch.deviceId)).limit(1) : [];
      return c.json({
        punch: toPunchRecord(found.punch),
        receipt: { payload: found.punch.receiptPayload, signature: found.punch.receiptSignature },
        employee: { id: found.punch.employeeId, name: found.employeeName },
        device: device ? toDevice(device) : null,
      });
    },
  )
  .post(
    "/",
    describeRoute({
      summary:
        "Enter a punch for an employee (mode manual), with why; admins, and managers for their team. An optional Idempotency-Key header makes a retry answer 200 with the punch it already entered (409 CONFLICT when the key was used for another punch)",
      tags: ["admin", "corrections"],
      auth: "console",
      responses: { 201: PunchResponseRecordSchema },
      errors: [...ERRORS, "NOT_FOUND", "CLOCK_OUT_OF_RANGE", "CONFLICT"],
    }),
    validate("json", ManualPunchRequestSchema),
    async (c) => {
      const db = c.var.db;
      const principal = c.var.principal;
      const body = c.req.valid("json");
      const employee = await loadEmployee(db, principal, body.employeeId);
      refuseOwn(principal, employee.id, "a punch");
      await assertCanWrite(db, principal, employee);
      if (!employee.active) throw new ApiError(400, "VALIDATION_FAILED", "This employee is deactivated.");
      const now = Date.now();
      if (body.time > now + FUTURE_TOLERANCE_MS) throw new ApiError(422, "CLOCK_OUT_OF_RANGE", "A punch cannot be entered for the future.");
      // A retried request (the answer was lost) names the same key: the same punch id, entered once.
      const key = c.req.header("Idempotency-Key");
      if (key !== undefined && !/^[\x21-\x7e]{1,128}$/.test(key)) throw new ApiError(400, "VALIDATION_FAILED", "Idempotency-Key must be 1 to 128 visible ASCII characters.");
      const id = key === undefined ? newId() : `manual-${(await hashSecret(`${principal.id}\n${key}`)).slice(0, 32)}`;
      if (key !== undefined) {
        const [earlier] = await db.select().from(punches).where(eq(punches.id, id));
        if (earlier) return c.json({ punch: toPunchRecord(sameEntry(earlier, employee.id, body)) }, 200);
      }
      const row = await personPunchRow(c.env.RECEIPT_KEY, {
        id,
        employeeId: employee.id,
        kind: body.kind,
        time: body.time,
        tz: await employeeZone(db, employee),
        mode: "manual",
        createdBy: principal.id,
        correctionId: null,
        note: body.reason,
        now,
      });
      const entry = {
        action: "punch.entered",
        at: now,
        actor: principal,
        subjectType: "punch",
        subjectId: row.id,
        // The reason is withheld from the log (audit.ts); the punch's hash covers it, and the receipt the hash.
        data: { employeeId: employee.id, kind: body.kind, time: body.time, reason: body.reason, punchHash: row.punchHash },
        ip: clientIp(c),
      } as const;
      // One write either way. Two retries at once: one inserts, and only the punch inserted gets its entry.
      await db.batch([
        punchInsertWhen(db, row, sql`NOT EXISTS (SELECT 1 FROM punches WHERE id = ${row.id})`),
        auditInsertWhen(db, entry, sql`NOT EXISTS (SELECT 1 FROM audit_log WHERE action = 'punch.entered' AND subject_id = ${row.id})`),
      ]);
      if (key === undefined) return c.json({ punch: toPunchRecord(row as typeof punches.$inferSelect) }, 201);
      const [stored] = await db.select().from(punches).where(eq(punches.id, row.id));
      if (!stored) throw new ApiError(503, "STORAGE_UNAVAILABLE", "The punch could not be read back; try again with the same key.");
      if (stored.receiptSignature !== row.receiptSignature) return c.json({ punch: toPunchRecord(sameEntry(stored, employee.id, body)) }, 200);
      return c.json({ punch: toPunchRecord(stored) }, 201);
    },
  )
  .post(
    "/:id/review",
    describeRoute({
      summary: "Accept or reject a flagged punch; the rules' verdict and reasons stay beside the decision",
      tags: ["admin", "corrections"],
      auth: "console",
      responses: { 200: PunchResponseRecordSchema },
      errors: [...ERRORS, "NOT_FOUND", "PUNCH_NOT_REVIEWABLE"],
    }),
    validate("param", IdParamSchema),
    validate("json", PunchReviewRequestSchema),
    async (c) => {
      const db = c.var.db;
      const principal = c.var.principal;
      const { decision, comment } = c.req.valid("json");
      const [found] = await db
        .select({ punch: punches, role: employees.role })
        .from(punches)
        .innerJoin(employees, eq(employees.id, punches.employeeId))
        .where(and(eq(punches.id, c.req.valid("param").id), scopeCondition(principal, punches.employeeId)))
        .limit(1);
      if (!found) throw new ApiError(404, "NOT_FOUND", "No such punch.");
      refuseOwn(principal, found.punch.employeeId, "a punch");
      await assertCanWrite(db, principal, { id: found.punch.employeeId, role: found.role });
      const notReviewable = () => new ApiError(409, "PUNCH_NOT_REVIEWABLE", "Only a flagged punch that nobody has reviewed yet can be reviewed.");
      if (found.punch.status !== "flagged" || found.punch.reviewDecision !== null) throw notReviewable();
      const now = Date.now();
      const status = decision === "accept" ? "accepted" : "rejected";
      const [updated] = await db.batch([
        db
          .update(punches)
          .set({ status, reviewDecision: decision, reviewBy: principal.id, reviewAt: now, reviewComment: comment })
          .where(and(eq(punches.id, found.punch.id), eq(punches.status, "flagged"), isNull(punches.reviewDecision)))
          .returning(),
        auditInsertWhen(
          db,
          {
            action: "punch.reviewed",
            at: now,
            actor: principal,
            subjectType: "punch",
            subjectId: found.punch.id,
            data: { employeeId: found.punch.employeeId, decision, comment, verdict: { status: "flagged", reasons: found.punch.reasons } },
            ip: clientIp(c),
          },
          sql`EXISTS (SELECT 1 FROM punches WHERE id = ${found.punch.id} AND review_by = ${principal.id} AND review_at = ${now})`,
        ),
      ]);
      if (updated.length === 0) throw notReviewable();
      return c.json({ punch: toPunchRecord(updated[0]!) });
    },
  );

