import type { ErrorCode } from "../../../shared/errors";
import { asc, eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { z } from "zod";
import { IdParamSchema } from "../../../shared/api";
import type { DB } from "../../db/client";
import type { networks, sites } from "../../db/schema";
import type { AppEnv, Principal } from "../../env";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi";
import { auditChange } from "../../services/audit";
import { newId } from "../../services/crypto";
import { reportIds, requireRole } from "../../services/scope";
import { validate } from "../../validation";

/** Rule configuration is read by every console role and changed by admins only. */
export function adminWrites(what: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") requireRole(c.var.principal, ["admin"], `Only admins can change ${what}.`);
    await next();
  });
}

/**
 * The chosen employees of a site or network, without repeats; every one must
 * exist. One statement however long the list (D1 binds at most 100 parameters).
 */
export async function checkEmployeeIds(db: DB, ids: string[] | null | undefined): Promise<string[] | null | undefined> {
  if (ids === undefined || ids === null) return ids;
  const unique = [...new Set(ids)];
  if (unique.length === 0) return unique;
  const unknown = await db.all<{ id: string }>(
    sql`SELECT value AS id FROM json_each(${JSON.stringify(unique)}) WHERE value NOT IN (SELECT id FROM employees)`,
  );
  if (unknown.length > 0) {
    const missing = new Set(unknown.map((row) => row.id));
    const issues = ids.flatMap((id, i) => (missing.has(id) ? [{ path: `employeeIds.${i}`, message: "unknown employee" }] : [])).slice(0, 20);
    throw new ApiError(400, "VALIDATION_FAILED", `Invalid request body at ${issues[0]!.path}: unknown employee`, { issues });
  }
  return unique;
}

const ERRORS: ErrorCode[] = ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "VALIDATION_FAILED"];

/**
 * What a principal may see of a record's chosen employees: a manager only their reports (the
 * rest are other teams' people), everyone else all of them. A record for everyone stays `null`.
 */
async function visibleEmployees(db: DB, principal: Principal): Promise<(ids: string[] | null) => string[] | null> {
  if (principal.role !== "manager") return (ids) => ids;
  const mine = await reportIds(db, principal.id);
  return (ids) => ids && ids.filter((id) => mine.has(id));
}

/** Rule tables that apply to everyone (`employeeIds` null) or to chosen employees. */
type ScopedTable = typeof sites | typeof networks;
type ScopedInput = { employeeIds?: string[] | null } & Record<string, unknown>;

/**
 * The routes of a rule resource scoped to employees (sites, networks): list by name, add, get,
 * change, remove. Every write is admin-only, checks its employees, and is audited in the same
 * batch as the change (`<noun>.created|updated|deleted`).
 */
export function employeeScopedRoutes<T extends ScopedTable, R>(resource: {
  table: T;
  /** Singular, lower case: audit actions, subject type and messages ("site"). */
  noun: string;
  /** Plural, for the admin-only message ("sites"). */
  plural: string;
  toRecord: (row: T["$inferSelect"]) => R;
  schemas: { input: z.ZodType<ScopedInput>; update: z.ZodType<ScopedInput>; record: z.ZodType; list: z.ZodType };
  summaries: { list: string; create: string; get: string; update: string; remove: string };
}) {
  // The two tables share every column these routes touch; drizzle needs one concrete type to build on.
  const table = resource.table as typeof sites;
  const { noun, toRecord, schemas, summaries } = resource;
  const record = (row: T["$inferSelect"] | typeof sites.$inferSelect) => toRecord(row as T["$inferSelect"]);
  const doc = (summary: string, status: number, schema: z.ZodType) =>
    describeRoute({ summary, tags: ["admin", "rules"], auth: "console", responses: { [status]: schema }, errors: ERRORS });
  const readDoc = (summary: string, schema: z.ZodType) => doc(`${summary} (managers see only their reports among employeeIds)`, 200, schema);
  const notFound = () => new ApiError(404, "NOT_FOUND", `No such ${noun}.`);

  async function load(db: DB, id: string) {
    const [row] = await db.select().from(table).where(eq(table.id, id)).limit(1);
    if (!row) throw notFound();
    return row;
  }

  return new Hono<AppEnv>()
    .use(adminWrites(resource.plural))
    .get("/", readDoc(summaries.list, schemas.list), async (c) => {
      const db = c.var.db;
      const [rows, visible] = await Promise.all([db.select().from(table).orderBy(asc(table.name), asc(table.id)), visibleEmployees(db, c.var.principal)]);
      return c.json({ items: rows.map((row) => record({ ...row, employeeIds: visible(row.employeeIds) })) });
    })
    .post("/", doc(summaries.create, 201, schemas.record), validate("json", schemas.input), async (c) => {
      const db = c.var.db;
      const { employeeIds, ...fields } = c.req.valid("json");
      const now = Date.now();
      const row = {
        id: newId(),
        ...fields,
        employeeIds: (await checkEmployeeIds(db, employeeIds)) ?? null,
        createdAt: now,
        updatedAt: now,
      } as typeof sites.$inferSelect;
      await db.batch([
        db.insert(table).values(row),
        auditChange(c, { action: `${noun}.created`, at: now, subjectType: noun, subjectId: row.id, data: record(row) as Record<string, unknown> }),
      ]);
      return c.json(record(row), 201);
    })
    .get("/:id", readDoc(summaries.get, schemas.record), validate("param", IdParamSchema), async (c) => {
      const db = c.var.db;
      const [row, visible] = await Promise.all([load(db, c.req.valid("param").id), visibleEmployees(db, c.var.principal)]);
      return c.json(record({ ...row, employeeIds: visible(row.employeeIds) }));
    })
    .patch("/:id", doc(summaries.update, 200, schemas.record), validate("param", IdParamSchema), validate("json", schemas.update), async (c) => {
      const db = c.var.db;
      const current = await load(db, c.req.valid("param").id);
      const body = c.req.valid("json");
      const change = { ...body, ...(body.employeeIds !== undefined ? { employeeIds: await checkEmployeeIds(db, body.employeeIds) } : {}) };
      const now = Date.now();
      const [[updated]] = await db.batch([
        db.update(table).set({ ...change, updatedAt: now }).where(eq(table.id, current.id)).returning(),
        auditChange(c, { action: `${noun}.updated`, at: now, subjectType: noun, subjectId: current.id, data: change }),
      ]);
      if (!updated) throw notFound();
      return c.json(record(updated));
    })
    .delete("/:id", doc(summaries.remove, 200, schemas.record), validate("param", IdParamSchema), async (c) => {
      const db = c.var.db;
      const current = await load(db, c.req.valid("param").id);
      const now = Date.now();
      await db.batch([
        db.delete(table).where(eq(table.id, current.id)),
        auditChange(c, { action: `${noun}.deleted`, at: now, subjectType: noun, subjectId: current.id, data: record(current) as Record<string, unknown> }),
      ]);
      return c.json(record(current));
    });
}
