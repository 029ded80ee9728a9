import { and, asc, desc, eq, gte, lte, type SQL } from "drizzle-orm";
import { Hono } from "hono";
import { MePunchesQuerySchema, MeResponseSchema, PunchListSchema } from "../../shared/api";
import { summarizeDay } from "../../shared/day";
import { localDate } from "../../shared/time";
import { employees, punches } from "../db/schema";
import { policyFrom, policyQuery } from "../services/policy";
import type { AppEnv } from "../env";
import { describeRoute } from "../openapi";
import { deviceListQueries, withLastUse } from "../services/devices";
import { toEmployee, toPunchRecord } from "../services/records";
import { requireEmployee } from "../services/sessions";
import { validate } from "../validation";

const MAX_ITEMS = 1000;

export const meRoutes = new Hono<AppEnv>()
  .use(requireEmployee)
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
      const [deviceQuery, lastUseQuery] = deviceListQueries(db, id, "extension");
      const [[employee], deviceRows, lastUse, settingsRows, [latest]] = await db.batch([
        db.select().from(employees).where(eq(employees.id, id)),
        deviceQuery,
        lastUseQuery,
        policyQuery(db),
        db.select({ tz: punches.tz }).from(punches).where(eq(punches.employeeId, id)).orderBy(desc(punches.effectiveTime)).limit(1),
      ]);
      const now = Date.now();
      const policy = policyFrom(settingsRows);
      const tz = employee!.timezone ?? latest?.tz ?? policy.defaultTimezone;
      const today = localDate(now, tz);
      const todays = await db
        .select({ id: punches.id, kind: punches.kind, effectiveTime: punches.effectiveTime, status: punches.status })
        .from(punches)
        .where(and(eq(punches.employeeId, id), eq(punches.localDate, today)));
      return c.json({
        employee: toEmployee(employee!),
        devices: withLastUse(deviceRows, lastUse),
        today: summarizeDay(today, todays, now),
        workday: policy.workday,
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
      if (typeof from === "number") conditions.push(gte(punches.effectiveTime, from));
      if (typeof from === "string") conditions.push(gte(punches.localDate, from));
      if (typeof to === "number") conditions.push(lte(punches.effectiveTime, to));
      if (typeof to === "string") conditions.push(lte(punches.localDate, to));
      const rows = await c.var.db
        .select()
        .from(punches)
        .where(and(...conditions))
        .orderBy(asc(punches.effectiveTime), asc(punches.id))
        .limit(MAX_ITEMS);
      return c.json({ items: rows.map(toPunchRecord) });
    },
  );
