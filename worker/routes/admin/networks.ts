import { asc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { IdParamSchema, NetworkInputSchema, NetworkListSchema, NetworkSchema, NetworkUpdateSchema } from "../../../shared/api";
import type { DB } from "../../db/client";
import { networks } from "../../db/schema";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi";
import { auditInsert } from "../../services/audit";
import { newId } from "../../services/crypto";
import { toNetwork } from "../../services/records";
import { clientIp } from "../../services/request";
import { validate } from "../../validation";
import { adminWrites, checkEmployeeIds } from "./sites";

async function loadNetwork(db: DB, id: string) {
  const [row] = await db.select().from(networks).where(eq(networks.id, id)).limit(1);
  if (!row) throw new ApiError(404, "NOT_FOUND", "No such network.");
  return row;
}

const ERRORS = ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "VALIDATION_FAILED"];

export const networkRoutes = new Hono<AppEnv>()
  .use(adminWrites("networks"))
  .get(
    "/",
    describeRoute({ summary: "Allowed IP ranges (CIDR, IPv4 or IPv6), by name", tags: ["admin", "rules"], auth: "console", responses: { 200: NetworkListSchema }, errors: ERRORS }),
    async (c) => {
      const rows = await c.var.db.select().from(networks).orderBy(asc(networks.name), asc(networks.id));
      return c.json({ items: rows.map(toNetwork) });
    },
  )
  .post(
    "/",
    describeRoute({ summary: "Add an allowed IP range (stored normalised; employeeIds null or left out: company-wide)", tags: ["admin", "rules"], auth: "console", responses: { 201: NetworkSchema }, errors: ERRORS }),
    validate("json", NetworkInputSchema),
    async (c) => {
      const db = c.var.db;
      const body = c.req.valid("json");
      const now = Date.now();
      const row = {
        id: newId(),
        name: body.name,
        cidr: body.cidr,
        employeeIds: (await checkEmployeeIds(db, body.employeeIds)) ?? null,
        createdAt: now,
        updatedAt: now,
      };
      await db.batch([
        db.insert(networks).values(row),
        auditInsert(db, { action: "network.created", at: now, actor: c.var.principal, subjectType: "network", subjectId: row.id, data: toNetwork(row), ip: clientIp(c) }),
      ]);
      return c.json(toNetwork(row), 201);
    },
  )
  .get(
    "/:id",
    describeRoute({ summary: "One network", tags: ["admin", "rules"], auth: "console", responses: { 200: NetworkSchema }, errors: ERRORS }),
    validate("param", IdParamSchema),
    async (c) => c.json(toNetwork(await loadNetwork(c.var.db, c.req.valid("param").id))),
  )
  .patch(
    "/:id",
    describeRoute({ summary: "Change a network", tags: ["admin", "rules"], auth: "console", responses: { 200: NetworkSchema }, errors: ERRORS }),
    validate("param", IdParamSchema),
    validate("json", NetworkUpdateSchema),
    async (c) => {
      const db = c.var.db;
      const current = await loadNetwork(db, c.req.valid("param").id);
      const body = c.req.valid("json");
      const change = { ...body, ...(body.employeeIds !== undefined ? { employeeIds: await checkEmployeeIds(db, body.employeeIds) } : {}) };
      const now = Date.now();
      const [[updated]] = await db.batch([
        db.update(networks).set({ ...change, updatedAt: now }).where(eq(networks.id, current.id)).returning(),
        auditInsert(db, { action: "network.updated", at: now, actor: c.var.principal, subjectType: "network", subjectId: current.id, data: change, ip: clientIp(c) }),
      ]);
      if (!updated) throw new ApiError(404, "NOT_FOUND", "No such network.");
      return c.json(toNetwork(updated));
    },
  )
  .delete(
    "/:id",
    describeRoute({ summary: "Remove a network", tags: ["admin", "rules"], auth: "console", responses: { 200: NetworkSchema }, errors: ERRORS }),
    validate("param", IdParamSchema),
    async (c) => {
      const db = c.var.db;
      const current = await loadNetwork(db, c.req.valid("param").id);
      const now = Date.now();
      await db.batch([
        db.delete(networks).where(eq(networks.id, current.id)),
        auditInsert(db, { action: "network.deleted", at: now, actor: c.var.principal, subjectType: "network", subjectId: current.id, data: toNetwork(current), ip: clientIp(c) }),
      ]);
      return c.json(toNetwork(current));
    },
  );
