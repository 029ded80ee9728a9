import { and, asc, eq, gte, inArray, lte, type SQL } from "drizzle-orm";
import { Hono } from "hono";
import { MeExportSchema, MePunchesQuerySchema, MeResponseSchema, PunchListSchema } from "../../shared/api";
import { summarizeDays } from "../../shared/day";
import { workDateOf } from "../../shared/schedule";
import { DAY_MS, utcDate } from "../../shared/time";
import { archiveIndex, corrections, devices, employees, holidays, punches, schedules } from "../db/schema";
import { employeeSchedule, holidayCalendar, workdayOf } from "../services/rule-context";
import { policyFrom, policyQuery } from "../services/policy";
import type { AppEnv } from "../env";
import { describeRoute } from "../openapi";
import { deviceListQueries, withLastUse } from "../services/devices";
import { toCorrection, toDevice, toEmployee, toPunchRecord, toSchedule } from "../services/records";
import { requireEmployee } from "../services/sessions";
import { validate } from "../validation";
import { meCorrectionRoutes } from "./me-corrections";

const MAX_ITEMS = 1000;

export const meRoutes = new Hono<AppEnv>()
  .use(requireEmployee)
  .route("/corrections", meCorrectionRoutes)
  .get(
    "/",
    describeRoute({
      summary: "The signed-in employee, their devices and today's summary",
      tags: ["employee"],
      auth: "employee",
      responses: { 200: MeResponseSchema },
      errors: ["UNAUTHENTICATED"],
    }),
    async (c) => {
      const db = c.var.db;
      const id = c.var.principal.id;
      const now = Date.now();
      const [deviceQuery, lastUseQuery] = deviceListQueries(db, id, "extension");
      // Two days each side of now covers every zone and an overnight shift's morning.
      const [[employee], deviceRows, lastUse, settingsRows, scheduleRows, holidayRows, punchRows] = await db.batch([
        db.select().from(employees).where(eq(employees.id, id)),
        deviceQuery,
        lastUseQuery,
        policyQuery(db),
        db
          .select()
          .from(schedules)
          .where(inArray(schedules.id, db.select({ id: employees.scheduleId }).from(employees).where(eq(employees.id, id)))),
        db
          .select({ date: holidays.date, name: holidays.name })
          .from(holidays)
          .where(and(gte(holidays.date, utcDate(now - 2 * DAY_MS)), lte(holidays.date, utcDate(now + 2 * DAY_MS)))),
        db
          .select({ id: punches.id, kind: punches.kind, effectiveTime: punches.effectiveTime, status: punches.status })
          .from(punches)
          .where(and(eq(punches.employeeId, id), gte(punches.effectiveTime, now - 2 * DAY_MS), lte(punches.effectiveTime, now + 2 * DAY_MS))),
      ]);
      const policy = policyFrom(settingsRows);
      const { schedule, tz } = employeeSchedule(employee!, new Map(scheduleRows.map((r) => [r.id, toSchedule(r)])), policy);
      const calendar = holidayCalendar(holidayRows);
      const today = workDateOf(schedule, now, tz, calendar);
      const [summary] = summarizeDays({ schedule, tz, holidays: calendar, from: today, to: today, punches: punchRows, now });
      return c.json({
        employee: toEmployee(employee!),
        devices: withLastUse(deviceRows, lastUse),
        today: summary!,
        workday: workdayOf(schedule),
        timezone: tz,
        locationPrecision: policy.locationPrecision,
      });
    },
  )
  .get(
    "/punches",
    describeRoute({
      summary: "The signed-in employee's punches (from/to: epoch ms or local YYYY-MM-DD, inclusive)",
      tags: ["employee"],
      auth: "employee",
      responses: { 200: PunchListSchema },
      errors: ["UNAUTHENTICATED", "VALIDATION_FAILED"],
    }),
    validate("query", MePunchesQuerySchema),
    async (c) => {
      const { from, to } = c.req.valid("query");
      const conditions: SQL[] = [eq(punches.employeeId, c.var.principal.id)];
      // A local date is the punch's own (its zone's), within a day either side of the same UTC
      // date: the (employee, time) index narrows to that range and the stored date decides.
      // (Validation leaves only days of the calendar.)
      const utcMidnight = (date: string) => Date.parse(`${date}T00:00:00Z`);
      if (typeof from === "number") conditions.push(gte(punches.effectiveTime, from));
      if (typeof from === "string") conditions.push(gte(punches.localDate, from), gte(punches.effectiveTime, utcMidnight(from) - DAY_MS));
      if (typeof to === "number") conditions.push(lte(punches.effectiveTime, to));
      if (typeof to === "string") conditions.push(lte(punches.localDate, to), lte(punches.effectiveTime, utcMidnight(to) + 2 * DAY_MS));
      const rows = await c.var.db
        .select()
        .from(punches)
        .where(and(...conditions))
        .orderBy(asc(punches.effectiveTime), asc(punches.id))
        .limit(MAX_ITEMS);
      return c.json({ items: rows.map(toPunchRecord) });
    },
  )
  .get(
    "/export",
    describeRoute({
      summary: "Everything held about the signed-in employee: profile, consent, devices, punches with their reasons and receipts, corrections",
      tags: ["employee"],
      auth: "employee",
      responses: { 200: MeExportSchema },
      errors: ["UNAUTHENTICATED"],
    }),
    async (c) => {
      const db = c.var.db;
      const id = c.var.principal.id;
      const [[employee], deviceRows, punchRows, correctionRows] = await db.batch([
        db.select().from(employees).where(eq(employees.id, id)),
        db.select().from(devices).where(eq(devices.employeeId, id)).orderBy(asc(devices.createdAt)),
        db.select().from(punches).where(eq(punches.employeeId, id)).orderBy(asc(punches.effectiveTime), asc(punches.id)),
        db.select().from(corrections).where(eq(corrections.employeeId, id)).orderBy(asc(corrections.createdAt)),
      ]);
      // Punches retention moved to R2: the index says where this employee's lines are in each part.
      const ranges = await db.select().from(archiveIndex).where(eq(archiveIndex.employeeId, id));
      const archived: (typeof punches.$inferSelect)[] = [];
      for (const range of ranges) {
        const object = await c.env.EVIDENCE.get(range.key, { range: { offset: range.offset, length: range.length } });
        if (!object) continue;
        for (const line of (await object.text()).split("\n")) if (line) archived.push(JSON.parse(line));
      }
      c.header("Content-Disposition", `attachment; filename="clockwork-export-${new Date().toISOString().slice(0, 10)}.json"`);
      c.header("Cache-Control", "no-store");
      return c.json({
        exportedAt: Date.now(),
        employee: toEmployee(employee!),
        consent: { at: employee!.consentAt, version: employee!.consentVersion },
        devices: deviceRows.map(toDevice),
        punches: [...archived, ...punchRows].map((row) => ({ ...toPunchRecord(row), receipt: { payload: row.receiptPayload, signature: row.receiptSignature } })),
        corrections: correctionRows.map(toCorrection),
      });
    },
  );
