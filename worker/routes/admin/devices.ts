import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { DeviceSchema, IdParamSchema } from "../../../shared/api";
import { devices, employees, sessions } from "../../db/schema";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi";
import { auditChange } from "../../services/audit";
import { toDevice } from "../../services/records";
import { assertCanWrite } from "../../services/scope";
import { validate } from "../../validation";

export const deviceRoutes = new Hono<AppEnv>().delete(
  "/:id",
  describeRoute({
    summary: "Revoke a passkey at once (its punches are refused from now on; managers: their reports whose role is employee)",
    tags: ["admin"],
    auth: "console",
    responses: { 200: DeviceSchema },
    errors: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"],
  }),
  validate("param", IdParamSchema),
  async (c) => {
    const db = c.var.db;
    const principal = c.var.principal;
    const [found] = await db
      .select({ device: devices, role: employees.role })
      .from(devices)
      .innerJoin(employees, eq(employees.id, devices.employeeId))
      .where(eq(devices.id, c.req.valid("param").id))
      .limit(1);
    if (!found) throw new ApiError(404, "NOT_FOUND", "No such device.");
    const { device } = found;
    await assertCanWrite(db, principal, { id: device.employeeId, role: found.role });
    if (device.revokedAt !== null) return c.json(toDevice(device));
    const now = Date.now();
    const [[revoked]] = await db.batch([
      db.update(devices).set({ revokedAt: now, revokedBy: principal.id }).where(eq(devices.id, device.id)).returning(),
      // Sessions opened with this passkey end with it.
      db.delete(sessions).where(eq(sessions.deviceId, device.id)),
      auditChange(c, { action: "device.revoked", at: now, subjectType: "device", subjectId: device.id, data: { employeeId: device.employeeId } }),
    ]);
    return c.json(toDevice(revoked!));
  },
);
