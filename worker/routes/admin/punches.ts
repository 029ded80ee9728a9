import { and, desc, eq, gte, isNull, lte, type SQL, sql } from "drizzle-orm";
import { Hono } from "hono";
import {
  AdminPunchPageSchema,
  AdminPunchesQuerySchema,
  IdParamSchema,
  ManualPunchRequestSchema,
  PunchResponseRecordSchema,
  PunchReviewRequestSchema,
} from "../../../shared/api";
import { FUTURE_TOLERANCE_MS } from "../../../shared/bracket";
import type { ErrorCode } from "../../../shared/errors";
import { employees, punches } from "../../db/schema";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi";
import { auditInsertPrepared, auditInsertWhen } from "../../services/audit";
import { batchPrepared } from "../../db/prepared";
import { newId } from "../../services/crypto";
import { refuseOwn } from "../../services/corrections";
import { afterCursor, pageOf } from "../../services/cursor";
import { personPunchRow, punchInsert } from "../../services/punch-store";
import { toPunchRecord } from "../../services/records";
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

export const adminPunchRoutes = new Hono<AppEnv>()
  .get(
    "/",
    describeRoute({
      summary: "Punches, newest first, filtered and paged",
      tags: ["admin"],
      auth: "console",
      responses: { 200: AdminPunchPageSchema },
      errors: ERRORS,
    }),
    validate("query", AdminPunchesQuerySchema),
    async (c) => {
      const q = c.req.valid("query");
      const conditions: (SQL | undefined)[] = [scopeCondition(c.var.principal, punches.employeeId)];
      if (q.from !== undefined) conditions.push(gte(punches.effectiveTime, q.from));
      if (q.to !== undefined) conditions.push(lte(punches.effectiveTime, q.to));
      if (q.employeeId) conditions.push(eq(punches.employeeId, q.employeeId));
      if (q.status) conditions.push(eq(punches.status, q.status));
      if (q.cursor) conditions.push(afterCursor(q.cursor, punches.effectiveTime, punches.id));
      const rows = await c.var.db
        .select()
        .from(punches)
        .where(and(...conditions))
        .orderBy(desc(punches.effectiveTime), desc(punches.id))
        .limit(q.limit + 1);
      const page = pageOf(rows, q.limit, (r) => ({ time: r.effectiveTime, id: r.id }));
      return c.json({ items: page.items.map(toPunchRecord), nextCursor: page.nextCursor });
    },
  )
  .post(
    "/",
    describeRoute({
      summary: "Enter a punch for an employee (mode manual), with why; admins, and managers for their team",
      tags: ["admin", "corrections"],
      auth: "console",
      responses: { 201: PunchResponseRecordSchema },
      errors: [...ERRORS, "NOT_FOUND", "CLOCK_OUT_OF_RANGE"],
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
      const row = await personPunchRow(c.env.RECEIPT_KEY, {
        id: newId(),
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
      await batchPrepared(db.$client, [
        punchInsert(row),
        auditInsertPrepared({
          action: "punch.entered",
          at: now,
          actor: principal,
          subjectType: "punch",
          subjectId: row.id,
          data: { employeeId: employee.id, kind: body.kind, time: body.time, reason: body.reason },
          ip: clientIp(c),
        }),
      ]);
      return c.json({ punch: toPunchRecord(row as typeof punches.$inferSelect) }, 201);
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

