import { inArray, sql } from "drizzle-orm";
import type { z } from "zod";
import { type PunchBatchResult, PunchRequestSchema, type PunchRecord, type ReceiptPayload } from "../../shared/api";
import { type BracketResult, bracketPunchTime } from "../../shared/bracket";
import type { ErrorCode } from "../../shared/errors";
import { canonicalPunch, punchChallengeBase64Url, type Punch } from "../../shared/punch";
import { evaluatePunch, IP_LOCATION_ACCURACY_M, type PunchVerdict } from "../../shared/rules";
import { MAX_OFFLINE_WINDOW_HOURS, resolveSettings, type Settings } from "../../shared/settings";
import { planDay, workDateOf } from "../../shared/schedule";
import { localDate } from "../../shared/time";
import type { AuthenticationResponseJSON } from "../../shared/webauthn-json";
import type { DB } from "../db/client";
import { devices, punches } from "../db/schema";
import { batchPrepared, type Bound, preparedSql, queryPrepared } from "../db/prepared";
import { type PunchInsert, punchInsert, receiptFor } from "./punch-store";
import { type CredentialRow, type PunchClaim, ruleContextFrom, ruleContextQuery, type RuleContextRows, type StoredPunch } from "./rule-context";
import { verifyNonce } from "./crypto";
import { toPunchRecord } from "./records";
import type { IpGeo } from "./request";
import {
  ASSERTION_FAILURES_PER_WINDOW,
  CREDENTIAL_REFUSALS_PER_WINDOW,
  credentialKey,
  retryAfter,
  type SecurityEvent,
  securityEventWrites,
} from "./security";
import { RateLimitedError } from "../errors";
import { issueEmployeeToken } from "./sessions";
import { verifyAssertion } from "./webauthn";

// A signed punch's way through the Worker, one named step each:
//   parse → read (one statement) → check protocol → place in time → judge counters → judge → build rows → write (one batch)
// Every step returns data (results for refused items, security events, rows); only the
// orchestrator, `recordPunches`, talks to the database, once to read and once to write.

export interface PunchContext {
  db: DB;
  env: Pick<Env, "NONCE_SECRET" | "RECEIPT_KEY">;
  allowedOrigins: string[];
  receivedAt: number;
  ip: string | null;
  /** Who rate limits and security events count against (an IPv4 address, an IPv6 /64, or `unknown`). */
  source: string;
  geo: IpGeo;
}

export interface PunchOutcome extends PunchBatchResult {
  /** The employee whose punch this was, when it was verified. */
  employeeId?: string;
}

type Results = (PunchOutcome | undefined)[];
type Device = typeof devices.$inferSelect;

/** An item that parsed, with what can be known of it before anything is read or verified. */
interface Candidate {
  index: number;
  punch: Punch;
  assertion: AuthenticationResponseJSON;
  canonical: string;
  /** SHA-256 of the canonical punch: the challenge the passkey signed. */
  hash: string;
  /** Issue time of the punch's nonce, when its HMAC is ours. */
  nonceIssuedAt: number | null;
}

/** A candidate whose signature verified against its employee's own passkey, and that is new. */
interface Verified {
  c: Candidate;
  device: Device;
  employee: { id: string; timezone: string | null; scheduleId: string | null };
  /** The authenticator's signature counter in this assertion (0: it keeps none). */
  counter: number;
}

/** A verified punch placed in time. */
interface Placed extends Verified {
  mode: "online" | "offline";
  clockSkew: boolean;
  effectiveTime: number;
  counterRegression: boolean;
}

function failure(id: string | null, status: number, code: ErrorCode, message: string, details?: unknown): PunchOutcome {
  return { id, status, error: details === undefined ? { code, message } : { code, message, details } };
}

/** Signing order: the punch's own time, then its id (UUIDv7, so also time-ordered). */
const signedBefore = (a: { clientTime: number; id: string }, b: { clientTime: number; id: string }) =>
  a.clientTime < b.clientTime || (a.clientTime === b.clientTime && a.id < b.id);

// ---- 1. parse ----------------------------------------------------------------------------

function rawId(item: unknown): string | null {
  const id = (item as { punch?: { id?: unknown } } | null)?.punch?.id;
  return typeof id === "string" ? id.slice(0, 64) : null;
}

function issues(error: z.ZodError) {
  return error.issues.slice(0, 10).map((i) => ({ path: i.path.join("."), message: i.message }));
}

/** Validates each item on its own, and computes its challenge and nonce time (CPU only, no I/O). */
async function parse(items: readonly unknown[], nonceSecret: string, results: Results): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
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
    candidates.push({
      index,
      punch,
      assertion,
      canonical: canonicalPunch(punch),
      hash: await punchChallengeBase64Url(punch),
      nonceIssuedAt: await verifyNonce(nonceSecret, punch.nonce),
    });
  }
  return candidates;
}

/**
 * What the read asks about each candidate. Its time is the earliest the punch can be placed
 * under any offline window a company may set: bracketing only ever moves a time later and never
 * past receipt, so the counted punch right before it is the one the rules compare with, whatever
 * the body claims (a client time of 0 reads nothing older than a month).
 */
function claimOf(c: Candidate, receivedAt: number): PunchClaim {
  const placed = bracketPunchTime({ clientTime: c.punch.clientTime, nonceIssuedAt: c.nonceIssuedAt, receivedAt, offlineWindowHours: MAX_OFFLINE_WINDOW_HOURS });
  return { id: c.punch.id, employeeId: c.punch.employeeId, credentialId: c.punch.credentialId, time: placed.ok ? placed.effectiveTime : receivedAt };
}

// ---- 3. check protocol ---------------------------------------------------------------------

interface ProtocolOutcome {
  verified: Verified[];
  events: SecurityEvent[];
  /** Second copies of a punch in the same request: answered like the first. */
  duplicates: { index: number; of: number }[];
}

/**
 * Who signed, and whether the punch is new: the credential must be the employee's own, live and
 * from an allowed extension; the signature must cover exactly this punch (its challenge is the
 * punch's hash); the same signed punch again is answered from its record. Refusals are results
 * and security events, never exceptions.
 *
 * Two limits, each on its own kind of refusal, so that one never blocks the other: punches naming
 * an unknown or dead credential, per source (past it they are refused unread); and failed
 * signatures per source and credential (past it that credential's punches from that source are
 * refused unverified). A live credential with good signatures is never refused for what others
 * sent from the same address. Both count this request's refusals as they happen.
 */
async function checkProtocol(ctx: PunchContext, read: RuleContextRows, candidates: Candidate[], results: Results): Promise<ProtocolOutcome> {
  const byCredential = new Map(read.credentials.map((r) => [r.device.credentialId, r]));
  const stored = new Map(read.existing.map((r) => [r.id, r]));
  const firstCopy = new Map<string, Candidate>();
  const outcome: ProtocolOutcome = { verified: [], events: [], duplicates: [] };
  let credentialRefusals = read.refusals;
  const assertionFailures = new Map(Object.entries(read.assertionFailures));
  const limited = (c: Candidate, what: string) =>
    failure(c.punch.id, 429, "RATE_LIMITED", `Too many ${what} from this network. Wait a few minutes and try again.`, { retryAfterMs: retryAfter(ctx.receivedAt) });
  const refuse = (c: Candidate, action: SecurityEvent["action"], sample: Record<string, unknown>, result: PunchOutcome) => {
    if (action === "security.assertion_invalid") {
      assertionFailures.set(c.punch.credentialId, (assertionFailures.get(c.punch.credentialId) ?? 0) + 1);
    } else if (credentialRefusals >= CREDENTIAL_REFUSALS_PER_WINDOW) {
      results[c.index] = limited(c, "punches with unknown passkeys");
      return;
    } else {
      credentialRefusals += 1;
    }
    outcome.events.push({
      action,
      ...(action === "security.assertion_invalid" ? { key: credentialKey(ctx.source, c.punch.credentialId) } : {}),
      sample: { punchId: c.punch.id, employeeId: c.punch.employeeId, credentialId: c.punch.credentialId, ...sample },
    });
    results[c.index] = result;
  };

  for (const c of candidates) {
    const { punch } = c;
    // The very same signed punch, assertion and all, as stored: verified when it was recorded.
    const earlier: StoredPunch | undefined = stored.get(punch.id);
    if (earlier && earlier.punchHash === c.hash && earlier.assertion === JSON.stringify(storedAssertion(c.assertion))) {
      results[c.index] = replayResult(earlier);
      continue;
    }
    const found: CredentialRow | undefined = byCredential.get(punch.credentialId);
    if (!found || found.device.kind !== "extension" || found.device.employeeId !== punch.employeeId) {
      refuse(c, "security.credential_unknown", { reason: found ? "credential of another employee" : "no such credential" },
        failure(punch.id, 403, "CREDENTIAL_UNKNOWN", "This passkey is not enrolled for this employee."));
      continue;
    }
    const { device } = found;
    if (device.revokedAt !== null || !found.employeeActive) {
      refuse(c, "security.credential_revoked", { deviceId: device.id },
        failure(punch.id, 403, "CREDENTIAL_REVOKED", "This passkey has been revoked. Ask an administrator for a new enrolment code."));
      continue;
    }
    if (!ctx.allowedOrigins.includes(device.rpId)) {
      refuse(c, "security.origin_not_allowed", { deviceId: device.id, origin: device.rpId },
        failure(punch.id, 403, "CREDENTIAL_REVOKED", "This passkey's extension is no longer allowed."));
      continue;
    }
    if ((assertionFailures.get(punch.credentialId) ?? 0) >= ASSERTION_FAILURES_PER_WINDOW) {
      results[c.index] = limited(c, "punches with bad signatures for this passkey");
      continue;
    }
    const check = await verifyAssertion({ response: c.assertion, challenge: c.hash, origin: device.rpId, rpId: device.rpId, credential: device });
    if (!check.ok) {
      refuse(c, "security.assertion_invalid", { deviceId: device.id, message: check.message },
        failure(punch.id, 401, "ASSERTION_INVALID", `The punch signature is not valid: ${check.message}`));
      continue;
    }

    // Idempotency: the same signed punch again is answered from the record; the same id with other content is a conflict.
    const sibling = firstCopy.get(punch.id);
    if (earlier || sibling) {
      if ((earlier?.punchHash ?? sibling!.hash) !== c.hash) {
        results[c.index] = failure(punch.id, 409, "PUNCH_ID_CONFLICT", "Another punch with this id was already recorded.");
      } else if (earlier) {
        results[c.index] = replayResult(earlier);
      } else {
        outcome.duplicates.push({ index: c.index, of: sibling!.index });
      }
      continue;
    }
    firstCopy.set(punch.id, c);
    if (punch.nonce !== null && c.nonceIssuedAt === null) {
      // Not fatal: the punch is signed; it just cannot claim to be online.
      outcome.events.push({ action: "security.nonce_invalid", sample: { punchId: punch.id, employeeId: punch.employeeId, deviceId: device.id } });
    }
    outcome.verified.push({
      c,
      device,
      employee: { id: punch.employeeId, timezone: found.employeeTimezone, scheduleId: found.employeeScheduleId },
      counter: check.counter,
    });
  }
  return outcome;
}

// ---- 4. place in time ------------------------------------------------------------------------

/** Brackets each verified punch's time (shared/bracket.ts); one outside the offline window or in the future is refused. */
function placeInTime(verified: Verified[], policy: Settings, receivedAt: number, results: Results): Placed[] {
  const placed: Placed[] = [];
  for (const v of verified) {
    const bracket: BracketResult = bracketPunchTime({
      clientTime: v.c.punch.clientTime,
      nonceIssuedAt: v.c.nonceIssuedAt,
      receivedAt,
      offlineWindowHours: policy.offlineWindowHours,
    });
    if (!bracket.ok) {
      results[v.c.index] = failure(
        v.c.punch.id,
        422,
        "CLOCK_OUT_OF_RANGE",
        bracket.reason === "future"
          ? "The punch time is in the future. Check the computer's clock."
          : `The punch is older than the offline window (${policy.offlineWindowHours} h). File a correction instead.`,
        { reason: bracket.reason },
      );
      continue;
    }
    placed.push({ ...v, mode: bracket.mode, clockSkew: bracket.clockSkew, effectiveTime: bracket.effectiveTime, counterRegression: false });
  }
  return placed;
}

// ---- 5. judge the signature counters -------------------------------------------------------

/** The highest counter a passkey has shown, and where in signing order the punch that showed it stands. */
interface CounterMark {
  counter: number;
  clientTime: number;
  punchId: string;
}

/**
 * A signature counter is evidence about the authenticator, not about arrival: queued punches
 * arrive in any order. So each punch is compared, in signing order (its own time and id), with
 * the highest counter its passkey showed: a higher counter moves the mark on; a counter that is
 * not higher on a punch signed after the mark (a cloned authenticator would do that) flags the
 * punch `counter_regression`, and never refuses it. Returns the marks to store.
 */
function judgeCounters(placed: Placed[]): Map<string, CounterMark> {
  const marks = new Map<string, CounterMark>();
  const ordered = [...placed].sort((a, b) => (signedBefore(a.c.punch, b.c.punch) ? -1 : 1));
  const moved = new Map<string, CounterMark>();
  for (const p of ordered) {
    if (p.counter === 0) continue; // this authenticator keeps no counter
    const mark = marks.get(p.device.id) ?? {
      counter: p.device.counter,
      // A mark from before positions were kept stands before every punch.
      clientTime: p.device.counterTime ?? Number.NEGATIVE_INFINITY,
      punchId: p.device.counterPunchId ?? "",
    };
    if (p.counter > mark.counter) {
      const next = { counter: p.counter, clientTime: p.c.punch.clientTime, punchId: p.c.punch.id };
      marks.set(p.device.id, next);
      moved.set(p.device.id, next);
    } else {
      marks.set(p.device.id, mark);
      p.counterRegression = !signedBefore(p.c.punch, { clientTime: mark.clientTime, id: mark.punchId });
    }
  }
  return moved;
}

// ---- 6. judge the rules ------------------------------------------------------------------------

interface Judged {
  p: Placed;
  verdict: PunchVerdict;
}

/** The rules (shared/rules.ts), in effective-time order, so each punch is compared with the one before it. */
function judge(ctx: PunchContext, read: RuleContextRows, policy: Settings, placed: Placed[]): Judged[] {
  const context = ruleContextFrom(read, policy);
  const ipLocation = ctx.geo.ipLat !== null && ctx.geo.ipLon !== null ? { lat: ctx.geo.ipLat, lon: ctx.geo.ipLon } : null;
  const ordered = [...placed].sort((a, b) => a.effectiveTime - b.effectiveTime || (a.c.punch.id < b.c.punch.id ? -1 : 1));
  return ordered.map((p) => {
    const { punch } = p.c;
    const rules = context.forEmployee(p.employee);
    const fix = "lat" in punch.geo ? punch.geo : null;
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
      counterRegression: p.counterRegression,
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
    return { p, verdict };
  });
}

// ---- 7. rows and receipts ---------------------------------------------------------------------

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** The assertion as stored: what re-verifying the signature needs, and nothing else. */
function storedAssertion(a: AuthenticationResponseJSON): AuthenticationResponseJSON {
  const { clientDataJSON, authenticatorData, signature, userHandle } = a.response;
  return {
    id: a.id,
    rawId: a.rawId,
    type: a.type,
    response: { clientDataJSON, authenticatorData, signature, ...(userHandle === undefined ? {} : { userHandle }) },
    ...(a.authenticatorAttachment === undefined ? {} : { authenticatorAttachment: a.authenticatorAttachment }),
    clientExtensionResults: a.clientExtensionResults,
  };
}

/** The punch row and its receipt, signed with the server's key; the answer for the item. */
async function buildRow(ctx: PunchContext, policy: Settings, { p, verdict }: Judged): Promise<{ row: PunchInsert; result: PunchOutcome }> {
  const { punch } = p.c;
  const receipt: ReceiptPayload = {
    v: 1,
    punchId: punch.id,
    employeeId: punch.employeeId,
    kind: punch.kind,
    mode: p.mode,
    status: verdict.status,
    reasons: verdict.reasons,
    effectiveTime: p.effectiveTime,
    receivedAt: ctx.receivedAt,
    punchHash: p.c.hash,
  };
  const signed = await receiptFor(ctx.env.RECEIPT_KEY, receipt);
  const fix = "lat" in punch.geo ? punch.geo : null;
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
    nonceIssuedAt: p.c.nonceIssuedAt,
    geoLat: fix ? kept(fix.lat) : null,
    geoLon: fix ? kept(fix.lon) : null,
    geoAccuracy: fix?.accuracy ?? null,
    geoError: "error" in punch.geo ? punch.geo.error : null,
    effectiveTime: p.effectiveTime,
    receivedAt: ctx.receivedAt,
    localDate: localDate(p.effectiveTime, punch.tz),
    mode: p.mode,
    status: verdict.status,
    reasons: verdict.reasons,
    ip: ctx.ip,
    ...ctx.geo,
    signedPunch: p.c.canonical,
    punchHash: p.c.hash,
    assertion: JSON.stringify(storedAssertion(p.c.assertion)),
    receiptPayload: signed.payload,
    receiptSignature: signed.signature,
    createdBy: null,
  };
  // Its audit entry ("punch.recorded") comes from a trigger on the insert (migration 0003).
  return {
    row,
    result: {
      id: punch.id,
      status: 201,
      punch: toPunchRecord(row as typeof punches.$inferSelect),
      receipt: signed,
      employeeId: punch.employeeId,
    },
  };
}

/**
 * The answer to a punch sent again: its record and receipt. What people later added to the record
 * (a review, a note) is not the sender's to read through a replay.
 */
function replayResult(row: StoredPunch): PunchOutcome {
  const { review: _review, note: _note, createdBy: _createdBy, ...record } = toPunchRecord(row);
  return {
    id: row.id,
    status: 200,
    punch: record,
    receipt: { payload: row.receiptPayload, signature: row.receiptSignature },
    employeeId: row.employeeId,
  };
}

// ---- 8. write --------------------------------------------------------------------------------

// Only ever forward: two requests at once keep the higher mark.
const COUNTER_UPDATE = preparedSql(
  sql`UPDATE devices SET counter = ${sql.placeholder("counter")}, counter_time = ${sql.placeholder("clientTime")},
    counter_punch_id = ${sql.placeholder("punchId")} WHERE id = ${sql.placeholder("id")} AND counter < ${sql.placeholder("counter")}`,
  (result) => result.meta.changes,
);

/** The one batched write: punches first, so the first results line up with `fresh`. Returns the punches another request stored first. */
async function write(ctx: PunchContext, fresh: { index: number; row: PunchInsert }[], marks: Map<string, CounterMark>, events: SecurityEvent[]) {
  const statements: Bound[] = [
    ...fresh.map((f) => punchInsert(f.row)),
    ...[...marks].map(([id, mark]): Bound => [COUNTER_UPDATE, { id, ...mark }]),
    ...securityEventWrites(ctx.source, events, ctx.receivedAt),
  ];
  if (statements.length === 0) return [];
  const written = await batchPrepared(ctx.db.$client, statements);
  return fresh.filter((_, i) => written[i]!.meta.changes === 0);
}

/** Another request stored the same id between our read and write: answer as a replay or a conflict. */
async function settleRaces(db: DB, lost: { index: number; row: PunchInsert }[], results: Results) {
  const rows = await db.select().from(punches).where(inArray(punches.id, lost.map((l) => l.row.id)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const l of lost) {
    const row = byId.get(l.row.id);
    results[l.index] =
      row && row.punchHash === l.row.punchHash
        ? replayResult(row)
        : failure(l.row.id, 409, "PUNCH_ID_CONFLICT", "Another punch with this id was already recorded.");
  }
}

// ---- the orchestrator ------------------------------------------------------------------------

/**
 * Verifies, places in time, judges and stores signed punches. Any number of items (1..100) cost
 * one read and one batched write, so the single route and the offline queue's batch route share
 * this one path. A source that has caused too many refusals this window is refused (429) after
 * the read and before any signature is checked.
 */
export async function recordPunches(ctx: PunchContext, items: readonly unknown[]) {
  const results: Results = new Array(items.length);
  const candidates = await parse(items, ctx.env.NONCE_SECRET, results);
  if (candidates.length === 0) return { results: results as PunchOutcome[], session: undefined };

  const read = await queryPrepared(ctx.db.$client, ruleContextQuery(candidates.map((c) => claimOf(c, ctx.receivedAt)), ctx.source, ctx.receivedAt));
  const policy = resolveSettings(read.policy);

  const protocol = await checkProtocol(ctx, read, candidates, results);
  // Nothing in the request got past the limits: the whole request waits (the single route's one item too).
  if (candidates.every((c) => results[c.index]?.status === 429)) {
    throw new RateLimitedError(retryAfter(ctx.receivedAt), results[candidates[0]!.index]!.error!.message);
  }
  const placed = placeInTime(protocol.verified, policy, ctx.receivedAt, results);
  const marks = judgeCounters(placed);
  const fresh = [];
  for (const judged of judge(ctx, read, policy, placed)) {
    const { row, result } = await buildRow(ctx, policy, judged);
    fresh.push({ index: judged.p.c.index, row, mode: judged.p.mode });
    results[judged.p.c.index] = result;
  }
  for (const d of protocol.duplicates) results[d.index] = { ...results[d.of]!, status: 200 };

  const lost = await write(ctx, fresh, marks, protocol.events);
  if (lost.length > 0) await settleRaces(ctx.db, lost, results);

  return { results: results as PunchOutcome[], session: await sessionFor(ctx, fresh, results) };
}

/**
 * A token for the extension to read the employee's history with, only for a punch recorded by
 * this very request (201) and signed just now (online: a nonce younger than five minutes). A
 * signed punch sits in queues, in the database and in logs: replaying one must never sign anyone in.
 */
async function sessionFor(ctx: PunchContext, fresh: { index: number; row: PunchInsert; mode: string }[], results: Results) {
  const live = fresh.filter((f) => f.mode === "online" && results[f.index]?.status === 201);
  const employeeIds = new Set(live.map((f) => f.row.employeeId));
  if (live.length === 0 || employeeIds.size !== 1) return undefined;
  const { token, expiresAt } = await issueEmployeeToken(ctx.env.NONCE_SECRET, {
    employeeId: live[0]!.row.employeeId,
    deviceId: live[0]!.row.deviceId!,
    now: ctx.receivedAt,
  });
  return { token, expiresAt };
}

export type { PunchRecord };
