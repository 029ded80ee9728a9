import { z } from "zod";
import { PUNCH_KINDS, PunchGeoSchema, PunchSchema } from "./punch";
import { REASON_CODES } from "./settings";
import { ClockTimeSchema, ScheduleFieldsSchema } from "./schedule";
import { CorrectionPolicySchema, RetentionPolicySchema, SettingsSchema } from "./settings";
import { isValidTimeZone } from "./time";
import { isValidCidr, normalizeCidr } from "./network";
import { AuthenticationResponseJSONSchema, RegistrationResponseJSONSchema } from "./webauthn-json";

export const ROLES = ["employee", "manager", "auditor", "admin"] as const;
export type Role = (typeof ROLES)[number];

const Name = z.string().trim().min(1).max(200);
const Email = z.email().max(254).transform((email) => email.toLowerCase());
const TimeZone = z.string().min(1).max(64).refine(isValidTimeZone, "must be an IANA time zone");
const Id = z.string().min(1).max(64);
const EpochMs = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const LocalDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: "must be YYYY-MM-DD", abort: true })
  // A day of the calendar: 2026-02-30 is no date (Date.parse would roll it into March).
  .refine((date) => {
    const day = new Date(`${date}T00:00:00Z`);
    return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === date;
  }, "is not a date of the calendar");

// ---- records ---------------------------------------------------------------

export const EmployeeSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  managerId: z.string().nullable(),
  timezone: z.string().nullable(),
  scheduleId: z.string().nullable(),
  active: z.boolean(),
  createdAt: EpochMs,
});
export type Employee = z.infer<typeof EmployeeSchema>;

export const DeviceSchema = z.object({
  id: z.string(),
  employeeId: z.string(),
  kind: z.enum(["extension", "console"]),
  credentialId: z.string(),
  label: z.string().nullable(),
  backedUp: z.boolean(),
  transports: z.array(z.string()),
  createdAt: EpochMs,
  lastUsedAt: EpochMs.nullable(),
  revokedAt: EpochMs.nullable(),
});
export type Device = z.infer<typeof DeviceSchema>;

export const PUNCH_STATUSES = ["accepted", "flagged", "rejected"] as const;
/** How a punch came to be: signed now (online) or queued (offline), approved from a correction, or entered by a person. */
export const PUNCH_MODES = ["online", "offline", "correction", "manual"] as const;
export type PunchMode = (typeof PUNCH_MODES)[number];

/** A person's decision on a flagged punch; the rules' reasons stay beside it. */
export const PunchReviewSchema = z.object({
  decision: z.enum(["accept", "reject"]),
  by: z.string(),
  at: EpochMs,
  comment: z.string(),
});

export const PunchRecordSchema = z.object({
  id: z.string(),
  employeeId: z.string(),
  deviceId: z.string().nullable(),
  kind: z.enum(PUNCH_KINDS),
  status: z.enum(PUNCH_STATUSES),
  mode: z.enum(PUNCH_MODES),
  effectiveTime: EpochMs,
  receivedAt: EpochMs,
  clientTime: EpochMs,
  reasons: z.array(z.enum(REASON_CODES)),
  localDate: LocalDateSchema,
  tz: z.string(),
  geo: PunchGeoSchema,
  ip: z.string().nullable(),
  country: z.string().nullable(),
  review: PunchReviewSchema.optional(),
  /** The correction request an approved correction punch came from. */
  correctionId: z.string().optional(),
  /** Who entered a manual punch, or approved a correction, and why (manual). */
  createdBy: z.string().optional(),
  note: z.string().optional(),
});
export type PunchRecord = z.infer<typeof PunchRecordSchema>;

/** A server-signed statement that a punch was received; `payload` is the exact signed text. */
export const ReceiptSchema = z.object({
  payload: z.string(),
  signature: z.string(),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

/** What a receipt's payload says, once parsed. */
export const ReceiptPayloadSchema = z.object({
  v: z.literal(1),
  punchId: z.string(),
  employeeId: z.string(),
  kind: z.enum(PUNCH_KINDS),
  mode: z.enum(PUNCH_MODES),
  status: z.enum(PUNCH_STATUSES),
  reasons: z.array(z.string()),
  effectiveTime: EpochMs,
  receivedAt: EpochMs,
  /** base64url SHA-256 of the canonical punch: the challenge the employee signed. */
  punchHash: z.string(),
});
export type ReceiptPayload = z.infer<typeof ReceiptPayloadSchema>;

export const SessionSchema = z.object({ token: z.string(), expiresAt: EpochMs });

/**
 * `scheduled`: a working day that has not ended and has no punch yet (it becomes
 * `absent` once the shift is over without one).
 */
export const DAY_STATUSES = ["present", "late", "early_leave", "absent", "incomplete", "holiday", "rest_day", "scheduled"] as const;
export type DayStatus = (typeof DAY_STATUSES)[number];

export const DaySummarySchema = z.object({
  date: LocalDateSchema,
  status: z.enum(DAY_STATUSES),
  firstIn: EpochMs.nullable(),
  lastOut: EpochMs.nullable(),
  workedMinutes: z.number().int().min(0),
  lateMinutes: z.number().int().min(0),
  earlyLeaveMinutes: z.number().int().min(0),
  overtimeMinutes: z.number().int().min(0),
  flagged: z.array(z.string()),
});
export type DaySummary = z.infer<typeof DaySummarySchema>;

// ---- public ------------------------------------------------------------------

export const HealthResponseSchema = z.object({ ok: z.literal(true), version: z.string() });

export const SetupRequestSchema = z.strictObject({ token: z.string().min(1).max(512), name: Name, email: Email });
export const SetupResponseSchema = z.object({ employeeId: z.string(), consoleEnrollmentCode: z.string() });

export const ReceiptKeySchema = z
  .object({ kty: z.literal("EC"), crv: z.literal("P-256"), x: z.string(), y: z.string(), alg: z.literal("ES256"), kid: z.string() })
  .loose();

// ---- enrolment ----------------------------------------------------------------

const Code = z.string().min(1).max(64);

export const EnrollOptionsRequestSchema = z.strictObject({ code: Code });
export const EnrollOptionsResponseSchema = z.object({
  flowId: z.string(),
  options: z.record(z.string(), z.unknown()),
  employee: z.object({ id: z.string(), name: z.string() }),
});
export const EnrollVerifyRequestSchema = z.strictObject({
  flowId: Id,
  code: Code,
  response: RegistrationResponseJSONSchema,
  deviceLabel: z.string().trim().min(1).max(100).optional(),
  /** The employee saw what is collected and agreed (recorded in the audit log). */
  consent: z.boolean().optional(),
  /** Which version of the notice they saw (the extension's NOTICE_VERSION). */
  consentVersion: z.string().trim().min(1).max(40).optional(),
});
export const EnrollVerifyResponseSchema = z.object({
  employeeId: z.string(),
  credentialId: z.string(),
  session: SessionSchema,
  /** Decimals of latitude and longitude the company keeps (settings), as in GET /api/me. */
  locationPrecision: z.number().int().min(0).max(7),
});

// ---- punching -------------------------------------------------------------------

export const NonceResponseSchema = z.object({ nonce: z.string(), serverTime: EpochMs, expiresAt: EpochMs });

export const PunchRequestSchema = z.strictObject({ punch: PunchSchema, assertion: AuthenticationResponseJSONSchema });
export type PunchRequest = z.infer<typeof PunchRequestSchema>;

export const PunchResponseSchema = z.object({
  punch: PunchRecordSchema,
  receipt: ReceiptSchema,
  session: SessionSchema.optional(),
});
export type PunchResponse = z.infer<typeof PunchResponseSchema>;

export { MAX_BATCH_ITEMS } from "./limits";
import { MAX_BATCH_ITEMS } from "./limits";

/** Items are validated one by one, so one bad item does not sink the others. */
export const PunchBatchRequestSchema = z.strictObject({
  items: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS),
});

export const PunchBatchResultSchema = z.object({
  id: z.string().nullable(),
  status: z.number().int(),
  punch: PunchRecordSchema.optional(),
  receipt: ReceiptSchema.optional(),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).optional(),
});
export type PunchBatchResult = z.infer<typeof PunchBatchResultSchema>;

export const PunchBatchResponseSchema = z.object({
  results: z.array(PunchBatchResultSchema),
  session: SessionSchema.optional(),
});

// ---- employee ----------------------------------------------------------------------

/** Working hours the employee is expected to keep: their schedule's, or the company's (reminders follow them). */
export const WorkdaySchema = z.object({ start: z.string(), end: z.string(), days: z.array(z.number().int()) });

export const MeResponseSchema = z.object({
  employee: EmployeeSchema,
  devices: z.array(DeviceSchema),
  today: DaySummarySchema,
  workday: WorkdaySchema,
  /** The zone the employee's days are judged in. */
  timezone: z.string(),
  /** Decimal places of latitude/longitude the company keeps; the extension rounds the fix to it before signing. */
  locationPrecision: z.number().int().min(0).max(7),
});

/** An instant as epoch milliseconds, or a local date. */
const TimeOrDate = z.union([
  LocalDateSchema,
  z
    .string()
    .regex(/^\d{1,16}$/, "must be epoch milliseconds or YYYY-MM-DD")
    .transform(Number),
]);

export const MePunchesQuerySchema = z.object({
  from: TimeOrDate.optional(),
  to: TimeOrDate.optional(),
});

export const PunchListSchema = z.object({ items: z.array(PunchRecordSchema) });

// ---- console sign-in ------------------------------------------------------------------

export const ConsoleEnrollOptionsRequestSchema = z.strictObject({ code: Code });
export const ConsoleEnrollVerifyRequestSchema = z.strictObject({
  flowId: Id,
  code: Code,
  response: RegistrationResponseJSONSchema,
});
export const ConsoleLoginOptionsRequestSchema = z.strictObject({});
export const ConsoleLoginVerifyRequestSchema = z.strictObject({
  /** The stateless flow id `issuedAt.challenge.hmac` that `/login/options` answered. */
  flowId: z.string().min(1).max(200).regex(/^\d{1,16}\.[A-Za-z0-9_-]{1,100}\.[A-Za-z0-9_-]{1,100}$/, "not a sign-in flow id"),
  response: AuthenticationResponseJSONSchema,
});
export const FlowOptionsResponseSchema = z.object({ flowId: z.string(), options: z.record(z.string(), z.unknown()) });
export const ConsoleSessionResponseSchema = z.object({
  employee: EmployeeSchema,
  /** What every role's screens need of the company policy: the zone of employees who have none, and the working hours. */
  company: z.object({ defaultTimezone: z.string(), workday: z.object({ start: z.string(), end: z.string(), days: z.array(z.number().int()) }) }).optional(),
});

// ---- admin -------------------------------------------------------------------------------

export const CreateEmployeeRequestSchema = z.strictObject({
  name: Name,
  email: Email,
  role: z.enum(ROLES).default("employee"),
  managerId: Id.nullable().optional(),
  timezone: TimeZone.nullable().optional(),
});

export const UpdateEmployeeRequestSchema = z
  .strictObject({
    name: Name,
    email: Email,
    role: z.enum(ROLES),
    managerId: Id.nullable(),
    timezone: TimeZone.nullable(),
    scheduleId: Id.nullable(),
    active: z.boolean(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, "give at least one field to change");

export const EmployeeListQuerySchema = z.object({
  active: z.enum(["true", "false"]).optional(),
  /** Part of a name or an email, any case. */
  q: z.string().trim().min(1).max(100).optional(),
});

/** Rows an import takes at once. */
export const MAX_IMPORT_ROWS = 500;
/** One row of an employee import (a CSV's columns, parsed by the console). */
export const EmployeeImportRowSchema = z.object({
  name: z.string(),
  email: z.string(),
  role: z.string().optional(),
  managerEmail: z.string().optional(),
  scheduleName: z.string().optional(),
  timezone: z.string().optional(),
});
export const EmployeeImportRequestSchema = z.strictObject({
  rows: z.array(EmployeeImportRowSchema).min(1).max(MAX_IMPORT_ROWS),
  /** Check every row and write nothing (the preview). */
  dryRun: z.boolean().default(true),
});
export const EmployeeImportResultSchema = z.object({
  /** Each row in the order sent: whether it can be created, and what is wrong with it. */
  rows: z.array(z.object({ index: z.number().int(), ok: z.boolean(), errors: z.array(z.object({ field: z.string(), message: z.string() })) })),
  /** Employees created (0 for a dry run, and whenever any row is wrong: all or nothing). */
  created: z.array(EmployeeSchema),
});
export const EmployeeListSchema = z.object({ items: z.array(EmployeeSchema) });

export const EnrollmentCodeRequestSchema = z.strictObject({ purpose: z.enum(["extension", "console"]) });
export const EnrollmentCodeResponseSchema = z.object({ code: z.string(), expiresAt: EpochMs, purpose: z.enum(["extension", "console"]) });

export const DeviceListSchema = z.object({ items: z.array(DeviceSchema) });

/**
 * The longest time a punch CSV export covers: from and to at most this many days (of 24 hours)
 * apart. A year and a day, so that any calendar year (a leap year too) is one file.
 */
export const MAX_PUNCH_EXPORT_DAYS = 366;

export const AdminPunchesQuerySchema = z.object({
  from: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  to: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  employeeId: Id.optional(),
  status: z.enum(PUNCH_STATUSES).optional(),
  mode: z.enum(PUNCH_MODES).optional(),
  /** Punches that carry this reason. */
  reason: z.enum(REASON_CODES).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** CSV: every matching punch between from and to (both required, at most MAX_PUNCH_EXPORT_DAYS apart), no paging, for a spreadsheet. */
  format: z.enum(["json", "csv"]).default("json"),
});
export const AdminPunchPageSchema = z.object({ items: z.array(PunchRecordSchema), nextCursor: z.string().nullable() });
/** One punch with what the console shows of it: its receipt, device and employee. */
export const AdminPunchDetailSchema = z.object({
  punch: PunchRecordSchema,
  receipt: ReceiptSchema,
  employee: z.object({ id: z.string(), name: z.string() }),
  device: DeviceSchema.nullable(),
});

export const IdParamSchema = z.object({ id: Id });

const Comment = z.string().trim().max(1000);
const Reason = z.string().trim().min(1, "say why").max(1000);

/** A punch entered by an admin or manager, with why. */
export const ManualPunchRequestSchema = z.strictObject({
  employeeId: Id,
  kind: z.enum(PUNCH_KINDS),
  time: EpochMs,
  reason: Reason,
});
export const PunchResponseRecordSchema = z.object({ punch: PunchRecordSchema });

export const PunchReviewRequestSchema = z.strictObject({
  decision: z.enum(["accept", "reject"]),
  comment: Comment.default(""),
});

// ---- corrections -----------------------------------------------------------------------------

export const CORRECTION_STATUSES = ["pending", "approved", "rejected", "cancelled"] as const;
export type CorrectionStatus = (typeof CORRECTION_STATUSES)[number];

/** Evidence files are accepted only as these types, judged by their first bytes (shared/evidence.ts). */
export const EVIDENCE_TYPES = ["image/png", "image/jpeg", "image/webp", "application/pdf"] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

export const EvidenceSchema = z.object({
  id: z.string(),
  /** The file's name as sent, for people; never used to judge its type. */
  name: z.string(),
  type: z.enum(EVIDENCE_TYPES),
  size: z.number().int(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;
/** Evidence as stored: where its bytes are in R2 too. */
export type StoredEvidence = Evidence & { key: string };

export const CorrectionSchema = z.object({
  id: z.string(),
  employeeId: z.string(),
  date: LocalDateSchema,
  kind: z.enum(PUNCH_KINDS),
  time: EpochMs,
  reason: z.string(),
  status: z.enum(CORRECTION_STATUSES),
  evidence: z.array(EvidenceSchema),
  createdAt: EpochMs,
  decidedAt: EpochMs.optional(),
  decidedBy: z.string().optional(),
  comment: z.string().optional(),
  punchId: z.string().optional(),
  /** When retention deleted the evidence files (their names stay). */
  evidenceErasedAt: EpochMs.optional(),
});
export type Correction = z.infer<typeof CorrectionSchema>;

/** `POST /api/me/corrections` as JSON; multipart sends the same fields as text, plus files named `evidence`. */
export const CorrectionRequestSchema = z.strictObject({
  date: LocalDateSchema,
  kind: z.enum(PUNCH_KINDS),
  time: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  reason: Reason,
});
export const CorrectionResponseSchema = z.object({ correction: CorrectionSchema });
export const CorrectionListSchema = z.object({ items: z.array(CorrectionSchema) });
export const AdminCorrectionsQuerySchema = z.object({
  status: z.enum(CORRECTION_STATUSES).optional(),
  employeeId: Id.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const CorrectionPageSchema = z.object({ items: z.array(CorrectionSchema), nextCursor: z.string().nullable() });
export const CorrectionDecisionRequestSchema = z.strictObject({ approve: z.boolean(), comment: Comment.default("") });
export const EvidenceParamSchema = z.object({ id: Id, evidenceId: Id });

// ---- rules configuration -------------------------------------------------------------------

const Latitude = z.number().min(-90).max(90);
const Longitude = z.number().min(-180).max(180);
/** Geofence radius in metres. */
const RadiusM = z.number().int().min(1).max(100_000);
/** Who a site or network applies to: `null` (or left out) for everyone, or the chosen employees. */
const EmployeeIds = z.array(Id).max(10_000).nullable();

export const SiteInputSchema = z.strictObject({
  name: Name,
  lat: Latitude,
  lon: Longitude,
  radiusM: RadiusM,
  employeeIds: EmployeeIds.optional(),
});
export const SiteUpdateSchema = SiteInputSchema.partial().refine((b) => Object.keys(b).length > 0, "give at least one field to change");
export const SiteSchema = z.object({
  id: z.string(),
  name: z.string(),
  lat: z.number(),
  lon: z.number(),
  radiusM: z.number().int(),
  employeeIds: z.array(z.string()).nullable(),
  createdAt: EpochMs,
  updatedAt: EpochMs,
});
export type Site = z.infer<typeof SiteSchema>;
export const SiteListSchema = z.object({ items: z.array(SiteSchema) });

/** An employee's approved remote place (a home office). */
export const LocationInputSchema = z.strictObject({ name: Name, lat: Latitude, lon: Longitude, radiusM: RadiusM });
export const LocationUpdateSchema = LocationInputSchema.partial().refine((b) => Object.keys(b).length > 0, "give at least one field to change");
export const LocationSchema = z.object({
  id: z.string(),
  employeeId: z.string(),
  name: z.string(),
  lat: z.number(),
  lon: z.number(),
  radiusM: z.number().int(),
  createdAt: EpochMs,
  updatedAt: EpochMs,
});
export type Location = z.infer<typeof LocationSchema>;
export const LocationListSchema = z.object({ items: z.array(LocationSchema) });
export const LocationParamSchema = z.object({ id: Id, locationId: Id });

const Cidr = z
  .string()
  .trim()
  .max(64)
  .refine(isValidCidr, "must be an IPv4 or IPv6 CIDR range, such as 203.0.113.0/24 or 2001:db8::/32")
  .transform(normalizeCidr);
export const NetworkInputSchema = z.strictObject({ name: Name, cidr: Cidr, employeeIds: EmployeeIds.optional() });
export const NetworkUpdateSchema = NetworkInputSchema.partial().refine((b) => Object.keys(b).length > 0, "give at least one field to change");
export const NetworkSchema = z.object({
  id: z.string(),
  name: z.string(),
  cidr: z.string(),
  employeeIds: z.array(z.string()).nullable(),
  createdAt: EpochMs,
  updatedAt: EpochMs,
});
export type Network = z.infer<typeof NetworkSchema>;
export const NetworkListSchema = z.object({ items: z.array(NetworkSchema) });

export { ScheduleInputSchema } from "./schedule";
/** Changed fields; the result is checked again as a whole schedule. */
export const ScheduleUpdateSchema = ScheduleFieldsSchema.partial().refine((b) => Object.keys(b).length > 0, "give at least one field to change");
export const ScheduleSchema = z.object({
  id: z.string(),
  name: z.string(),
  timezone: z.string().nullable(),
  kind: z.enum(["fixed", "flexible"]),
  days: z.array(z.object({ weekday: z.number().int(), start: ClockTimeSchema, end: ClockTimeSchema })),
  graceLateMin: z.number().int(),
  graceEarlyMin: z.number().int(),
  earliestInMin: z.number().int(),
  coreStart: z.string().nullable(),
  coreEnd: z.string().nullable(),
  requiredMinutes: z.number().int().nullable(),
  restDayWorkAllowed: z.boolean(),
  createdAt: EpochMs,
  updatedAt: EpochMs,
});
export const ScheduleListSchema = z.object({ items: z.array(ScheduleSchema) });
export type ScheduleRecord = z.infer<typeof ScheduleSchema>;

/** A local date that exists on the calendar (not 2026-02-30). */
const CalendarDate = LocalDateSchema.refine((date) => {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const utc = new Date(Date.UTC(y, m - 1, d));
  return utc.getUTCFullYear() === y && utc.getUTCMonth() === m - 1 && utc.getUTCDate() === d;
}, { message: "must be a real calendar date", when: (payload) => payload.issues.length === 0 });

export const HolidayInputSchema = z.strictObject({ date: CalendarDate, name: Name });
export const HolidayUpdateSchema = HolidayInputSchema.partial().refine((b) => Object.keys(b).length > 0, "give at least one field to change");
export const HolidayImportSchema = z.strictObject({
  items: z.array(HolidayInputSchema).min(1).max(1000),
  /** Replace every holiday in the years the list covers (otherwise add and rename). */
  replaceYears: z.boolean().optional(),
});
export const HolidaySchema = z.object({ id: z.string(), date: LocalDateSchema, name: z.string(), createdAt: EpochMs, updatedAt: EpochMs });
export type Holiday = z.infer<typeof HolidaySchema>;
export const HolidayListSchema = z.object({ items: z.array(HolidaySchema) });
export const HolidayListQuerySchema = z.object({ year: z.string().regex(/^\d{4}$/).optional() });
export const HolidayImportResponseSchema = z.object({ created: z.number().int(), updated: z.number().int(), deleted: z.number().int() });

/** Every setting may be changed on its own; `outcomes` merges per reason. */
export const SettingsUpdateSchema = SettingsSchema.partial()
  // Stored zones must resolve: every day summary of an employee without a zone reads it.
  .extend({ defaultTimezone: TimeZone.optional() })
  .refine((b) => Object.keys(b).length > 0, "give at least one setting to change");
export const SettingsResponseSchema = SettingsSchema.extend({
  outcomes: z.record(z.string(), z.enum(["ignore", "flag", "reject"])),
  corrections: CorrectionPolicySchema,
  retention: RetentionPolicySchema,
});

// ---- reports -----------------------------------------------------------------------------

/** The longest range a timesheet covers (a month and a bit, both ends inclusive). */
export const MAX_REPORT_DAYS = 62;

export const TimesheetQuerySchema = z.object({
  from: LocalDateSchema,
  to: LocalDateSchema,
  format: z.enum(["json", "csv"]).default("json"),
  employeeId: Id.optional(),
});
export const TimesheetRowSchema = DaySummarySchema.extend({
  employeeId: z.string(),
  employeeName: z.string(),
  /** The zone the day was judged in. */
  timezone: z.string(),
});
export type TimesheetRow = z.infer<typeof TimesheetRowSchema>;
export const TimesheetSchema = z.object({ items: z.array(TimesheetRowSchema) });

// ---- operations ----------------------------------------------------------------------------

/** What one run of the scheduled maintenance did (`POST /api/admin/maintenance`, and the cron). */
export const MaintenanceReportSchema = z.object({
  expired: z.number().int(),
  securityEntries: z.number().int(),
  retention: z
    .object({
      locationErased: z.number().int(),
      ipErased: z.number().int(),
      evidenceErased: z.number().int(),
      archived: z.object({ month: z.string(), part: z.number().int(), punches: z.number().int() }).nullable(),
      anonymized: z.number().int(),
      more: z.boolean(),
    })
    .nullable(),
  seal: z
    .object({
      sealed: z.number().int(),
      head: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
      drained: z.boolean(),
    })
    .nullable(),
  failed: z.array(z.object({ step: z.string(), error: z.string() })),
});

// ---- reports: the month per employee, and today ----------------------------------------------

/** One employee's days over a range, summed for payroll (`GET /api/admin/reports/summary`). */
export const EmployeeMonthSummarySchema = z.object({
  employeeId: z.string(),
  employeeName: z.string(),
  timezone: z.string(),
  from: LocalDateSchema,
  to: LocalDateSchema,
  /** Days that were neither a rest day nor a holiday. */
  workDays: z.number().int(),
  /** Days worked: present, late or early leave. */
  daysPresent: z.number().int(),
  lateCount: z.number().int(),
  lateMinutes: z.number().int(),
  earlyLeaveCount: z.number().int(),
  earlyLeaveMinutes: z.number().int(),
  absences: z.number().int(),
  incomplete: z.number().int(),
  holidays: z.number().int(),
  workedMinutes: z.number().int(),
  overtimeMinutes: z.number().int(),
  flaggedPunches: z.number().int(),
});
export type EmployeeMonthSummary = z.infer<typeof EmployeeMonthSummarySchema>;
export const SummaryListSchema = z.object({ items: z.array(EmployeeMonthSummarySchema) });

/** Where one employee stands now (`GET /api/admin/today`). */
export const TodayItemSchema = z.object({
  employeeId: z.string(),
  employeeName: z.string(),
  timezone: z.string(),
  /** In or out by their last counted punch of the work day; none before the first. */
  state: z.enum(["in", "out", "none"]),
  lastPunch: z.object({ id: z.string(), kind: z.enum(PUNCH_KINDS), time: EpochMs, status: z.enum(PUNCH_STATUSES) }).nullable(),
  day: DaySummarySchema,
});
export type TodayItem = z.infer<typeof TodayItemSchema>;
export const TodaySchema = z.object({
  now: EpochMs,
  /** Employees per state of the day and in/out, and those with flagged punches today. */
  counts: z.object({
    in: z.number().int(),
    out: z.number().int(),
    byStatus: z.record(z.enum(DAY_STATUSES), z.number().int()),
    flagged: z.number().int(),
  }),
  items: z.array(TodayItemSchema),
});

// ---- integrations and the audit log --------------------------------------------------------------

export const API_KEY_ROLES = ["manager", "auditor", "admin"] as const;
export const ApiKeySchema = z.object({
  id: z.string(),
  label: z.string(),
  role: z.enum(API_KEY_ROLES),
  createdAt: EpochMs,
  createdBy: z.string().nullable(),
  lastUsedAt: EpochMs.nullable(),
  revokedAt: EpochMs.nullable(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;
export const ApiKeyListSchema = z.object({ items: z.array(ApiKeySchema) });
export const ApiKeyRequestSchema = z.strictObject({ label: Name, role: z.enum(API_KEY_ROLES) });
/** The key itself is shown once, here; only its hash is stored. */
export const ApiKeyCreatedSchema = ApiKeySchema.extend({ key: z.string() });

export const AuditEntrySchema = z.object({
  seq: z.number().int(),
  at: EpochMs,
  actorType: z.enum(["employee", "api_key", "system", "anonymous"]),
  actorId: z.string().nullable(),
  action: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(),
  /** Null until the entry is sealed into the chain. */
  prevHash: z.string().nullable(),
  hash: z.string().nullable(),
});
export type AuditEntryRecord = z.infer<typeof AuditEntrySchema>;
export const AuditQuerySchema = z.object({
  /** Who did it: an employee's or an API key's id. */
  actor: Id.optional(),
  /** An action (`punch.reviewed`), or every action under a prefix ending in a dot (`security.`). */
  action: z.string().min(1).max(100).optional(),
  /** What it was done to: the subject's id. */
  target: z.string().min(1).max(200).optional(),
  from: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  to: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  cursor: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const AuditPageSchema = z.object({ items: z.array(AuditEntrySchema), nextCursor: z.string().nullable() });

/** Everything held about the signed-in employee (`GET /api/me/export`). */
export const MeExportSchema = z.object({
  exportedAt: EpochMs,
  employee: EmployeeSchema,
  consent: z.object({ at: EpochMs.nullable(), version: z.string().nullable() }),
  devices: z.array(DeviceSchema),
  punches: z.array(PunchRecordSchema.extend({ receipt: ReceiptSchema })),
  corrections: z.array(CorrectionSchema),
});

/** What anyone needs to check a punch without trusting the server (`GET /api/admin/punches/proofs`). */
export const PunchProofSchema = z.object({
  record: PunchRecordSchema,
  /** The exact canonical JSON the passkey signed; null for a punch a person entered, or once erased by retention. */
  signed: z.string().nullable(),
  /** The WebAuthn assertion as stored; null for a punch a person entered. */
  assertion: AuthenticationResponseJSONSchema.nullable(),
  /** The SHA-256 of the signed JSON: the challenge the passkey signed. */
  punchHash: z.string(),
  credentialId: z.string().nullable(),
  publicKey: z.object({ cose: z.string(), jwk: z.record(z.string(), z.unknown()).nullable() }).nullable(),
  /** The extension origin the passkey belongs to (also its RP ID). */
  origin: z.string().nullable(),
  receipt: ReceiptSchema,
});
export const ProofsQuerySchema = z.object({
  from: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  to: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export const ProofPageSchema = z.object({ items: z.array(PunchProofSchema), nextCursor: z.string().nullable() });
export const AuditVerifyQuerySchema = z.object({
  /** Continue after this entry (from an earlier answer's lastSeq, when it was not complete). */
  from: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});
export const AuditVerifySchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBadSeq: z.number().int().optional(),
  reason: z.string().optional(),
  checkpoints: z.number().int(),
  complete: z.boolean(),
  lastSeq: z.number().int(),
  /** Entries sealed before checking. */
  sealed: z.number().int(),
});

/** A month of punches that retention moved to R2 (`GET /api/admin/archive`). */
export const ArchivedMonthSchema = z.object({
  month: z.string(),
  parts: z.array(z.object({ part: z.number().int(), key: z.string(), punches: z.number().int(), bytes: z.number().int(), sha256: z.string() })),
  punches: z.number().int(),
});
export const ArchiveListSchema = z.object({ items: z.array(ArchivedMonthSchema) });
export const MonthParamSchema = z.object({ month: z.string().regex(/^\d{4}-\d{2}$/, "must be YYYY-MM") });
/** A signed statement of the chain's head after a seal (`GET /api/admin/audit/checkpoints`). */
export const AuditCheckpointSchema = z.object({
  seq: z.number().int(),
  hash: z.string(),
  at: EpochMs,
  sealed: z.number().int(),
  /** The exact canonical JSON that was signed, its ES256 signature (raw r‖s, base64url) with the receipt key, and that key's id. */
  payload: z.string(),
  signature: z.string(),
  kid: z.string(),
});
export const AuditCheckpointListSchema = z.object({ items: z.array(AuditCheckpointSchema) });
