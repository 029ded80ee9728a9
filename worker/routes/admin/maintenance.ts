import { Hono } from "hono";
import { MaintenanceReportSchema } from "../../../shared/api";
import type { AppEnv } from "../../env";
import { describeRoute } from "../../openapi";
import { runMaintenance } from "../../services/maintenance";
import { requireRole } from "../../services/scope";

/**
 * The scheduled handler's work on demand: for an admin who wants the audit log sealed now, and
 * locally, where `wrangler dev` cannot fire the cron of a Worker that serves static assets.
 */
export const maintenanceRoutes = new Hono<AppEnv>().post(
  "/",
  describeRoute({
    summary: "Run the scheduled maintenance now (expire sessions, write security events to the audit log, seal it)",
    tags: ["admin"],
    auth: "console",
    responses: { 200: MaintenanceReportSchema },
    errors: ["UNAUTHENTICATED", "FORBIDDEN"],
  }),
  async (c) => {
    requireRole(c.var.principal, ["admin"], "Only admins can run maintenance.");
    return c.json(await runMaintenance(c.var.db, c.env, Date.now()));
  },
);
