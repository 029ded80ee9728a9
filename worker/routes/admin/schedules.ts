import type { ErrorCode } from "../../../shared/errors";
import { asc, count, eq } from "drizzle-orm";
import { Hono } from "hono";
import { IdParamSchema, ScheduleInputSchema, ScheduleListSchema, ScheduleSchema, ScheduleUpdateSchema } from "../../../shared/api";
import type { ScheduleInput } from "../../../shared/schedule";
import type { DB } from "../../db/client";
import { employees, schedules } from "../../db/schema";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi";
import { auditChange } from "../../services/audit";
import { newId } from "../../services/crypto";
import { toSchedule } from "../../services/records";
import { validate, validationError } from "../../validation";
import { adminWrites } from "./rule-config";

async function loadSchedule(db: DB, id: string) {
  const [row] = await db.select().from(schedules).where(eq(schedules.id, id)).limit(1);
  if (!row) throw new ApiError(404, "NOT_FOUND", "No such schedule.");
  return row;
}

/** The stored columns of a checked schedule: optional fields resolved to their defaults. */
function columns(input: ScheduleInput) {
  return {
    name: input.name,
    timezone: input.timezone ?? null,
    kind: input.kind,
    days: input.days,
    graceLateMin: input.graceLateMin,
    graceEarlyMin: input.graceEarlyMin,
    earliestInMin: input.earliestInMin,
    coreStart: input.coreStart ?? null,
    coreEnd: input.coreEnd ?? null,
    requiredMinutes: input.requiredMinutes ?? null,
    restDayWorkAllowed: input.restDayWorkAllowed ?? false,
  };
}

const ERRORS: ErrorCode[] = ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "VALIDATION_FAILED"];

export const scheduleRoutes = new Hono<AppEnv>()
  .use(adminWrites("schedules"))
  .get(
    "/",
    describeRoute({ summary: "Weekly schedules, by name", tags: ["admin", "rules"], auth: "console", responses: { 200: ScheduleListSchema }, errors: ERRORS }),
    async (c) => {
      const rows = await c.var.db.select().from(schedules).orderBy(asc(schedules.name), asc(schedules.id));
      return c.json({ items: rows.map(toSchedule) });
    },
  )
  .post(
    "/",
    describeRoute({ summary: "Add a weekly schedule", tags: ["admin", "rules"], auth: "console", responses: { 201: ScheduleSchema }, errors: ERRORS }),
    validate("json", ScheduleInputSchema),
    async (c) => {
      const db = c.var.db;
      const now = Date.now();
      const row = { id: newId(), ...columns(c.req.valid("json")), createdAt: now, updatedAt: now };
      await db.batch([
        db.insert(schedules).values(row),
        auditChange(c, { action: "schedule.created", at: now, subjectType: "schedule", subjectId: row.id, data: toSchedule(row) }),
      ]);
      return c.json(toSchedule(row), 201);
    },
  )
  .get(
    "/:id",
    describeRoute({ summary: "One schedule", tags: ["admin", "rules"], auth: "console", responses: { 200: ScheduleSchema }, errors: ERRORS }),
    validate("param", IdParamSchema),
    async (c) => c.json(toSchedule(await loadSchedule(c.var.db, c.req.valid("param").id))),
  )
  .patch(
    "/:id",
    describeRoute({ summary: "Change a schedule (the result is checked as a whole)", tags: ["admin", "rules"], auth: "console", responses: { 200: ScheduleSchema }, errors: ERRORS }),
    validate("param", IdParamSchema),
    validate("json", ScheduleUpdateSchema),
    async (c) => {
      const db = c.var.db;
      const current = await loadSchedule(db, c.req.valid("param").id);
      const body = c.req.valid("json");
      const { id: _id, createdAt: _created, updatedAt: _updated, ...stored } = current;
      // A change may only be judged with the rest of the schedule (core hours in pairs, weekdays once).
      const merged = ScheduleInputSchema.safeParse({ ...stored, ...body });
      if (!merged.success) throw validationError(merged.error);
      const now = Date.now();
      const [[updated]] = await db.batch([
        db.update(schedules).set({ ...columns(merged.data), updatedAt: now }).where(eq(schedules.id, current.id)).returning(),
        auditChange(c, { action: "schedule.updated", at: now, subjectType: "schedule", subjectId: current.id, data: { ...body } }),
      ]);
      if (!updated) throw new ApiError(404, "NOT_FOUND", "No such schedule.");
      return c.json(toSchedule(updated));
    },
  )
  .delete(
    "/:id",
    describeRoute({ summary: "Remove a schedule no employee follows", tags: ["admin", "rules"], auth: "console", responses: { 200: ScheduleSchema }, errors: [...ERRORS, "CONFLICT"] }),
    validate("param", IdParamSchema),
    async (c) => {
      const db = c.var.db;
      const current = await loadSchedule(db, c.req.valid("param").id);
      const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(employees).where(eq(employees.scheduleId, current.id));
      if (n > 0) {
        throw new ApiError(409, "CONFLICT", `${n} employee${n === 1 ? " follows" : "s follow"} this schedule; give them another one first.`, { employees: n });
      }
      const now = Date.now();
      await db.batch([
        db.delete(schedules).where(eq(schedules.id, current.id)),
        auditChange(c, { action: "schedule.deleted", at: now, subjectType: "schedule", subjectId: current.id, data: toSchedule(current) }),
      ]);
      return c.json(toSchedule(current));
    },
  );
