import { eq, getTableColumns, inArray, sql } from "drizzle-orm";
import canonicalize from "canonicalize";
import type { z } from "zod";
import { type PunchBatchResult, PunchRequestSchema, type PunchRecord, type ReceiptPayload } from "../../shared/api";
import { bracketPunchTime } from "../../shared/bracket";
import type { ErrorCode } from "../../shared/errors";
import { canonicalPunch, punchChallengeBase64Url, type Punch } from "../../shared/punch";
import { evaluatePunch, IP_LOCATION_ACCURACY_M } from "../../shared/rules";
import { resolveSettings } from "../../shared/settings";
import { planDay, workDateOf } from "../../shared/schedule";
import { localDate } from "../../shared/time";
import type { AuthenticationResponseJSON } from "../../shared/webauthn-json";
import type { DB } from "../db/client";
import { devices, punches } from "../db/schema";
import { bind, type Bound, prepare, queryPrepared } from "../db/prepared";
import { ruleContextFrom, ruleContextQuery } from "./rule-context";
import { auditInsertPrepared } from "./audit";
import { signReceipt, verifyNonce } from "./crypto";
import { toPunchRecord } from "./records";
import type { IpGeo } from "./request";
import { issueEmployeeToken } from "./sessions";
import { verifyAssertion } from "./webauthn";

export interface PunchContext {
  db: DB;
  env: Pick<Env, "NONCE_SECRET" | "RECEIPT_KEY">;
  allowedOrigins: string[];
  receivedAt: number;
  ip: string | null;
  geo: IpGeo;
}

export interface PunchOutcome extends PunchBatchResult {
  /** The employee whose punch this was, when it was verified. */
  employeeId?: string;
}

interface Verified {
  index: number;
  punch: Punch;
  assertion: AuthenticationResponseJSON;
  canonical: string;
  hash: string;
}

type PunchInsert = typeof punches.$inferInsert;

// The punch path's writes, built once per isolate (see db/prepared.ts); its read is in rule-context.ts.
const PUNCH_COLUMNS = Object.keys(getTableColumns(punches)) as (keyof PunchInsert)[];
const PUNCH_INSERT = prepare((db) =>
  db
    .insert(punches)
    .values(Object.fromEntries(PUNCH_COLUMNS.map((key) => [key, sql.placeholder(key)])) as unknown as PunchInsert)
    .onConflictDoNothing(),
);
const COUNTER_UPDATE = prepare((db) =>
  db
    .update(devices)
    .set({ counter: sql`max(${devices.counter}, ${sql.placeholder("counter")})` })
    .where(eq(devices.id, sql.placeholder("id"))),
);

/** A punch row's values for PUNCH_INSERT: every column (drizzle encodes each as its column does). */
function punchValues(row: PunchInsert): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const key of PUNCH_COLUMNS) values[key] = row[key] ?? null;
  values.reasons ??= [];
  return values;
}

/** A verified, new punch placed in time, waiting for the rules. */
interface Placed {
  c: Verified;
  device: typeof devices.$inferSelect;
  employee: { id: string; timezone: string | null; scheduleId: string | null };
  nonceIssuedAt: number | null;
  mode: "online" | "offline";
  clockSkew: boolean;
  effectiveTime: number;
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function failure(id: string | null, status: number, code: ErrorCode, message: string, details?: unknown): PunchOutcome {
  return { id, status, error: details === undefined ? { code, message } : { code, message, details } };
}

function rawId(item: unknown): string | null {
  const id = (item as { punch?: { id?: unknown } } | null)?.punch?.id;
  return typeof id === "string" ? id.slice(0, 64) : null;
}

function issues(error: z.ZodError) {
  return error.issues.slice(0, 10).map((i) => ({ path: i.path.join("."), message: i.message }));
}

/**
 * Verifies, places in time, judges and stores signed punches. Any number of
 * items (1..100) cost one batched read and one batched write, so the single
 * route and the offline queue's batch route share this one path.
 */
export async function recordPunches(ctx: PunchContext, items: readonly unknown[]) {
  const { db, receivedAt } = ctx;
  const results: (PunchOutcome | undefined)[] = new Array(items.length);
  const candidates: Verified[] = [];
  const duplicates: { index: number; of: number }[] = [];

  for (const [index, item] of items.entries()) {
    const parsed = PunchRequestSchema.safeParse(item);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      results[index] = failure(
        rawId(item),
        400,
        "VALIDATION_FAILED",
        `Invalid punch${first?.path.length ? ` at ${first.path.join(".")}` : ""}: ${first?.message ?? "invalid"}`,
        { issues: issues(parsed.error) },
      );
      continue;
    }
    const { punch, assertion } = parsed.data;
    if (assertion.id !== punch.credentialId) {
      results[index] = failure(punch.id, 401, "ASSERTION_INVALID", "The assertion was made by another credential than the punch names.");
      continue;
    }
    candidates.push({ index, punch, assertion, canonical: canonicalPunch(punch), hash: await punchChallengeBase64Url(punch) });
  }

  if (candidates.length === 0) return { results: results as PunchOutcome[], session: undefined };

  // The one read, a single statement (rule-context.ts): credentials, earlier copies of these
  // punches, policy, and what the rules compare with (schedules, places, networks, holidays, earlier punches).
  const credentialIds = [...new Set(candidates.map((c) => c.punch.credentialId))];
  const punchIds = [...new Set(candidates.map((c) => c.punch.id))];
  const employeeIds = [...new Set(candidates.map((c) => c.punch.employeeId))];
  // Bracketing only moves a time later, and never past the receive time.
  const since = Math.min(...candidates.map((c) => Math.min(c.punch.clientTime, receivedAt)));
  const contextRows = await queryPrepared(db.$client, ruleContextQuery({ credentialIds, punchIds, employeeIds }, since, receivedAt));
  const { credentials: deviceRows, existing: existingRows } = contextRows;
  const policy = resolveSettings(contextRows.policy);
  const context = ruleContextFrom(contextRows, policy);
  const deviceByCredential = new Map(deviceRows.map((r) => [r.device.credentialId, r]));
  const stored = new Map(existingRows.map((r) => [r.id, r]));
  const counters = new Map(deviceRows.map((r) => [r.device.id, r.device.counter]));

  const securityEvents: Bound[] = [];
  const security = (action: string, c: Verified, data: Record<string, unknown>) =>
    securityEvents.push(
      auditInsertPrepared({
        action,
        at: receivedAt,
        actor: { type: "anonymous" },
        subjectType: "punch",
        subjectId: c.punch.id,
        data: { employeeId: c.punch.employeeId, credentialId: c.punch.credentialId, ...data },
        ip: ctx.ip,
      }),
    );

  const placed: Placed[] = [];
  const deviceUpdates = new Map<string, number>();
  const newInBatch = new Map<string, { hash: string; index: number }>();

  // First the protocol: who signed, whether it is new, when it happened.
  for (const c of candidates) {
    const { punch } = c;
    const found = deviceByCredential.get(punch.credentialId);
    if (!found || found.device.kind !== "extension" || found.device.employeeId !== punch.employeeId) {
      security("security.credential_unknown", c, { reason: found ? "credential of another employee" : "no such credential" });
      results[c.index] = failure(punch.id, 403, "CREDENTIAL_UNKNOWN", "This passkey is not enrolled for this employee.");
      continue;
    }
    const { device } = found;
    if (device.revokedAt !== null || !found.employeeActive) {
      security("security.credential_revoked", c, { deviceId: device.id });
      results[c.index] = failure(punch.id, 403, "CREDENTIAL_REVOKED", "This passkey has been revoked. Ask an administrator for a new enrolment code.");
      continue;
    }
    if (!ctx.allowedOrigins.includes(device.rpId)) {
      security("security.origin_not_allowed", c, { deviceId: device.id, origin: device.rpId });
      results[c.index] = failure(punch.id, 403, "CREDENTIAL_REVOKED", "This passkey's extension is no longer allowed.");
      continue;
    }

    const check = await verifyAssertion({
      response: c.assertion,
      challenge: c.hash,
      origin: device.rpId,
      rpId: device.rpId,
      credential: device,
    });
    if (!check.ok) {
      security("security.assertion_invalid", c, { deviceId: device.id, message: check.message });
      results[c.index] = failure(punch.id, 401, "ASSERTION_INVALID", `The punch signature is not valid: ${check.message}`);
      continue;
    }

    // Idempotency: the same signed punch again is answered from the record.
    const earlier = stored.get(punch.id);
    const sameBatch = newInBatch.get(punch.id);
    if (earlier || sameBatch) {
      const earlierHash = earlier?.punchHash ?? sameBatch!.hash;
      if (earlierHash !== c.hash) {
        results[c.index] = failure(punch.id, 409, "PUNCH_ID_CONFLICT", "Another punch with this id was already recorded.");
      } else if (earlier) {
        results[c.index] = replayResult(earlier);
      } else {
        duplicates.push({ index: c.index, of: sameBatch!.index });
      }
      continue;
    }

    const nonceIssuedAt = await verifyNonce(ctx.env.NONCE_SECRET, punch.nonce);
    if (punch.nonce !== null && nonceIssuedAt === null) {
      // Not fatal: the punch is signed; it just cannot claim to be online.
      security("security.nonce_invalid", c, { deviceId: device.id });
    }
    const bracket = bracketPunchTime({
      clientTime: punch.clientTime,
      nonceIssuedAt,
      receivedAt,
      offlineWindowHours: policy.offlineWindowHours,
    });
    if (!bracket.ok) {
      results[c.index] = failure(
        punch.id,
        422,
        "CLOCK_OUT_OF_RANGE",
        bracket.reason === "future"
          ? "The punch time is in the future. Check the computer's clock."
          : `The punch is older than the offline window (${policy.offlineWindowHours} h). File a correction instead.`,
        { reason: bracket.reason },
      );
      continue;
    }

    // A counter that goes backwards on a live punch suggests a cloned authenticator;
    // queued punches may legitimately arrive out of order.
    const lastCounter = counters.get(device.id) ?? 0;
    if (check.counter > 0 && check.counter <= lastCounter && bracket.mode === "online") {
      security("security.counter_regression", c, { deviceId: device.id, counter: check.counter, stored: lastCounter });
      results[c.index] = failure(punch.id, 401, "ASSERTION_INVALID", "The authenticator's signature counter went backwards.");
      continue;
    }
    // Only a counter that moved is written: most passkeys keep none, and the punch row records the use.
    if (check.counter > lastCounter) {
      counters.set(device.id, check.counter);
      deviceUpdates.set(device.id, check.counter);
    }
    newInBatch.set(punch.id, { hash: c.hash, index: c.index });
    placed.push({
      c,
      device,
      employee: { id: punch.employeeId, timezone: found.employeeTimezone, scheduleId: found.employeeScheduleId },
      nonceIssuedAt,
      mode: bracket.mode,
      clockSkew: bracket.clockSkew,
      effectiveTime: bracket.effectiveTime,
    });
  }

  // Then the rules, in time order, so that each punch is compared with the one before it.
  placed.sort((a, b) => a.effectiveTime - b.effectiveTime || (a.c.punch.id < b.c.punch.id ? -1 : 1));
  const fresh: { index: number; row: PunchInsert; hash: string }[] = [];
  for (const p of placed) {
    const { punch } = p.c;
    const rules = context.forEmployee(p.employee);
    const fix = "lat" in punch.geo ? punch.geo : null;
    const ipLocation = ctx.geo.ipLat !== null && ctx.geo.ipLon !== null ? { lat: ctx.geo.ipLat, lon: ctx.geo.ipLon } : null;
    const workDate = workDateOf(rules.schedule, p.effectiveTime, rules.tz, context.holidays);
    const previous = context.previous(punch.employeeId, { time: p.effectiveTime, id: punch.id });
    const verdict = evaluatePunch({
      kind: punch.kind,
      time: p.effectiveTime,
      mode: p.mode,
      clockSkew: p.clockSkew,
      fix,
      fixError: "error" in punch.geo ? punch.geo.error : null,
      places: rules.places,
      networks: rules.networks,
      ip: ctx.ip,
      country: ctx.geo.country,
      ipLocation,
      previous: previous && { kind: previous.kind, time: previous.time, location: previous.location },
      day: {
        plan: planDay(rules.schedule, workDate, rules.tz, context.holidays),
        earliestInMin: rules.schedule.earliestInMin,
        restDayWorkAllowed: rules.schedule.restDayWorkAllowed,
      },
      syncedPasskey: p.device.backedUp,
      settings: policy,
    });
    if (verdict.status !== "rejected") {
      context.record(punch.employeeId, {
        id: punch.id,
        kind: punch.kind,
        time: p.effectiveTime,
        location: fix ?? (ipLocation && { ...ipLocation, accuracy: IP_LOCATION_ACCURACY_M }),
      });
    }

    const receipt: ReceiptPayload = {
      v: 1,
      punchId: punch.id,
      employeeId: punch.employeeId,
      kind: punch.kind,
      mode: p.mode,
      status: verdict.status,
      reasons: verdict.reasons,
      effectiveTime: p.effectiveTime,
      receivedAt,
      punchHash: p.c.hash,
    };
    const receiptPayload = canonicalize(receipt)!;
    const kept = (degrees: number) => roundTo(degrees, policy.locationPrecision);
    const row: PunchInsert = {
      id: punch.id,
      employeeId: punch.employeeId,
      deviceId: p.device.id,
      source: "device",
      kind: punch.kind,
      clientTime: punch.clientTime,
      tz: punch.tz,
      nonce: punch.nonce,
      nonceIssuedAt: p.nonceIssuedAt,
      geoLat: fix ? kept(fix.lat) : null,
      geoLon: fix ? kept(fix.lon) : null,
      geoAccuracy: fix?.accuracy ?? null,
      geoError: "error" in punch.geo ? punch.geo.error : null,
      effectiveTime: p.effectiveTime,
      receivedAt,
      localDate: localDate(p.effectiveTime, punch.tz),
      mode: p.mode,
      status: verdict.status,
      reasons: verdict.reasons,
      ip: ctx.ip,
      ...ctx.geo,
      signedPunch: p.c.canonical,
      punchHash: p.c.hash,
      assertion: JSON.stringify(p.c.assertion),
      receiptPayload,
      receiptSignature: await signReceipt(ctx.env.RECEIPT_KEY, receiptPayload),
      createdBy: null,
    };
    fresh.push({ index: p.c.index, row, hash: p.c.hash });
    results[p.c.index] = {
      id: punch.id,
      status: 201,
      punch: toPunchRecord(row as typeof punches.$inferSelect),
      receipt: { payload: receiptPayload, signature: row.receiptSignature },
      employeeId: punch.employeeId,
    };
    // Its audit entry ("punch.recorded") comes from a trigger on the insert (migration 0003).
  }
  // The same signed punch twice in one batch: the second copy answers like a replay.
  for (const d of duplicates) results[d.index] = { ...results[d.of]!, status: 200 };

  // A fresh token for the employee whose punches these were, so the extension can read history.
  const accepted = (results as PunchOutcome[]).filter((r) => r.status < 300 && r.punch?.deviceId);
  const session =
    accepted.length > 0 && accepted.every((r) => r.employeeId === accepted[0]!.employeeId)
      ? await issueEmployeeToken(ctx.env.NONCE_SECRET, {
          employeeId: accepted[0]!.employeeId!,
          deviceId: accepted[0]!.punch!.deviceId!,
          now: receivedAt,
        })
      : null;

  // The one batched write: punches first, so their results line up with `fresh`.
  const statements: Bound[] = [
    ...fresh.map((f): Bound => [PUNCH_INSERT, punchValues(f.row)]),
    ...[...deviceUpdates].map(([id, counter]): Bound => [COUNTER_UPDATE, { id, counter }]),
    ...securityEvents,
  ];
  if (statements.length > 0) {
    const d1 = db.$client;
    const written = await d1.batch(statements.map((statement) => bind(d1, statement)));
    const lost = fresh.filter((_, i) => written[i]!.meta.changes === 0);
    if (lost.length > 0) await settleRaces(db, lost, results);
  }

  return {
    results: results as PunchOutcome[],
    session: session ? { token: session.token, expiresAt: session.expiresAt } : undefined,
  };
}

function replayResult(row: typeof punches.$inferSelect): PunchOutcome {
  return {
    id: row.id,
    status: 200,
    punch: toPunchRecord(row),
    receipt: { payload: row.receiptPayload, signature: row.receiptSignature },
    employeeId: row.employeeId,
  };
}

/** Another request stored the same id between our read and write: answer as a replay or a conflict. */
async function settleRaces(db: DB, lost: { index: number; row: PunchInsert; hash: string }[], results: (PunchOutcome | undefined)[]) {
  const rows = await db.select().from(punches).where(inArray(punches.id, lost.map((l) => l.row.id)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const l of lost) {
    const row = byId.get(l.row.id);
    results[l.index] =
      row && row.punchHash === l.hash
        ? replayResult(row)
        : failure(l.row.id, 409, "PUNCH_ID_CONFLICT", "Another punch with this id was already recorded.");
  }
}

export type { PunchRecord };
