import { sql } from "drizzle-orm";
import { CORRECTION_STATUSES, PUNCH_MODES, PUNCH_STATUSES, type StoredEvidence } from "../../shared/api";
import { PUNCH_KINDS } from "../../shared/punch";
import type { ReasonCode } from "../../shared/settings";
import { type AnySQLiteColumn, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Times are integer milliseconds since the Unix epoch (UTC) throughout.

export const employees = sqliteTable(
  "employees",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    email: text("email").notNull(),
    role: text("role", { enum: ["employee", "manager", "auditor", "admin"] }).notNull().default("employee"),
    managerId: text("manager_id").references((): AnySQLiteColumn => employees.id),
    timezone: text("timezone"),
    scheduleId: text("schedule_id"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    consentAt: integer("consent_at"),
    /** The version of the notice of what is collected that the employee accepted at enrolment. */
    consentVersion: text("consent_version"),
    /** When their name and email were replaced (PIPL): deactivated and past the punch retention. */
    anonymizedAt: integer("anonymized_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("employees_email_idx").on(t.email),
    index("employees_manager_id_idx").on(t.managerId),
    index("employees_role_idx").on(t.role),
    index("employees_name_idx").on(t.name, t.id),
    index("employees_schedule_id_idx").on(t.scheduleId),
  ],
);

export const devices = sqliteTable(
  "devices",
  {
    id: text("id").primaryKey(),
    employeeId: text("employee_id").notNull().references(() => employees.id),
    kind: text("kind", { enum: ["extension", "console"] }).notNull(),
    credentialId: text("credential_id").notNull(),
    /** COSE public key, base64url. */
    publicKey: text("public_key").notNull(),
    /** The highest signature counter seen, and the signing position (clientTime, punch id) of the punch that carried it. */
    counter: integer("counter").notNull().default(0),
    counterTime: integer("counter_time"),
    counterPunchId: text("counter_punch_id"),
    transports: text("transports", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    backedUp: integer("backed_up", { mode: "boolean" }).notNull().default(false),
    /** The relying party the passkey belongs to: an extension origin, or the console hostname. */
    rpId: text("rp_id").notNull(),
    label: text("label"),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
    revokedBy: text("revoked_by"),
  },
  (t) => [
    uniqueIndex("devices_credential_id_idx").on(t.credentialId),
    index("devices_employee_id_idx").on(t.employeeId),
  ],
);

export const enrollmentCodes = sqliteTable(
  "enrollment_codes",
  {
    id: text("id").primaryKey(),
    employeeId: text("employee_id").notNull().references(() => employees.id),
    purpose: text("purpose", { enum: ["extension", "console"] }).notNull(),
    /** SHA-256 of the normalised code, base64url; the code itself is never stored. */
    codeHash: text("code_hash").notNull(),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    usedFlowId: text("used_flow_id"),
    attempts: integer("attempts").notNull().default(0),
  },
  (t) => [
    uniqueIndex("enrollment_codes_code_hash_idx").on(t.codeHash),
    index("enrollment_codes_employee_id_idx").on(t.employeeId),
  ],
);

export const webauthnFlows = sqliteTable(
  "webauthn_flows",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["extension_enroll", "console_enroll", "console_login"] }).notNull(),
    challenge: text("challenge").notNull(),
    employeeId: text("employee_id"),
    codeId: text("code_id"),
    origin: text("origin").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("webauthn_flows_expires_at_idx").on(t.expiresAt)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    /** SHA-256 of the bearer token or cookie value, base64url. */
    tokenHash: text("token_hash").notNull(),
    employeeId: text("employee_id").notNull().references(() => employees.id),
    kind: text("kind", { enum: ["employee", "console"] }).notNull(),
    deviceId: text("device_id"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [
    uniqueIndex("sessions_token_hash_idx").on(t.tokenHash),
    index("sessions_expires_at_idx").on(t.expiresAt),
    index("sessions_employee_id_idx").on(t.employeeId),
  ],
);

export const punches = sqliteTable(
  "punches",
  {
    id: text("id").primaryKey(),
    employeeId: text("employee_id").notNull().references(() => employees.id),
    deviceId: text("device_id").references(() => devices.id),
    /** `device` for signed punches; `manual` entered by an admin or manager; `correction` from an approved request. */
    source: text("source", { enum: ["device", "manual", "correction"] }).notNull().default("device"),
    kind: text("kind", { enum: ["in", "out"] }).notNull(),
    clientTime: integer("client_time").notNull(),
    tz: text("tz").notNull(),
    nonce: text("nonce"),
    nonceIssuedAt: integer("nonce_issued_at"),
    geoLat: real("geo_lat"),
    geoLon: real("geo_lon"),
    geoAccuracy: real("geo_accuracy"),
    geoError: text("geo_error"),
    effectiveTime: integer("effective_time").notNull(),
    receivedAt: integer("received_at").notNull(),
    localDate: text("local_date").notNull(),
    mode: text("mode", { enum: PUNCH_MODES }).notNull(),
    /** The verdict in force: the rules', or a reviewer's (`review_*`), which keeps the rules' reasons beside it. */
    status: text("status", { enum: PUNCH_STATUSES }).notNull(),
    reasons: text("reasons", { mode: "json" }).$type<ReasonCode[]>().notNull().default(sql`'[]'`),
    ip: text("ip"),
    country: text("country"),
    region: text("region"),
    city: text("city"),
    asn: integer("asn"),
    colo: text("colo"),
    /** Where Cloudflare places the request's IP (city level), for the mismatch and travel rules. */
    ipLat: real("ip_lat"),
    ipLon: real("ip_lon"),
    /** The exact canonical JSON the employee signed, and its SHA-256 (the challenge). */
    signedPunch: text("signed_punch"),
    punchHash: text("punch_hash").notNull(),
    /** The raw WebAuthn assertion, so anyone can re-verify the signature later. */
    assertion: text("assertion"),
    receiptPayload: text("receipt_payload").notNull(),
    receiptSignature: text("receipt_signature").notNull(),
    /** Who entered it, for a manual punch or the approval of a correction. */
    createdBy: text("created_by"),
    /** The correction request this punch was approved from. */
    correctionId: text("correction_id"),
    /** Why a person entered it (manual punches). */
    note: text("note"),
    /** A person's decision on a flagged punch: accept or reject, by whom, when, why. */
    reviewDecision: text("review_decision", { enum: ["accept", "reject"] }),
    reviewBy: text("review_by"),
    reviewAt: integer("review_at"),
    reviewComment: text("review_comment"),
  },
  (t) => [
    // Every index entry is a row D1 writes (and bills) with each punch, so a punch has few: an
    // employee's punches in order (their history by time or local date, their day), everyone's in
    // order (lists, reports, archive, retention's walk), and two partial ones (exceptions, and the
    // punches the rules count).
    index("punches_employee_time_idx").on(t.employeeId, t.effectiveTime, t.id),
    index("punches_effective_time_idx").on(t.effectiveTime),
    // Flagged and rejected punches (the review queue, the status filter): most punches are accepted.
    index("punches_exceptions_idx").on(t.status, t.effectiveTime).where(sql`${t.status} <> 'accepted'`),
    // The counted punch before a time, for the rules, found straight down an index that holds no
    // rejected punch (however many a refused device piles up).
    index("punches_counted_idx").on(t.employeeId, t.effectiveTime, t.id).where(sql`${t.status} <> 'rejected'`),
    // One punch per approved correction, whatever races.
    uniqueIndex("punches_correction_id_idx").on(t.correctionId).where(sql`${t.correctionId} IS NOT NULL`),
  ],
);

/**
 * Append-only (triggers refuse a delete, and any update but the sealing of an unsealed row).
 * Entries are written without a hash; the scheduled handler seals them in `seq` order into a
 * hash chain (each hash covers the previous one).
 */
export const auditLog = sqliteTable(
  "audit_log",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    actorType: text("actor_type", { enum: ["employee", "api_key", "system", "anonymous"] }).notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    subjectType: text("subject_type"),
    subjectId: text("subject_id"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>(),
    ip: text("ip"),
    prevHash: text("prev_hash"),
    hash: text("hash"),
  },
  (t) => [
    index("audit_log_at_idx").on(t.at),
    index("audit_log_subject_id_idx").on(t.subjectId, t.seq),
    index("audit_log_actor_id_idx").on(t.actorId, t.seq),
    // By action, newest first, for every action but the one each punch writes (most entries: those
    // are found by walking the log itself, where nearly every entry matches).
    index("audit_log_action_idx").on(t.action, t.seq).where(sql`${t.action} <> 'punch.recorded'`),
    // No index of the unsealed tail: entries are sealed in seq order (a trigger sees to it), so the
    // tail is every seq after the last sealed one, a range of the table itself.
  ],
);

/**
 * A signed statement of the chain's head after each seal: the last sealed entry's `seq` and
 * `hash`, signed with the receipt key, so that cutting the newest entries is detectable too.
 * Append-only, like the log.
 */
export const auditCheckpoints = sqliteTable("audit_checkpoints", {
  seq: integer("seq").primaryKey(),
  hash: text("hash").notNull(),
  at: integer("at").notNull(),
  /** Entries this seal added to the chain. */
  sealed: integer("sealed").notNull(),
  /** The canonical JSON that was signed, its ES256 signature (base64url r‖s) and the key's id. */
  payload: text("payload").notNull(),
  signature: text("signature").notNull(),
  kid: text("kid").notNull(),
});

/**
 * Security events (refused punches, failed sign-ins) counted per source (an IPv4 address or an
 * IPv6 /64) and fixed window, one row each, instead of one audit entry per event: no caller can
 * grow the audit log faster than the sealer drains it. The scheduled handler turns each closed
 * window into one audit entry with its count. The counts also rate-limit the source.
 */
export const securityEvents = sqliteTable(
  "security_events",
  {
    windowStart: integer("window_start").notNull(),
    source: text("source").notNull(),
    action: text("action").notNull(),
    count: integer("count").notNull(),
    firstAt: integer("first_at").notNull(),
    lastAt: integer("last_at").notNull(),
    /** What the first event of the window was about (ids, a message), for whoever reads the log. */
    sample: text("sample", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ columns: [t.windowStart, t.source, t.action] })],
);

/** Console sign-in challenges already answered (they are stateless until used), until they expire. */
export const spentChallenges = sqliteTable(
  "spent_challenges",
  {
    challenge: text("challenge").primaryKey(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("spent_challenges_expires_at_idx").on(t.expiresAt)],
);

/** An employee's request to add a punch they missed, with evidence files in R2, until someone decides it. */
export const corrections = sqliteTable(
  "corrections",
  {
    id: text("id").primaryKey(),
    employeeId: text("employee_id").notNull().references(() => employees.id),
    /** The local work date the punch belongs to, in the employee's zone. */
    date: text("date").notNull(),
    kind: text("kind", { enum: PUNCH_KINDS }).notNull(),
    /** The claimed punch time. */
    time: integer("time").notNull(),
    reason: text("reason").notNull(),
    status: text("status", { enum: CORRECTION_STATUSES }).notNull(),
    /** Files as detected by their first bytes, each under a random R2 key. */
    evidence: text("evidence", { mode: "json" }).$type<StoredEvidence[]>().notNull().default(sql`'[]'`),
    createdAt: integer("created_at").notNull(),
    decidedAt: integer("decided_at"),
    decidedBy: text("decided_by"),
    comment: text("comment"),
    punchId: text("punch_id"),
    /** When retention deleted the evidence files (their names and types stay). */
    evidenceErasedAt: integer("evidence_erased_at"),
  },
  (t) => [
    index("corrections_employee_id_created_at_idx").on(t.employeeId, t.createdAt),
    index("corrections_status_created_at_idx").on(t.status, t.createdAt),
    index("corrections_employee_id_date_idx").on(t.employeeId, t.date),
    // One pending request per employee, date and kind, also under a race.
    uniqueIndex("corrections_pending_idx").on(t.employeeId, t.date, t.kind).where(sql`${t.status} = 'pending'`),
    index("corrections_evidence_idx").on(t.createdAt).where(sql`${t.evidence} <> '[]' AND ${t.evidenceErasedAt} IS NULL`),
  ],
);

/**
 * Punches moved to R2 by retention: where each employee's lines of an archived month are, so
 * that an employee's export (and anyone reading one person's month) reads a few kilobytes, not
 * the month. A month is one NDJSON file, or numbered parts when it is large.
 */
export const archiveIndex = sqliteTable(
  "archive_index",
  {
    employeeId: text("employee_id").notNull(),
    month: text("month").notNull(),
    key: text("key").notNull(),
    offset: integer("offset").notNull(),
    length: integer("length").notNull(),
    punches: integer("punches").notNull(),
  },
  (t) => [primaryKey({ columns: [t.employeeId, t.key] }), index("archive_index_month_idx").on(t.month)],
);

/** The archived parts of each month: the R2 key, its SHA-256 as read back, its size. */
/** Where each of retention's erase passes has walked to, in (effective time, id) order (services/retention.ts). */
export const retentionProgress = sqliteTable("retention_progress", {
  kind: text("kind", { enum: ["location", "ip"] }).primaryKey(),
  afterTime: integer("after_time").notNull(),
  afterId: text("after_id").notNull(),
});

export const archiveParts = sqliteTable(
  "archive_parts",
  {
    month: text("month").notNull(),
    part: integer("part").notNull(),
    key: text("key").notNull(),
    punches: integer("punches").notNull(),
    bytes: integer("bytes").notNull(),
    sha256: text("sha256").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.part] })],
);

export const settings = sqliteTable("settings", {
  id: integer("id").primaryKey(),
  data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by"),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    role: text("role", { enum: ["manager", "auditor", "admin"] }).notNull(),
    keyHash: text("key_hash").notNull(),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_key_hash_idx").on(t.keyHash)],
);

/** Company geofences. `employee_ids` null: everyone; otherwise the chosen employees. */
export const sites = sqliteTable("sites", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  lat: real("lat").notNull(),
  lon: real("lon").notNull(),
  radiusM: integer("radius_m").notNull(),
  employeeIds: text("employee_ids", { mode: "json" }).$type<string[] | null>(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** An employee's approved remote places (a home office), also geofences. */
export const employeeLocations = sqliteTable(
  "employee_locations",
  {
    id: text("id").primaryKey(),
    employeeId: text("employee_id").notNull().references(() => employees.id),
    name: text("name").notNull(),
    lat: real("lat").notNull(),
    lon: real("lon").notNull(),
    radiusM: integer("radius_m").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("employee_locations_employee_id_idx").on(t.employeeId)],
);

/** Allowed IP ranges. `employee_ids` null: company-wide; otherwise the chosen employees. */
export const networks = sqliteTable("networks", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  cidr: text("cidr").notNull(),
  employeeIds: text("employee_ids", { mode: "json" }).$type<string[] | null>(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Weekly patterns (shared/schedule.ts). */
export const schedules = sqliteTable("schedules", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  timezone: text("timezone"),
  kind: text("kind", { enum: ["fixed", "flexible"] }).notNull(),
  days: text("days", { mode: "json" }).$type<{ weekday: number; start: string; end: string }[]>().notNull(),
  graceLateMin: integer("grace_late_min").notNull(),
  graceEarlyMin: integer("grace_early_min").notNull(),
  earliestInMin: integer("earliest_in_min").notNull(),
  coreStart: text("core_start"),
  coreEnd: text("core_end"),
  requiredMinutes: integer("required_minutes"),
  restDayWorkAllowed: integer("rest_day_work_allowed", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** The company holiday calendar: one entry per local date. */
export const holidays = sqliteTable(
  "holidays",
  {
    id: text("id").primaryKey(),
    date: text("date").notNull(),
    name: text("name").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("holidays_date_idx").on(t.date)],
);
