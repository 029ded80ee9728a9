import type { ApiKey, AuditEntryRecord, Correction, Device, Employee, Holiday, Location, Network, PunchRecord, ScheduleRecord, Site } from "../../shared/api";
import type { PunchGeo } from "../../shared/punch";
import type { ReasonCode } from "../../shared/settings";
import type { apiKeys, auditLog, corrections, devices, employeeLocations, employees, holidays, networks, punches, schedules, sites } from "../db/schema";

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

export function toPunchRecord(row: Omit<PunchRow, "signedPunch" | "assertion">): PunchRecord {
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
    reasons: row.reasons,
    localDate: row.localDate,
    tz: row.tz,
    geo: punchGeo(row),
    ip: row.ip,
    country: row.country,
    ...(row.reviewDecision && row.reviewBy && row.reviewAt !== null
      ? { review: { decision: row.reviewDecision, by: row.reviewBy, at: row.reviewAt, comment: row.reviewComment ?? "" } }
      : {}),
    ...(row.correctionId ? { correctionId: row.correctionId } : {}),
    ...(row.createdBy ? { createdBy: row.createdBy } : {}),
    ...(row.note ? { note: row.note } : {}),
  };
}

type CorrectionRow = typeof corrections.$inferSelect;

export function toCorrection(row: CorrectionRow): Correction {
  return {
    id: row.id,
    employeeId: row.employeeId,
    date: row.date,
    kind: row.kind,
    time: row.time,
    reason: row.reason,
    status: row.status,
    evidence: row.evidence.map(({ id, name, type, size }) => ({ id, name, type, size })),
    createdAt: row.createdAt,
    ...(row.decidedAt !== null ? { decidedAt: row.decidedAt } : {}),
    ...(row.decidedBy !== null ? { decidedBy: row.decidedBy } : {}),
    ...(row.comment !== null ? { comment: row.comment } : {}),
    ...(row.punchId !== null ? { punchId: row.punchId } : {}),
    ...(row.evidenceErasedAt !== null ? { evidenceErasedAt: row.evidenceErasedAt } : {}),
  };
}

type SiteRow = typeof sites.$inferSelect;
type LocationRow = typeof employeeLocations.$inferSelect;
type NetworkRow = typeof networks.$inferSelect;
type ScheduleRow = typeof schedules.$inferSelect;
type HolidayRow = typeof holidays.$inferSelect;

export function toSite(row: SiteRow): Site {
  return {
    id: row.id,
    name: row.name,
    lat: row.lat,
    lon: row.lon,
    radiusM: row.radiusM,
    employeeIds: row.employeeIds ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toLocation(row: LocationRow): Location {
  return {
    id: row.id,
    employeeId: row.employeeId,
    name: row.name,
    lat: row.lat,
    lon: row.lon,
    radiusM: row.radiusM,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toNetwork(row: NetworkRow): Network {
  return {
    id: row.id,
    name: row.name,
    cidr: row.cidr,
    employeeIds: row.employeeIds ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toSchedule(row: ScheduleRow): ScheduleRecord {
  return {
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    kind: row.kind,
    days: row.days,
    graceLateMin: row.graceLateMin,
    graceEarlyMin: row.graceEarlyMin,
    earliestInMin: row.earliestInMin,
    coreStart: row.coreStart,
    coreEnd: row.coreEnd,
    requiredMinutes: row.requiredMinutes,
    restDayWorkAllowed: row.restDayWorkAllowed,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toHoliday(row: HolidayRow): Holiday {
  return { id: row.id, date: row.date, name: row.name, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

export function toApiKey(row: typeof apiKeys.$inferSelect): ApiKey {
  return {
    id: row.id,
    label: row.name,
    role: row.role,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

export function toAuditEntry(row: typeof auditLog.$inferSelect): AuditEntryRecord {
  return {
    seq: row.seq,
    at: row.at,
    actorType: row.actorType,
    actorId: row.actorId,
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    data: row.data ?? null,
    ip: row.ip,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
