import { and, asc, eq, max, type SQL } from "drizzle-orm";
import type { Device } from "../../shared/api";
import type { DB } from "../db/client";
import { devices, punches } from "../db/schema";
import { toDevice } from "./records";

/**
 * The queries that list an employee's passkeys with when each was last used. A punch does not
 * write to its device (that would cost a write per punch); its last use is its latest punch.
 */
export function deviceListQueries(db: DB, employeeId: string, kind?: "extension" | "console") {
  const conditions: SQL[] = [eq(devices.employeeId, employeeId)];
  if (kind) conditions.push(eq(devices.kind, kind));
  return [
    db.select().from(devices).where(and(...conditions)).orderBy(asc(devices.createdAt)),
    db
      .select({ deviceId: punches.deviceId, lastPunch: max(punches.receivedAt) })
      .from(punches)
      .where(eq(punches.employeeId, employeeId))
      .groupBy(punches.deviceId),
  ] as const;
}

export function withLastUse(
  rows: (typeof devices.$inferSelect)[],
  lastPunches: { deviceId: string | null; lastPunch: number | null }[],
): Device[] {
  const last = new Map(lastPunches.map((p) => [p.deviceId, p.lastPunch ?? 0]));
  return rows.map((row) => {
    const device = toDevice(row);
    const punched = last.get(row.id) ?? 0;
    return { ...device, lastUsedAt: Math.max(device.lastUsedAt ?? 0, punched) || null };
  });
}
