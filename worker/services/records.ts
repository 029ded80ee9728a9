import type { Device, Employee, PunchRecord } from "../../shared/api";
import type { PunchGeo } from "../../shared/punch";
import type { ReasonCode } from "../../shared/settings";
import type { devices, employees, punches } from "../db/schema";

type EmployeeRow = typeof employees.$inferSelect;
type DeviceRow = typeof devices.$inferSelect;
type PunchRow = typeof punches.$inferSelect;

export function toEmployee(row: EmployeeRow): Employee {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    managerId: row.managerId,
    timezone: row.timezone,
    scheduleId: row.scheduleId,
    active: row.active,
    createdAt: row.createdAt,
  };
}

export function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    employeeId: row.employeeId,
    kind: row.kind,
    credentialId: row.credentialId,
    label: row.label,
    backedUp: row.backedUp,
    transports: row.transports,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

export function punchGeo(row: Pick<PunchRow, "geoLat" | "geoLon" | "geoAccuracy" | "geoError">): PunchGeo {
  if (row.geoLat !== null && row.geoLon !== null) {
    return { lat: row.geoLat, lon: row.geoLon, accuracy: row.geoAccuracy ?? 0 };
  }
  return { error: (row.geoError ?? "unavailable") as "denied" | "unavailable" | "timeout" | "unsupported" };
}

export function toPunchRecord(row: PunchRow): PunchRecord {
  return {
    id: row.id,
    employeeId: row.employeeId,
    deviceId: row.deviceId,
    kind: row.kind,
    status: row.status,
    mode: row.mode,
    effectiveTime: row.effectiveTime,
    receivedAt: row.receivedAt,
    clientTime: row.clientTime,
    reasons: row.reasons as ReasonCode[],
    localDate: row.localDate,
    tz: row.tz,
    geo: punchGeo(row),
    ip: row.ip,
    country: row.country,
  };
}
