import type { ErrorCode } from "../../../shared/errors";
import { and, asc, eq, gte, lte, sql } from "drizzle-orm";
import { Hono } from "hono";
import {
  HolidayImportResponseSchema,
  HolidayImportSchema,
  HolidayInputSchema,
  HolidayListQuerySchema,
  HolidayListSchema,
  HolidaySchema,
  HolidayUpdateSchema,
  IdParamSchema,
} from "../../../shared/api";
import { batchableRun, type DB } from "../../db/client";
import { holidays } from "../../db/schema";
import type { AppEnv } from "../../env";
import { ApiError, isUniqueViolation } from "../../errors";
import { describeRoute } from "../../openapi";
import { auditChange } from "../../services/audit";
import { newId } from "../../services/crypto";
import { toHoliday } from "../../services/records";
import { validate } from "../../validation";
import { adminWrites } from "./rule-config";

async function loadHoliday(db: DB, id: string) {
  const [row] = await db.select().from(holidays).where(eq(holidays.id, id)).limit(1);
  if (!row) throw new ApiError(404, "NOT_FOUND", "No such holiday.");
  return row;
}

function dateTaken(date: string): never {
  throw new ApiError(409, "CONFLICT", `There is already a holiday on ${date}; change that one instead.`, { date });
}

const yearRange = (year: string) => and(gte(holidays.date, `${year}-01-01`), lte(holidays.date, `${year}-12-31`));

const ERRORS: ErrorCode[] = ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "VALIDATION_FAILED"];

export const holidayRoutes = new Hono<AppEnv>()
  .use(adminWrites("holidays"))
  .get(
    "/",
    describeRoute({ summary: "The holiday calendar, by date (optionally one year)", tags: ["admin", "rules"], auth: "console", responses: { 200: HolidayListSchema }, errors: ERRORS }),
    validate("query", HolidayListQuerySchema),
    async (c) => {
      const { year } = c.req.valid("query");
      const rows = await c.var.db
        .select()
        .from(holidays)
        .where(year ? yearRange(year) : undefined)
        .orderBy(asc(holidays.date));
      return c.json({ items: rows.map(toHoliday) });
    },
  )
  .post(
    "/",
    describeRoute({ summary: "Add a holiday (one per date)", tags: ["admin", "rules"], auth: "console", responses: { 201: HolidaySchema }, errors: [...ERRORS, "CONFLICT"] }),
    validate("json", HolidayInputSchema),
    async (c) => {
      const db = c.var.db;
      const body = c.req.valid("json");
      const now = Date.now();
      const row = { id: newId(), date: body.date, name: body.name, createdAt: now, updatedAt: now };
      try {
        await db.batch([
          db.insert(holidays).values(row),
          auditChange(c, { action: "holiday.created", at: now, subjectType: "holiday", subjectId: row.id, data: { date: row.date, name: row.name } }),
        ]);
      } catch (err) {
        if (isUniqueViolation(err)) dateTaken(body.date);
        throw err;
      }
      return c.json(toHoliday(row), 201);
    },
  )
  .post(
    "/import",
    describeRoute({
      summary: "Import a list of holidays: add new dates, rename existing ones; with replaceYears, also remove the others in the years the list covers",
      tags: ["admin", "rules"],
      auth: "console",
      responses: { 200: HolidayImportResponseSchema },
      errors: ERRORS,
    }),
    validate("json", HolidayImportSchema),
    async (c) => {
      const db = c.var.db;
      const { items, replaceYears = false } = c.req.valid("json");
      const seen = new Map<string, number>();
      items.forEach((item, i) => {
        if (seen.has(item.date)) {
          throw new ApiError(400, "VALIDATION_FAILED", `Invalid request body at items.${i}.date: ${item.date} is listed twice`, {
            issues: [{ path: `items.${i}.date`, message: `also at items.${seen.get(item.date)}` }],
          });
        }
        seen.set(item.date, i);
      });
      const years = [...new Set(items.map((item) => item.date.slice(0, 4)))].sort();
      const dates = [...seen.keys()];
      // The listed dates through json_each: D1 binds at most 100 parameters per statement.
      const listed = sql`${holidays.date} IN (SELECT value FROM json_each(${JSON.stringify(dates)}))`;
      const inYears = sql`substr(${holidays.date}, 1, 4) IN (SELECT value FROM json_each(${JSON.stringify(years)}))`;
      const existing = await db
        .select()
        .from(holidays)
        .where(replaceYears ? inYears : listed);
      const byDate = new Map(existing.map((row) => [row.date, row]));
      const created = items.filter((item) => !byDate.has(item.date));
      const renamed = items.filter((item) => byDate.has(item.date) && byDate.get(item.date)!.name !== item.name);
      const deleted = replaceYears ? existing.filter((row) => !seen.has(row.date)) : [];
      const now = Date.now();
      const writes = [...created, ...renamed].map((item) => ({ id: newId(), date: item.date, name: item.name }));
      const statements = [];
      if (deleted.length > 0) {
        statements.push(db.delete(holidays).where(sql`${holidays.id} IN (SELECT value FROM json_each(${JSON.stringify(deleted.map((row) => row.id))}))`));
      }
      if (writes.length > 0) {
        // One upsert for the whole list; a renamed date keeps its id.
        statements.push(
          batchableRun(
            db,
            sql`INSERT INTO holidays (id, date, name, created_at, updated_at)
                SELECT json_extract(value, '$.id'), json_extract(value, '$.date'), json_extract(value, '$.name'), ${now}, ${now}
                FROM json_each(${JSON.stringify(writes)}) WHERE true
                ON CONFLICT (date) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at`,
          ),
        );
      }
      const result = { created: created.length, updated: renamed.length, deleted: deleted.length };
      if (statements.length === 0) return c.json(result);
      await db.batch([
        auditChange(c, {
          action: "holiday.imported",
          at: now,
          subjectType: "holiday",
          data: {
            replaceYears,
            years,
            created: created.map(({ date, name }) => ({ date, name })),
            renamed: renamed.map(({ date, name }) => ({ date, name, was: byDate.get(date)!.name })),
            deleted: deleted.map(({ date, name }) => ({ date, name })),
          },
        }),
        ...statements,
      ]);
      return c.json(result);
    },
  )
  .patch(
    "/:id",
    describeRoute({ summary: "Change a holiday", tags: ["admin", "rules"], auth: "console", responses: { 200: HolidaySchema }, errors: [...ERRORS, "CONFLICT"] }),
    validate("param", IdParamSchema),
    validate("json", HolidayUpdateSchema),
    async (c) => {
      const db = c.var.db;
      const current = await loadHoliday(db, c.req.valid("param").id);
      const body = c.req.valid("json");
      const now = Date.now();
      try {
        const [[updated]] = await db.batch([
          db.update(holidays).set({ ...body, updatedAt: now }).where(eq(holidays.id, current.id)).returning(),
          auditChange(c, { action: "holiday.updated", at: now, subjectType: "holiday", subjectId: current.id, data: { ...body } }),
        ]);
        if (!updated) throw new ApiError(404, "NOT_FOUND", "No such holiday.");
        return c.json(toHoliday(updated));
      } catch (err) {
        if (body.date && isUniqueViolation(err)) dateTaken(body.date);
        throw err;
      }
    },
  )
  .delete(
    "/:id",
    describeRoute({ summary: "Remove a holiday", tags: ["admin", "rules"], auth: "console", responses: { 200: HolidaySchema }, errors: ERRORS }),
    validate("param", IdParamSchema),
    async (c) => {
      const db = c.var.db;
      const current = await loadHoliday(db, c.req.valid("param").id);
      const now = Date.now();
      await db.batch([
        db.delete(holidays).where(eq(holidays.id, current.id)),
        auditChange(c, { action: "holiday.deleted", at: now, subjectType: "holiday", subjectId: current.id, data: { date: current.date, name: current.name } }),
      ]);
      return c.json(toHoliday(current));
    },
  );
