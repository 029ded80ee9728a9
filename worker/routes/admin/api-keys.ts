import { asc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { ApiKeyCreatedSchema, ApiKeyListSchema, ApiKeyRequestSchema, ApiKeySchema, IdParamSchema } from "../../../shared/api";
import type { ErrorCode } from "../../../shared/errors";
import { apiKeys } from "../../db/schema";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi";
import { auditChange } from "../../services/audit";
import { hashSecret, newId, randomToken } from "../../services/crypto";
import { toApiKey } from "../../services/records";
import { roleGate } from "../../services/scope";
import { validate } from "../../validation";

const ERRORS: ErrorCode[] = ["UNAUTHENTICATED", "FORBIDDEN", "VALIDATION_FAILED"];

/** Keys for integrations (payroll, HR systems): admins create, list and revoke them. */
export const apiKeyRoutes = new Hono<AppEnv>()
  .use(roleGate(["admin"], "Only admins manage API keys."))
  .get(
    "/",
    describeRoute({ summary: "API keys, oldest first (never the keys themselves)", tags: ["admin"], auth: "console", responses: { 200: ApiKeyListSchema }, errors: ERRORS }),
    async (c) => {
      const rows = await c.var.db.select().from(apiKeys).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
      return c.json({ items: rows.map(toApiKey) });
    },
  )
  .post(
    "/",
    describeRoute({ summary: "Create an API key with a role; the key is in this answer only", tags: ["admin"], auth: "console", responses: { 201: ApiKeyCreatedSchema }, errors: ERRORS }),
    validate("json", ApiKeyRequestSchema),
    async (c) => {
      const { label, role } = c.req.valid("json");
      const key = `cwk_${randomToken(32)}`;
      const now = Date.now();
      const row = { id: newId(), name: label, role, keyHash: await hashSecret(key), createdBy: c.var.principal.id, createdAt: now, lastUsedAt: null, revokedAt: null };
      await c.var.db.batch([
        c.var.db.insert(apiKeys).values(row),
        auditChange(c, { action: "api_key.created", at: now, subjectType: "api_key", subjectId: row.id, data: { label, role } }),
      ]);
      return c.json({ ...toApiKey(row), key }, 201);
    },
  )
  .delete(
    "/:id",
    describeRoute({ summary: "Revoke an API key at once", tags: ["admin"], auth: "console", responses: { 200: ApiKeySchema }, errors: [...ERRORS, "NOT_FOUND"] }),
    validate("param", IdParamSchema),
    async (c) => {
      const db = c.var.db;
      const [current] = await db.select().from(apiKeys).where(eq(apiKeys.id, c.req.valid("param").id)).limit(1);
      if (!current) throw new ApiError(404, "NOT_FOUND", "No such API key.");
      if (current.revokedAt !== null) return c.json(toApiKey(current));
      const now = Date.now();
      const [[revoked]] = await db.batch([
        db.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, current.id)).returning(),
        auditChange(c, { action: "api_key.revoked", at: now, subjectType: "api_key", subjectId: current.id, data: { label: current.name } }),
      ]);
      return c.json(toApiKey(revoked!));
    },
  );
