import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { HealthResponseSchema, ReceiptKeySchema, SetupRequestSchema, SetupResponseSchema } from "../../shared/api";
import { batchableRun } from "../db/client";
import { employees } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { describeRoute } from "../openapi";
import { auditInsert } from "../services/audit";
import { newId, receiptKeysFor, secretsEqual } from "../services/crypto";
import { newCodeInsert } from "../services/enrollment";
import { clientIp } from "../services/request";
import { validate } from "../validation";

export const VERSION = "0.1.0";

export const publicRoutes = new Hono<AppEnv>()
  .get(
    "/health",
    describeRoute({ summary: "Liveness", tags: ["public"], responses: { 200: HealthResponseSchema } }),
    (c) => c.json({ ok: true as const, version: VERSION }),
  )
  .get(
    "/receipts/key",
    describeRoute({ summary: "Public JWK that verifies punch receipts", tags: ["public"], responses: { 200: ReceiptKeySchema } }),
    async (c) => c.json((await receiptKeysFor(c.env.RECEIPT_KEY)).publicJwk),
  )
  .post(
    "/setup",
    describeRoute({
      summary: "Create the first admin with the setup token",
      tags: ["public"],
      responses: { 201: SetupResponseSchema },
      errors: ["SETUP_TOKEN_INVALID", "ALREADY_SET_UP"],
    }),
    validate("json", SetupRequestSchema),
    async (c) => {
      const db = c.var.db;
      const body = c.req.valid("json");
      const [admin] = await db.select({ id: employees.id }).from(employees).where(sql`${employees.role} = 'admin'`).limit(1);
      if (admin) throw new ApiError(409, "ALREADY_SET_UP", "Clockwork is already set up. Sign in to the console instead.");
      if (!c.env.SETUP_TOKEN || !(await secretsEqual(body.token, c.env.SETUP_TOKEN))) {
        throw new ApiError(401, "SETUP_TOKEN_INVALID", "The setup token is not right. `npm start` prints it.");
      }
      const now = Date.now();
      const employeeId = newId();
      const code = await newCodeInsert(db, { employeeId, purpose: "console", createdBy: null, now, secret: c.env.NONCE_SECRET });
      try {
        // Conditional insert: two setups at once still make one admin (the code's foreign key then fails).
        await db.batch([
          batchableRun(db, sql`INSERT INTO employees (id, name, email, role, active, created_at, updated_at)
            SELECT ${employeeId}, ${body.name}, ${body.email}, 'admin', 1, ${now}, ${now}
            WHERE NOT EXISTS (SELECT 1 FROM employees WHERE role = 'admin')`),
          code.insert,
          auditInsert(db, {
            action: "setup.completed",
            at: now,
            actor: { type: "anonymous" },
            subjectType: "employee",
            subjectId: employeeId,
            data: { name: body.name, email: body.email },
            ip: clientIp(c),
          }),
        ]);
      } catch {
        throw new ApiError(409, "ALREADY_SET_UP", "Clockwork is already set up. Sign in to the console instead.");
      }
      return c.json({ employeeId, consoleEnrollmentCode: code.code }, 201);
    },
  );
