import { and, asc, desc, eq, gte, lt, lte, type SQL, sql } from "drizzle-orm";
import { Hono } from "hono";
import { AuditCheckpointListSchema, AuditPageSchema, AuditQuerySchema, AuditVerifyQuerySchema, AuditVerifySchema } from "../../../shared/api";
import { sealAuditLog, verifyAuditChain } from "../../services/audit";
import { auditCheckpoints, auditLog } from "../../db/schema";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi";
import { toAuditEntry } from "../../services/records";
import { roleGate } from "../../services/scope";
import { validate } from "../../validation";

/** The action of the entry every device punch gets from the database (migration 0003). */
const PUNCH_RECORDED = "punch.recorded";

/** The audit log, newest first: admins and auditors only (it names everyone). */
export const auditRoutes = new Hono<AppEnv>()
  .use(roleGate(["admin", "auditor"], "Only admins and auditors read the audit log."))
  .get(
    "/",
    describeRoute({
      summary: "Audit entries, newest first, by actor, action (or prefix ending in a dot), target and time; with each entry's chain hashes",
      tags: ["admin", "audit"],
      auth: "console",
      responses: { 200: AuditPageSchema },
      errors: ["UNAUTHENTICATED", "FORBIDDEN", "VALIDATION_FAILED"],
    }),
    validate("query", AuditQuerySchema),
    async (c) => {
      const q = c.req.valid("query");
      const conditions: (SQL | undefined)[] = [];
      if (q.actor) conditions.push(eq(auditLog.actorId, q.actor));
      if (q.action) {
        // A prefix ending in a dot ("security.") is the range of actions from it up to the next
        // character after the dot ('/'): the action index serves it as it serves one action.
        if (q.action.endsWith(".")) conditions.push(gte(auditLog.action, q.action), lt(auditLog.action, `${q.action.slice(0, -1)}/`));
        else conditions.push(eq(auditLog.action, q.action));
        // Lets the action index (which leaves out the punches' entries) serve any other action.
        // (As a literal: SQLite matches a partial index's condition only to the same text, not to a bound value.)
        const coversPunches = q.action.endsWith(".") ? PUNCH_RECORDED.startsWith(q.action) : q.action === PUNCH_RECORDED;
        if (!coversPunches) conditions.push(sql`${auditLog.action} <> 'punch.recorded'`);
      }
      if (q.target) conditions.push(eq(auditLog.subjectId, q.target));
      if (q.from !== undefined) conditions.push(gte(auditLog.at, q.from));
      if (q.to !== undefined) conditions.push(lte(auditLog.at, q.to));
      if (q.cursor) {
        if (!/^\d{1,16}$/.test(q.cursor)) throw new ApiError(400, "VALIDATION_FAILED", "The cursor is not one this server gave out.");
        conditions.push(lt(auditLog.seq, Number(q.cursor)));
      }
      const rows = await c.var.db
        .select()
        .from(auditLog)
        .where(and(...conditions))
        .orderBy(desc(auditLog.seq))
        .limit(q.limit + 1);
      const items = rows.slice(0, q.limit);
      return c.json({ items: items.map(toAuditEntry), nextCursor: rows.length > q.limit ? String(items[items.length - 1]!.seq) : null });
    },
  )
  .get(
    "/verify",
    describeRoute({
      summary: "Seal what is pending, then check the whole chain and its signed checkpoints: { ok, checked, firstBadSeq? } (continue with from=lastSeq when not complete)",
      tags: ["admin", "audit"],
      auth: "console",
      responses: { 200: AuditVerifySchema },
      errors: ["UNAUTHENTICATED", "FORBIDDEN", "VALIDATION_FAILED"],
    }),
    validate("query", AuditVerifyQuerySchema),
    async (c) => {
      const { from } = c.req.valid("query");
      const seal = from ? null : await sealAuditLog(c.var.db, c.env.RECEIPT_KEY, { now: Date.now(), budgetMs: 10_000 });
      const check = await verifyAuditChain(c.var.db, c.env.RECEIPT_KEY, { from, budgetMs: 20_000 });
      return c.json({ ...check, sealed: seal?.sealed ?? 0 });
    },
  )
  .get(
    "/checkpoints",
    describeRoute({
      summary: "Every signed checkpoint of the chain's head, oldest first: with the receipt key, they show the log was not cut",
      tags: ["admin", "audit"],
      auth: "console",
      responses: { 200: AuditCheckpointListSchema },
      errors: ["UNAUTHENTICATED", "FORBIDDEN"],
    }),
    async (c) => c.json({ items: await c.var.db.select().from(auditCheckpoints).orderBy(asc(auditCheckpoints.seq)) }),
  );
