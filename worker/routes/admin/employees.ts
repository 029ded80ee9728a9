import type { ErrorCode } from "../../../shared/errors";
import { and, asc, eq, isNull, type SQL, sql } from "drizzle-orm";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import {
  CreateEmployeeRequestSchema,
  DeviceListSchema,
  EmployeeImportRequestSchema,
  EmployeeImportResultSchema,
  EmployeeListQuerySchema,
  EmployeeListSchema,
  EmployeeSchema,
  EnrollmentCodeRequestSchema,
  EnrollmentCodeResponseSchema,
  IdParamSchema,
  LocationInputSchema,
  LocationListSchema,
  LocationParamSchema,
  LocationSchema,
  LocationUpdateSchema,
  UpdateEmployeeRequestSchema,
} from "../../../shared/api";
import type { DB } from "../../db/client";
import { devices, employeeLocations, employees, schedules, sessions } from "../../db/schema";
import type { AppEnv, Principal } from "../../env";
import { ApiError, isUniqueViolation } from "../../errors";
import { planImport } from "../../services/employee-import";
import { describeRoute } from "../../openapi";
import { auditChange } from "../../services/audit";
import { newId } from "../../services/crypto";
import { newCodeInsert } from "../../services/enrollment";
import { deviceListQueries, withLastUse } from "../../services/devices";
import { toEmployee, toLocation } from "../../services/records";
import { assertCanWrite, assertInScope, reportIds, requireRole, scopeCondition, type WriteChange } from "../../services/scope";
import { validate } from "../../validation";

/** A new, active employee's row: what people give, and what every new employee starts with. */
function newEmployeeRow(
  fields: Pick<typeof employees.$inferSelect, "name" | "email" | "role" | "managerId" | "timezone" | "scheduleId"> & { id?: string },
  now: number,
): typeof employees.$inferSelect {
  return { id: newId(), ...fields, active: true, consentAt: null, consentVersion: null, anonymizedAt: null, createdAt: now, updatedAt: now };
}

/** Deactivation ends every way in at once: console sessions, and every passkey (extension tokens die with them). */
function endAccess(db: DB, employeeId: string, now: number, by: string) {
  return [
    db.delete(sessions).where(eq(sessions.employeeId, employeeId)),
    db.update(devices).set({ revokedAt: now, revokedBy: by }).where(and(eq(devices.employeeId, employeeId), isNull(devices.revokedAt))),
  ] as const;
}

async function loadEmployee(db: DB, principal: Principal, id: string) {
  await assertInScope(db, principal, id);
  const [row] = await db.select().from(employees).where(eq(employees.id, id)).limit(1);
  if (!row) throw new ApiError(404, "NOT_FOUND", "No such employee.");
  return row;
}

/** The employee a write is about, once the principal may change them (and make `change`). */
async function loadWritable(db: DB, principal: Principal, id: string, change?: WriteChange) {
  const [row] = await db.select().from(employees).where(eq(employees.id, id)).limit(1);
  if (!row) throw new ApiError(404, "NOT_FOUND", "No such employee.");
  await assertCanWrite(db, principal, row, change);
  return row;
}

/** Adding people is admin-only, refused before the body is read: nobody else may learn which emails are taken. */
const adminsOnly = createMiddleware<AppEnv>(async (c, next) => {
  requireRole(c.var.principal, ["admin"], "Only admins can add employees.");
  await next();
});

async function checkManager(db: DB, principal: Principal, managerId: string | null, employeeId?: string) {
  if (managerId === null) {
    if (principal.role === "manager") throw new ApiError(403, "FORBIDDEN", "Managers can only manage their own reports.");
    return;
  }
  const [manager] = await db.select({ id: employees.id }).from(employees).where(eq(employees.id, managerId)).limit(1);
  if (!manager) throw new ApiError(400, "VALIDATION_FAILED", "The manager does not exist.", { issues: [{ path: "managerId", message: "unknown employee" }] });
  if (employeeId && (managerId === employeeId || (await reportIds(db, employeeId)).has(managerId))) {
    throw new ApiError(400, "VALIDATION_FAILED", "An employee cannot report to themselves or to one of their reports.");
  }
  if (principal.role === "manager" && managerId !== principal.id) await assertInScope(db, principal, managerId);
}

async function checkSchedule(db: DB, scheduleId: string | null | undefined) {
  if (scheduleId === undefined || scheduleId === null) return;
  const [row] = await db.select({ id: schedules.id }).from(schedules).where(eq(schedules.id, scheduleId)).limit(1);
  if (!row) throw new ApiError(400, "VALIDATION_FAILED", "The schedule does not exist.", { issues: [{ path: "scheduleId", message: "unknown schedule" }] });
}

async function loadLocation(db: DB, employeeId: string, locationId: string) {
  const [row] = await db
    .select()
    .from(employeeLocations)
    .where(and(eq(employeeLocations.id, locationId), eq(employeeLocations.employeeId, employeeId)))
    .limit(1);
  if (!row) throw new ApiError(404, "NOT_FOUND", "No such location.");
  return row;
}

async function emailTaken(db: DB, email: string, exceptId?: string) {
  const [row] = await db.select({ id: employees.id }).from(employees).where(eq(employees.email, email)).limit(1);
  return row !== undefined && row.id !== exceptId;
}

const ERRORS: ErrorCode[] = ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "VALIDATION_FAILED"];

export const employeeRoutes = new Hono<AppEnv>()
  .get(
    "/",
    describeRoute({ summary: "List employees (managers: their reports)", tags: ["admin"], auth: "console", responses: { 200: EmployeeListSchema }, errors: ERRORS }),
    validate("query", EmployeeListQuerySchema),
    async (c) => {
      const { active, q } = c.req.valid("query");
      const conditions: (SQL | undefined)[] = [scopeCondition(c.var.principal, employees.id)];
      if (active) conditions.push(eq(employees.active, active === "true"));
      if (q) {
        const pattern = `%${q.toLowerCase().replace(/[%_\\]/g, (ch) => `\\${ch}`)}%`;
        conditions.push(sql`(lower(${employees.name}) LIKE ${pattern} ESCAPE '\\' OR ${employees.email} LIKE ${pattern} ESCAPE '\\')`);
      }
      const rows = await c.var.db.select().from(employees).where(and(...conditions)).orderBy(asc(employees.name), asc(employees.id));
      return c.json({ items: rows.map(toEmployee) });
    },
  )
  .post(
    "/",
    describeRoute({ summary: "Create an employee (admins only)", tags: ["admin"], auth: "console", responses: { 201: EmployeeSchema }, errors: [...ERRORS, "EMAIL_TAKEN"] }),
    adminsOnly,
    validate("json", CreateEmployeeRequestSchema),
    async (c) => {
      const db = c.var.db;
      const principal = c.var.principal;
      const body = c.req.valid("json");
      const managerId = body.managerId ?? null;
      await checkManager(db, principal, managerId);
      if (await emailTaken(db, body.email)) throw new ApiError(409, "EMAIL_TAKEN", "An employee with this email already exists.");
      const now = Date.now();
      const row = newEmployeeRow({ name: body.name, email: body.email, role: body.role, managerId, timezone: body.timezone ?? null, scheduleId: null }, now);
      try {
        await db.batch([
          db.insert(employees).values(row),
          auditChange(c, { action: "employee.created", at: now, subjectType: "employee", subjectId: row.id, data: { ...body } }),
        ]);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ApiError(409, "EMAIL_TAKEN", "An employee with this email already exists.");
        throw err;
      }
      return c.json(toEmployee(row), 201);
    },
  )
  .post(
    "/import",
    describeRoute({
      summary: "Import employees from rows (a parsed CSV): dryRun checks every row and writes nothing; otherwise all rows or none, in one write",
      tags: ["admin"],
      auth: "console",
      responses: { 200: EmployeeImportResultSchema },
      errors: ERRORS,
    }),
    validate("json", EmployeeImportRequestSchema),
    async (c) => {
      const db = c.var.db;
      requireRole(c.var.principal, ["admin"], "Only admins add employees.");
      const { rows, dryRun } = c.req.valid("json");
      const emails = [...new Set(rows.flatMap((r) => [r.email, r.managerEmail ?? ""]).map((e) => e.trim().toLowerCase()).filter(Boolean))];
      const [known, scheduleRows] = await db.batch([
        db.select({ id: employees.id, email: employees.email }).from(employees).where(sql`${employees.email} IN (SELECT value FROM json_each(${JSON.stringify(emails)}))`),
        db.select({ id: schedules.id, name: schedules.name }).from(schedules),
      ]);
      const { checks, plan } = planImport(rows, {
        emails: new Map(known.map((k) => [k.email, k.id])),
        schedulesByName: new Map(scheduleRows.map((s) => [s.name, s.id])),
      });
      if (dryRun || !plan) return c.json({ rows: checks, created: [] });
      const now = Date.now();
      const ids = new Map(plan.map((p) => [p.email, newId()]));
      const created = plan.map((p) =>
        newEmployeeRow(
          {
            id: ids.get(p.email)!,
            name: p.name,
            email: p.email,
            role: p.role,
            managerId: p.manager === null ? null : "id" in p.manager ? p.manager.id : ids.get(p.manager.email)!,
            timezone: p.timezone,
            scheduleId: p.scheduleId,
          },
          now,
        ),
      );
      try {
        await db.batch([
          ...created.map((row) => db.insert(employees).values(row)),
          auditChange(c, { action: "employees.imported", at: now, subjectType: "employee", subjectId: null, data: { count: created.length, ids: created.map((r) => r.id) } }),
        ] as unknown as Parameters<typeof db.batch>[0]);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ApiError(409, "EMAIL_TAKEN", "An employee with one of these emails was added meanwhile. Check the rows again.");
        throw err;
      }
      return c.json({ rows: checks, created: created.map(toEmployee) });
    },
  )
  .get(
    "/:id",
    describeRoute({ summary: "One employee", tags: ["admin"], auth: "console", responses: { 200: EmployeeSchema }, errors: ERRORS }),
    validate("param", IdParamSchema),
    async (c) => c.json(toEmployee(await loadEmployee(c.var.db, c.var.principal, c.req.valid("param").id))),
  )
  .patch(
    "/:id",
    describeRoute({
      summary: "Change an employee (managers: their reports whose role is employee, not the email or role)",
      tags: ["admin"],
      auth: "console",
      responses: { 200: EmployeeSchema },
      errors: [...ERRORS, "EMAIL_TAKEN"],
    }),
    validate("param", IdParamSchema),
    validate("json", UpdateEmployeeRequestSchema),
    async (c) => {
      const db = c.var.db;
      const principal = c.var.principal;
      const body = c.req.valid("json");
      const current = await loadWritable(db, principal, c.req.valid("param").id, { role: body.role, email: body.email });
      if (body.managerId !== undefined) await checkManager(db, principal, body.managerId, current.id);
      await checkSchedule(db, body.scheduleId);
      if (body.email && (await emailTaken(db, body.email, current.id))) throw new ApiError(409, "EMAIL_TAKEN", "An employee with this email already exists.");
      if (current.id === principal.id && (body.active === false || (body.role && body.role !== current.role))) {
        throw new ApiError(400, "VALIDATION_FAILED", "You cannot deactivate yourself or change your own role.");
      }
      const now = Date.now();
      const [[updated]] = await db.batch([
        db.update(employees).set({ ...body, updatedAt: now }).where(eq(employees.id, current.id)).returning(),
        auditChange(c, { action: "employee.updated", at: now, subjectType: "employee", subjectId: current.id, data: { ...body } }),
        ...(body.active === false ? endAccess(db, current.id, now, principal.id) : []),
      ]);
      return c.json(toEmployee(updated!));
    },
  )
  .delete(
    "/:id",
    describeRoute({ summary: "Deactivate an employee (records are kept; sessions end; punches are refused)", tags: ["admin"], auth: "console", responses: { 200: EmployeeSchema }, errors: ERRORS }),
    validate("param", IdParamSchema),
    async (c) => {
      const db = c.var.db;
      const principal = c.var.principal;
      const current = await loadWritable(db, principal, c.req.valid("param").id);
      if (current.id === principal.id) throw new ApiError(400, "VALIDATION_FAILED", "You cannot deactivate yourself.");
      const now = Date.now();
      const [[updated]] = await db.batch([
        db.update(employees).set({ active: false, updatedAt: now }).where(eq(employees.id, current.id)).returning(),
        ...endAccess(db, current.id, now, principal.id),
        auditChange(c, { action: "employee.deactivated", at: now, subjectType: "employee", subjectId: current.id }),
      ]);
      return c.json(toEmployee(updated!));
    },
  )
  .post(
    "/:id/enrollment-codes",
    describeRoute({ summary: "Issue a one-time enrolment code (72 h)", tags: ["admin"], auth: "console", responses: { 201: EnrollmentCodeResponseSchema }, errors: ERRORS }),
    validate("param", IdParamSchema),
    validate("json", EnrollmentCodeRequestSchema),
    async (c) => {
      const db = c.var.db;
      const principal = c.var.principal;
      const employee = await loadWritable(db, principal, c.req.valid("param").id);
      const { purpose } = c.req.valid("json");
      if (purpose === "console") requireRole(principal, ["admin"], "Only admins can issue console codes.");
      if (!employee.active) throw new ApiError(400, "VALIDATION_FAILED", "This employee is deactivated.");
      const now = Date.now();
      const code = await newCodeInsert(db, { employeeId: employee.id, purpose, createdBy: principal.id, now, secret: c.env.NONCE_SECRET });
      await db.batch([
        code.insert,
        auditChange(c, { action: "enrollment_code.issued", at: now, subjectType: "employee", subjectId: employee.id, data: { purpose } }),
      ]);
      return c.json({ code: code.code, expiresAt: code.expiresAt, purpose }, 201);
    },
  )
  .get(
    "/:id/devices",
    describeRoute({ summary: "An employee's passkeys", tags: ["admin"], auth: "console", responses: { 200: DeviceListSchema }, errors: ERRORS }),
    validate("param", IdParamSchema),
    async (c) => {
      const employee = await loadEmployee(c.var.db, c.var.principal, c.req.valid("param").id);
      const [rows, lastUse] = await c.var.db.batch(deviceListQueries(c.var.db, employee.id));
      return c.json({ items: withLastUse(rows, lastUse) });
    },
  )
  .get(
    "/:id/locations",
    describeRoute({ summary: "An employee's approved remote places (home offices), by name", tags: ["admin", "rules"], auth: "console", responses: { 200: LocationListSchema }, errors: ERRORS }),
    validate("param", IdParamSchema),
    async (c) => {
      const employee = await loadEmployee(c.var.db, c.var.principal, c.req.valid("param").id);
      const rows = await c.var.db
        .select()
        .from(employeeLocations)
        .where(eq(employeeLocations.employeeId, employee.id))
        .orderBy(asc(employeeLocations.name), asc(employeeLocations.id));
      return c.json({ items: rows.map(toLocation) });
    },
  )
  .post(
    "/:id/locations",
    describeRoute({ summary: "Approve a remote place for an employee (a geofence)", tags: ["admin", "rules"], auth: "console", responses: { 201: LocationSchema }, errors: ERRORS }),
    validate("param", IdParamSchema),
    validate("json", LocationInputSchema),
    async (c) => {
      const db = c.var.db;
      const employee = await loadWritable(db, c.var.principal, c.req.valid("param").id);
      const body = c.req.valid("json");
      const now = Date.now();
      const row = { id: newId(), employeeId: employee.id, ...body, createdAt: now, updatedAt: now };
      await db.batch([
        db.insert(employeeLocations).values(row),
        auditChange(c, { action: "location.created", at: now, subjectType: "location", subjectId: row.id, data: toLocation(row) }),
      ]);
      return c.json(toLocation(row), 201);
    },
  )
  .patch(
    "/:id/locations/:locationId",
    describeRoute({ summary: "Change an employee's remote place", tags: ["admin", "rules"], auth: "console", responses: { 200: LocationSchema }, errors: ERRORS }),
    validate("param", LocationParamSchema),
    validate("json", LocationUpdateSchema),
    async (c) => {
      const db = c.var.db;
      const { id, locationId } = c.req.valid("param");
      const employee = await loadWritable(db, c.var.principal, id);
      const current = await loadLocation(db, employee.id, locationId);
      const body = c.req.valid("json");
      const now = Date.now();
      const [[updated]] = await db.batch([
        db.update(employeeLocations).set({ ...body, updatedAt: now }).where(eq(employeeLocations.id, current.id)).returning(),
        auditChange(c, { action: "location.updated", at: now, subjectType: "location", subjectId: current.id, data: { employeeId: employee.id, ...body } }),
      ]);
      if (!updated) throw new ApiError(404, "NOT_FOUND", "No such location.");
      return c.json(toLocation(updated));
    },
  )
  .delete(
    "/:id/locations/:locationId",
    describeRoute({ summary: "Withdraw an employee's remote place", tags: ["admin", "rules"], auth: "console", responses: { 200: LocationSchema }, errors: ERRORS }),
    validate("param", LocationParamSchema),
    async (c) => {
      const db = c.var.db;
      const { id, locationId } = c.req.valid("param");
      const employee = await loadWritable(db, c.var.principal, id);
      const current = await loadLocation(db, employee.id, locationId);
      const now = Date.now();
      await db.batch([
        db.delete(employeeLocations).where(eq(employeeLocations.id, current.id)),
        auditChange(c, { action: "location.deleted", at: now, subjectType: "location", subjectId: current.id, data: toLocation(current) }),
      ]);
      return c.json(toLocation(current));
    },
  );
