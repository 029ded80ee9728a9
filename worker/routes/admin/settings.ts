import type { ErrorCode } from "../../../shared/errors";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { SettingsResponseSchema, SettingsUpdateSchema } from "../../../shared/api";
import { StoredSettingsSchema, mergeSettings, resolveSettings } from "../../../shared/settings";
import { settings } from "../../db/schema";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi";
import { auditChange } from "../../services/audit";
import { policyFrom, policyQuery } from "../../services/policy";
import { validate } from "../../validation";

/** Managers have no settings (API.md roles); auditors read them; admins change them. */
const settingsAccess = createMiddleware<AppEnv>(async (c, next) => {
  const role = c.var.principal.role;
  if (role === "manager") throw new ApiError(403, "FORBIDDEN", "Managers have no access to settings.");
  if (c.req.method !== "GET" && c.req.method !== "HEAD" && role !== "admin") throw new ApiError(403, "FORBIDDEN", "Only admins can change settings.");
  await next();
});

const ERRORS: ErrorCode[] = ["UNAUTHENTICATED", "FORBIDDEN", "VALIDATION_FAILED"];

export const settingsRoutes = new Hono<AppEnv>()
  .use(settingsAccess)
  .get(
    "/",
    describeRoute({ summary: "Company policy, every default filled in", tags: ["admin", "rules"], auth: "console", responses: { 200: SettingsResponseSchema }, errors: ERRORS }),
    async (c) => c.json(policyFrom(await policyQuery(c.var.db))),
  )
  .patch(
    "/",
    describeRoute({
      summary: "Change some settings (outcomes merge per reason); answers the policy now in force",
      tags: ["admin", "rules"],
      auth: "console",
      responses: { 200: SettingsResponseSchema },
      errors: ERRORS,
    }),
    validate("json", SettingsUpdateSchema),
    async (c) => {
      const db = c.var.db;
      const body = c.req.valid("json");
      const [row] = await policyQuery(db);
      // Only what admins set is stored, so untouched settings follow the defaults. A stored
      // document that no longer parses is in force as the defaults, so it is the base as such.
      const parsed = StoredSettingsSchema.safeParse(row?.data ?? {});
      const base = parsed.success ? parsed.data : {};
      const data = mergeSettings(base, body);
      const now = Date.now();
      const principal = c.var.principal;
      await db.batch([
        db
          .insert(settings)
          .values({ id: 1, data, updatedAt: now, updatedBy: principal.id })
          .onConflictDoUpdate({ target: settings.id, set: { data, updatedAt: now, updatedBy: principal.id } }),
        auditChange(c, { action: "settings.updated", at: now, subjectType: "settings", subjectId: "1", data: { ...body } }),
      ]);
      return c.json(resolveSettings(data));
    },
  );
