import { asc, eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { IdParamSchema, SiteInputSchema, SiteListSchema, SiteSchema, SiteUpdateSchema } from "../../../shared/api";
import type { DB } from "../../db/client";
import { sites } from "../../db/schema";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi";
import { auditInsert } from "../../services/audit";
import { newId } from "../../services/crypto";
import { toSite } from "../../services/records";
import { clientIp } from "../../services/request";
import { validate } from "../../validation";

/** Rule configuration is read by every console role and changed by admins only. */
export function adminWrites(what: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && c.var.principal.role !== "admin") {
      throw new ApiError(403, "FORBIDDEN", `Only admins can change ${what}.`);
    }
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

async function loadSite(db: DB, id: string) {
  const [row] = await db.select().from(sites).where(eq(sites.id, id)).limit(1);
  if (!row) throw new ApiError(404, "NOT_FOUND", "No such site.");
  return row;
}

const ERRORS = ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "VALIDATION_FAILED"];

export const siteRoutes = new Hono<AppEnv>()
  .use(adminWrites("sites"))
  .get(
    "/",
    describeRoute({ summary: "Sites (company geofences), by name", tags: ["admin", "rules"], auth: "console", responses: { 200: SiteListSchema }, errors: ERRORS }),
    async (c) => {
      const rows = await c.var.db.select().from(sites).orderBy(asc(sites.name), asc(sites.id));
      return c.json({ items: rows.map(toSite) });
    },
  )
  .post(
    "/",
    describeRoute({ summary: "Add a site (employeeIds null or left out: everyone)", tags: ["admin", "rules"], auth: "console", responses: { 201: SiteSchema }, errors: ERRORS }),
    validate("json", SiteInputSchema),
    async (c) => {
      const db = c.var.db;
      const body = c.req.valid("json");
      const now = Date.now();
      const row = {
        id: newId(),
        name: body.name,
        lat: body.lat,
        lon: body.lon,
        radiusM: body.radiusM,
        employeeIds: (await checkEmployeeIds(db, body.employeeIds)) ?? null,
        createdAt: now,
        updatedAt: now,
      };
      await db.batch([
        db.insert(sites).values(row),
        auditInsert(db, { action: "site.created", at: now, actor: c.var.principal, subjectType: "site", subjectId: row.id, data: toSite(row), ip: clientIp(c) }),
      ]);
      return c.json(toSite(row), 201);
    },
  )
  .get(
    "/:id",
    describeRoute({ summary: "One site", tags: ["admin", "rules"], auth: "console", responses: { 200: SiteSchema }, errors: ERRORS }),
    validate("param", IdParamSchema),
    async (c) => c.json(toSite(await loadSite(c.var.db, c.req.valid("param").id))),
  )
  .patch(
    "/:id",
    describeRoute({ summary: "Change a site", tags: ["admin", "rules"], auth: "console", responses: { 200: SiteSchema }, errors: ERRORS }),
    validate("param", IdParamSchema),
    validate("json", SiteUpdateSchema),
    async (c) => {
      const db = c.var.db;
      const current = await loadSite(db, c.req.valid("param").id);
      const body = c.req.valid("json");
      const change = { ...body, ...(body.employeeIds !== undefined ? { employeeIds: await checkEmployeeIds(db, body.employeeIds) } : {}) };
      const now = Date.now();
      const [[updated]] = await db.batch([
        db.update(sites).set({ ...change, updatedAt: now }).where(eq(sites.id, current.id)).returning(),
        auditInsert(db, { action: "site.updated", at: now, actor: c.var.principal, subjectType: "site", subjectId: current.id, data: change, ip: clientIp(c) }),
      ]);
      if (!updated) throw new ApiError(404, "NOT_FOUND", "No such site.");
      return c.json(toSite(updated));
    },
  )
  .delete(
    "/:id",
    describeRoute({ summary: "Remove a site", tags: ["admin", "rules"], auth: "console", responses: { 200: SiteSchema }, errors: ERRORS }),
    validate("param", IdParamSchema),
    async (c) => {
      const db = c.var.db;
      const current = await loadSite(db, c.req.valid("param").id);
      const now = Date.now();
      await db.batch([
        db.delete(sites).where(eq(sites.id, current.id)),
        auditInsert(db, { action: "site.deleted", at: now, actor: c.var.principal, subjectType: "site", subjectId: current.id, data: toSite(current), ip: clientIp(c) }),
      ]);
      return c.json(toSite(current));
    },
  );
