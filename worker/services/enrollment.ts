import { fromBase64Url, sha256, toBase64Url } from "../../shared/encoding";
import { and, count, eq, gt, inArray, isNull, lt, sql } from "drizzle-orm";
import type { RegistrationResponseJSON } from "../../shared/webauthn-json";
import { auditInsertWhen } from "./audit";
import { issueEmployeeToken, newSession } from "./sessions";
import { FLOW_TTL_MS, registrationOptions, verifyRegistration } from "./webauthn";
import { HOUR_MS } from "../../shared/time";
import { batchableRun, type DB } from "../db/client";
import { devices, employees, enrollmentCodes, webauthnFlows } from "../db/schema";
import { policyFrom, policyQuery } from "./policy";
import { ApiError, RateLimitedError } from "../errors";
import { enrollmentCodeHash, newEnrollmentCode, newId } from "./crypto";
import { EVERYONE, reserveEnrollmentAttempt, securityEventWrites, writeSecurityEvents } from "./security";

export const ENROLLMENT_CODE_TTL_MS = 72 * HOUR_MS;
/** Failed registrations a code survives before it is burnt. */
export const MAX_CODE_ATTEMPTS = 5;
/** Enrolment flows one code may have open at once (each is a row until it expires). */
export const MAX_OPEN_FLOWS_PER_CODE = 5;

export async function newCodeInsert(
  db: DB,
  opts: { employeeId: string; purpose: "extension" | "console"; createdBy: string | null; now: number; secret: string },
) {
  const code = newEnrollmentCode();
  const expiresAt = opts.now + ENROLLMENT_CODE_TTL_MS;
  const insert = db.insert(enrollmentCodes).values({
    id: newId(),
    employeeId: opts.employeeId,
    purpose: opts.purpose,
    codeHash: await enrollmentCodeHash(opts.secret, code),
    createdBy: opts.createdBy,
    createdAt: opts.now,
    expiresAt,
  });
  return { code, expiresAt, insert };
}

/** The still-usable code with this text and purpose, with its employee; 404 otherwise. */
async function findUsableCode(db: DB, secret: string, code: string, purpose: "extension" | "console", now: number) {
  const [row] = await db
    .select({ code: enrollmentCodes, employee: employees })
    .from(enrollmentCodes)
    .innerJoin(employees, eq(employees.id, enrollmentCodes.employeeId))
    .where(
      and(
        eq(enrollmentCodes.codeHash, await enrollmentCodeHash(secret, code)),
        eq(enrollmentCodes.purpose, purpose),
        isNull(enrollmentCodes.usedAt),
        gt(enrollmentCodes.expiresAt, now),
        lt(enrollmentCodes.attempts, MAX_CODE_ATTEMPTS),
        eq(employees.active, true),
      ),
    )
    .limit(1);
  if (!row) throw codeInvalid();
  return row;
}

export function codeInvalid() {
  return new ApiError(
    404,
    "ENROLLMENT_CODE_INVALID",
    "This enrolment code is unknown, already used or expired. Ask your administrator for a new one.",
  );
}

// ---- passkey enrolment, shared by the extension and the console -------------------


type Purpose = "extension" | "console";
const FLOW_KIND = { extension: "extension_enroll", console: "console_enroll" } as const;

/** Where a request comes from and the secret that keys codes: what enrolment needs of the request. */
interface Caller {
  /** Who wrong codes count against (an IPv4 address or an IPv6 /64); null without a client IP. */
  source: string | null;
  /** NONCE_SECRET: keys the code HMAC and signs employee tokens. */
  secret: string;
}

/** Looks a code up within the wrong-code budget: the attempt is counted first, and a right code takes it back. */
async function lookUpCode(db: DB, caller: Caller, code: string, purpose: Purpose, now: number) {
  const attempt = await reserveEnrollmentAttempt(db, caller.source, { purpose }, now);
  try {
    const found = await findUsableCode(db, caller.secret, code, purpose, now);
    await attempt.release();
    return found;
  } catch (err) {
    if (!(err instanceof ApiError && err.code === "ENROLLMENT_CODE_INVALID")) await attempt.release();
    throw err;
  }
}

/** A wrong code met after the look-up (used meanwhile, burnt): counted like one at the look-up. */
function countEnrollmentFailure(db: DB, source: string | null, sample: Record<string, unknown>, now: number) {
  const event = { action: "security.enrollment_code_invalid" as const, sample };
  return writeSecurityEvents(db, securityEventWrites(source ?? EVERYONE, [event], now, source !== null));
}

export async function beginEnrollment(
  db: DB,
  opts: Caller & { code: string; purpose: Purpose; origin: string; rpId: string; now: number },
) {
  const { code, employee } = await lookUpCode(db, opts, opts.code, opts.purpose, opts.now);
  const existing = await db
    .select({ credentialId: devices.credentialId, transports: devices.transports })
    .from(devices)
    .where(and(eq(devices.employeeId, employee.id), eq(devices.kind, opts.purpose), isNull(devices.revokedAt)));
  const options = await registrationOptions({
    rpId: opts.rpId,
    employee,
    exclude: existing,
    discoverable: opts.purpose === "console",
  });
  const flowId = newId();
  // A code holder cannot pile up flows: at most a few open at once per code.
  const opened = await db.run(sql`INSERT INTO webauthn_flows (id, kind, challenge, employee_id, code_id, origin, created_at, expires_at)
    SELECT ${flowId}, ${FLOW_KIND[opts.purpose]}, ${options.challenge}, ${employee.id}, ${code.id}, ${opts.origin}, ${opts.now}, ${opts.now + FLOW_TTL_MS}
    WHERE (SELECT count(*) FROM webauthn_flows WHERE code_id = ${code.id} AND expires_at > ${opts.now}) < ${MAX_OPEN_FLOWS_PER_CODE}`);
  if (opened.meta.changes === 0) {
    throw new RateLimitedError(FLOW_TTL_MS, "This code is already being used to enrol. Finish that, or wait five minutes and try again.");
  }
  return { flowId, options, employee };
}

/**
 * Finishes an enrolment: the flow is consumed (deleted) in the same read that
 * loads it, so a challenge works once; the code is marked used and the device
 * inserted in one batch whose insert only happens if this flow used the code.
 */
export async function completeEnrollment(
  db: DB,
  opts: Caller & {
    flowId: string;
    code: string;
    response: RegistrationResponseJSON;
    purpose: Purpose;
    origin: string;
    rpId: string;
    label: string | null;
    consent: boolean;
    /** The notice version the employee accepted, when they did. */
    consentVersion?: string | null;
    ip: string | null;
    now: number;
  },
) {
  const hash = await enrollmentCodeHash(opts.secret, opts.code);
  const [flows, codes, owners, settingsRows] = await db.batch([
    db.delete(webauthnFlows).where(eq(webauthnFlows.id, opts.flowId)).returning(),
    // No joins inside a D1 batch: rows come back as objects, and equal column names would collide.
    db.select().from(enrollmentCodes).where(eq(enrollmentCodes.codeHash, hash)).limit(1),
    db
      .select()
      .from(employees)
      .where(inArray(employees.id, db.select({ id: enrollmentCodes.employeeId }).from(enrollmentCodes).where(eq(enrollmentCodes.codeHash, hash)))),
    policyQuery(db),
  ]);
  const flow = flows[0];
  const found = codes[0] && owners[0] ? { code: codes[0], employee: owners[0] } : undefined;
  if (!flow || flow.kind !== FLOW_KIND[opts.purpose] || flow.expiresAt <= opts.now || flow.origin !== opts.origin) {
    throw new ApiError(400, "REGISTRATION_INVALID", "This enrolment attempt has expired or was already used. Start again.");
  }
  if (
    !found ||
    found.code.id !== flow.codeId ||
    found.code.usedAt !== null ||
    found.code.expiresAt <= opts.now ||
    found.code.attempts >= MAX_CODE_ATTEMPTS ||
    !found.employee.active
  ) {
    await countEnrollmentFailure(db, opts.source, { purpose: opts.purpose }, opts.now);
    throw codeInvalid();
  }
  const employee = found.employee;
  const policy = policyFrom(settingsRows);

  const credential = await verifyRegistration({
    response: opts.response,
    challenge: flow.challenge,
    origin: opts.origin,
    rpId: opts.rpId,
  });
  if (!credential) {
    await db
      .update(enrollmentCodes)
      .set({ attempts: sql`${enrollmentCodes.attempts} + 1` })
      .where(eq(enrollmentCodes.id, found.code.id));
    throw new ApiError(400, "REGISTRATION_INVALID", "The passkey could not be verified. Try again.");
  }
  if (credential.backedUp && !policy.syncedPasskeysAllowed && opts.purpose === "extension") {
    throw new ApiError(400, "REGISTRATION_INVALID", "Your company does not allow synced passkeys. Use a passkey kept on this device.");
  }
  if (opts.purpose === "extension") {
    const [active] = await db
      .select({ n: count() })
      .from(devices)
      .where(and(eq(devices.employeeId, employee.id), eq(devices.kind, "extension"), isNull(devices.revokedAt)));
    if ((active?.n ?? 0) >= policy.maxDevicesPerEmployee) {
      throw new ApiError(409, "DEVICE_LIMIT_REACHED", `You already have ${policy.maxDevicesPerEmployee} enrolled devices. Ask an administrator to revoke one.`);
    }
  }

  const deviceId = newId();
  // Extension enrolment answers with a signed employee token; console enrolment opens a stored session.
  const session =
    opts.purpose === "console"
      ? await newSession(db, { employeeId: employee.id, deviceId, now: opts.now })
      : { ...(await issueEmployeeToken(opts.secret, { employeeId: employee.id, deviceId, now: opts.now })), insert: null };
  const [, inserted] = await db.batch([
    db
      .update(enrollmentCodes)
      .set({ usedAt: opts.now, usedFlowId: flow.id })
      .where(and(eq(enrollmentCodes.id, found.code.id), isNull(enrollmentCodes.usedAt))),
    // The registration's counter is the first mark, at the enrolment's time (punches are signed after it).
    batchableRun(db, sql`INSERT INTO devices (id, employee_id, kind, credential_id, public_key, counter, counter_time, transports, backed_up, rp_id, label, created_at)
      SELECT ${deviceId}, ${employee.id}, ${opts.purpose}, ${credential.credentialId}, ${credential.publicKey}, ${credential.counter}, ${opts.now},
             ${JSON.stringify(credential.transports)}, ${credential.backedUp ? 1 : 0}, ${opts.rpId}, ${opts.label}, ${opts.now}
      WHERE EXISTS (SELECT 1 FROM enrollment_codes WHERE id = ${found.code.id} AND used_flow_id = ${flow.id})
        AND NOT EXISTS (SELECT 1 FROM devices WHERE credential_id = ${credential.credentialId})`),
    ...(session.insert ? [session.insert] : []),
    ...(opts.consent ? [db.update(employees).set({ consentAt: opts.now, consentVersion: opts.consentVersion ?? null }).where(eq(employees.id, employee.id))] : []),
    // Only if this request's device was inserted: the loser of a race with the same code writes nothing.
    auditInsertWhen(
      db,
      {
        action: "device.enrolled",
        at: opts.now,
        actor: { type: "employee", id: employee.id },
        subjectType: "device",
        subjectId: deviceId,
        data: { kind: opts.purpose, label: opts.label, backedUp: credential.backedUp, consent: opts.consent, consentVersion: opts.consentVersion ?? null, publicKeySha256: toBase64Url(await sha256(fromBase64Url(credential.publicKey))), codeIssuedBy: found.code.createdBy },
        ip: opts.ip,
      },
      sql`EXISTS (SELECT 1 FROM devices WHERE id = ${deviceId})`,
    ),
  ]);
  if ((inserted as D1Result).meta.changes === 0) {
    // Any session row written belongs to a device that was not created: its token was never handed out.
    throw codeInvalid();
  }
  return { employee, deviceId, credentialId: credential.credentialId, session, policy };
}

