import type { AuditEntryRecord } from "../../shared/api";
import { MAX_OFFLINE_WINDOW_HOURS } from "../../shared/settings";
import type { AuthenticationResponseJSON } from "../../shared/webauthn-json";
import { walkChain } from "./chain";
import { type ArchivedMonth, type Proof, WorkerClient } from "./client";
import { type CreatedPunch, createdPunches, crossCheck, indexAudit } from "./cross";
import { importReceiptKey, type ReceiptKey, sha256Base64Url, verifyEs256 } from "./crypto";
import { checkPunch, judgeKeyFailures, type PunchEvidence } from "./punches";
import type { Failure, VerifyReport } from "./report";

export interface VerifyOptions {
  /** The Worker's base URL. */
  url: string;
  /** An API key (admin or auditor: managers see only their reports and no audit log). */
  apiKey: string;
  /** Effective times of the punches to check, inclusive (epoch ms); the audit chain is always walked whole. */
  from?: number | null;
  to?: number | null;
  /** The receipt key as obtained apart from this server (a public JWK): receipts are verified with it. */
  receiptKey?: Record<string, unknown>;
  fetch?: typeof fetch;
}

/** Signature checks at once: @simplewebauthn verifies through WebCrypto, whose work runs off the main thread. */
const CHECKS_IN_FLIGHT = 16;

/** `task` over every item, at most `limit` at a time; results in the items' order. */
async function inParallel<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** How far before its receipt a device punch's effective time can lie: the longest offline window. */
const OFFLINE_WINDOW_MS = MAX_OFFLINE_WINDOW_HOURS * 3_600_000;

function monthBounds(month: string): { from: number; to: number } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return { from: Date.UTC(y, m - 1, 1), to: Date.UTC(y, m, 1) };
}

const within = (t: number, from: number | null, to: number | null) => (from === null || t >= from) && (to === null || t <= to);

function fromProof(p: Proof): PunchEvidence {
  return { archivedIn: null, ...p, publicKey: p.publicKey ? { cose: p.publicKey.cose } : null };
}

/** An archived row (every column, as stored) as the evidence the checks read; its device's key from the live proofs. */
function fromArchivedRow(month: string, row: Record<string, any>, keys: Map<string, { cose: string; origin: string | null }>): PunchEvidence {
  const assertion = row.assertion ? (JSON.parse(row.assertion) as AuthenticationResponseJSON) : null;
  const credentialId: string | null = assertion?.id ?? null;
  const device = credentialId ? keys.get(credentialId) : undefined;
  return {
    archivedIn: month,
    record: {
      id: row.id,
      employeeId: row.employeeId,
      kind: row.kind,
      status: row.status,
      mode: row.mode,
      effectiveTime: row.effectiveTime,
      receivedAt: row.receivedAt,
      clientTime: row.clientTime,
      reasons: row.reasons ?? [],
      tz: row.tz,
      geo: row.geoLat !== null && row.geoLon !== null ? { lat: row.geoLat, lon: row.geoLon, accuracy: row.geoAccuracy ?? 0 } : { error: row.geoError ?? "unavailable" },
      ...(row.reviewDecision && row.reviewBy && row.reviewAt !== null
        ? { review: { decision: row.reviewDecision, by: row.reviewBy, at: row.reviewAt, comment: row.reviewComment ?? "" } }
        : {}),
      ...(row.correctionId ? { correctionId: row.correctionId } : {}),
      ...(row.createdBy ? { createdBy: row.createdBy } : {}),
      ...(row.note ? { note: row.note } : {}),
    },
    signed: row.signedPunch ?? null,
    assertion,
    punchHash: row.punchHash,
    credentialId,
    publicKey: device ? { cose: device.cose } : null,
    origin: device?.origin ?? null,
    receipt: { payload: row.receiptPayload, signature: row.receiptSignature },
  };
}

/** Splits an archived month into its parts by their sizes and checks each against its recorded SHA-256. */
function readArchive(month: ArchivedMonth, body: Uint8Array, failures: Failure[]): Record<string, unknown>[] {
  let offset = 0;
  for (const part of month.parts) {
    const bytes = body.subarray(offset, offset + part.bytes);
    offset += part.bytes;
    if (sha256Base64Url(bytes) !== part.sha256) {
      failures.push({ kind: "archive-part", message: `${month.month} part ${part.part} (${part.key}) does not match its recorded SHA-256` });
    }
  }
  if (offset !== body.byteLength) failures.push({ kind: "archive-part", message: `${month.month} is ${body.byteLength} bytes, its parts ${offset}` });
  return new TextDecoder()
    .decode(body)
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Downloads the records and checks them without trusting anything the server computed. The
 * order of the downloads matters while punches keep arriving: the log first (after asking the
 * server to seal what is pending), then the punches, then the entries written meanwhile. So
 * every punch downloaded has its entry downloaded too, and every entry of the first download
 * was written before the punches were read: its punch must be among them, archived, or (when a
 * range is given) outside the range, which is asked of the server one punch at a time.
 */
export async function verifyWorker(opts: VerifyOptions): Promise<VerifyReport> {
  const client = new WorkerClient(opts.url, opts.apiKey, opts.fetch);
  const from = opts.from ?? null;
  const to = opts.to ?? null;
  const failures: Failure[] = [];
  const started = performance.now();

  const published = importReceiptKey(await client.receiptKey());
  let key = published;
  if (opts.receiptKey) {
    key = importReceiptKey(opts.receiptKey);
    if (key.thumbprint !== published.thumbprint) {
      failures.push({ kind: "receipt-key", message: `the server publishes key ${published.thumbprint}, receipts are checked with the given ${key.thumbprint}` });
    }
  }

  await client.sealPending();
  const logged = await client.auditAfter(0);
  const head = logged.reduce((max, e) => Math.max(max, e.seq), 0);
  const proofs = await client.proofs(from, to);
  // Archived months that can hold a punch in the range, or one the log names as received in it.
  const months = (await client.archivedMonths()).filter((m) => {
    const b = monthBounds(m.month);
    return (to === null || b.from <= to) && (from === null || b.to > from - OFFLINE_WINDOW_MS);
  });
  const archived: { month: string; rows: Record<string, unknown>[] }[] = [];
  for (const m of months) archived.push({ month: m.month, rows: readArchive(m, await client.archivedMonth(m.month), failures) });
  const newer = await client.auditAfter(head);
  const downloaded = performance.now();

  const entries: AuditEntryRecord[] = [...logged, ...newer];
  const chain = walkChain(entries);
  failures.push(...chain.failures);
  failures.push(...checkCheckpoints(await client.checkpoints(), entries, key));

  const keys = new Map(proofs.filter((p) => p.credentialId && p.publicKey).map((p) => [p.credentialId!, { cose: p.publicKey!.cose, origin: p.origin }]));
  const evidence = proofs.map(fromProof);
  const known = new Set(proofs.map((p) => p.record.id));
  for (const { month, rows } of archived) {
    for (const row of rows) {
      known.add(String(row.id));
      if (within(Number(row.effectiveTime), from, to)) evidence.push(fromArchivedRow(month, row, keys));
    }
  }
  const checked = await inParallel(evidence, CHECKS_IN_FLIGHT, async (e) => ({ evidence: e, check: await checkPunch(e, key) }));
  for (const c of checked) failures.push(...c.check.failures);
  failures.push(...judgeKeyFailures(checked));

  const index = indexAudit(entries);
  const cross = crossCheck(checked, index);
  failures.push(...cross.failures);
  // Only entries written before the punches were read: a punch recorded since is not among them.
  const createdBefore = createdPunches(index).filter((c) => c.seq <= head);
  failures.push(...(await deletedPunches(client, createdBefore, known, from, to)));

  return {
    url: client.base,
    range: from === null && to === null ? null : { from, to },
    receiptKey: { kid: key.kid, thumbprint: key.thumbprint },
    punches: {
      checked: checked.length,
      signed: checked.filter((c) => c.check.proof === "signed").length,
      redacted: checked.filter((c) => c.check.proof === "redacted").length,
      entered: checked.filter((c) => c.check.proof === "entered").length,
      archived: checked.filter((c) => c.evidence.archivedIn !== null).length,
      keyUnknown: checked.filter((c) => c.check.keyUnknown).length,
      reviewed: cross.reviewed,
    },
    audit: { entries: entries.length, sealed: chain.sealed, pending: chain.pending, lastSeq: chain.lastSeq },
    failures: sortFailures(failures),
    timings: { downloadMs: downloaded - started, checkMs: performance.now() - downloaded },
  };
}

/**
 * Punches the log says were created but that are neither among those read nor archived. In a
 * range: a device punch counts when it was received in the range (its entry's time) and an
 * entered one when its stated time is in it; a device punch received in the range may have an
 * effective time before it, so one not read is looked up by id before it is called deleted.
 */
async function deletedPunches(client: WorkerClient, created: CreatedPunch[], known: Set<string>, from: number | null, to: number | null): Promise<Failure[]> {
  const ranged = from !== null || to !== null;
  const failures: Failure[] = [];
  for (const c of created) {
    if (known.has(c.punchId)) continue;
    if (!within(c.time ?? c.at, from, to)) continue;
    if (ranged && c.time === null && (await client.punchExists(c.punchId))) continue;
    failures.push({ kind: "punch-deleted", punchId: c.punchId, seq: c.seq, message: `entry #${c.seq} (${c.action}) records it, but it is neither in the database nor in an archived month` });
  }
  return failures;
}

/** Audit failures in sequence order first, then punch failures grouped by punch. */
function sortFailures(failures: Failure[]): Failure[] {
  return failures
    .map((f, i) => ({ f, i }))
    .sort((a, b) => {
      const ka = a.f.punchId === undefined ? 0 : 1;
      const kb = b.f.punchId === undefined ? 0 : 1;
      if (ka !== kb) return ka - kb;
      if (ka === 0) return (a.f.seq ?? 0) - (b.f.seq ?? 0) || a.i - b.i;
      return a.f.punchId! < b.f.punchId! ? -1 : a.f.punchId! > b.f.punchId! ? 1 : a.i - b.i;
    })
    .map(({ f }) => f);
}

/**
 * Each signed checkpoint must be signed by the receipt key over exactly its own seq and hash, and
 * the downloaded chain must still hold that entry with that hash: cutting the newest entries, or
 * rewriting and re-sealing a whole tail, leaves the chain sound but short of (or other than) the
 * head the server signed at the time.
 */
export function checkCheckpoints(
  checkpoints: readonly { seq: number; hash: string; payload: string; signature: string }[],
  entries: readonly AuditEntryRecord[],
  key: ReceiptKey,
): Failure[] {
  const bySeq = new Map(entries.map((e) => [e.seq, e.hash]));
  const failures: Failure[] = [];
  for (const c of checkpoints) {
    let claims: { seq?: unknown; hash?: unknown } = {};
    try {
      claims = JSON.parse(c.payload);
    } catch {
      // a payload that is not JSON is not what was signed
    }
    if (!verifyEs256(key, c.payload, c.signature) || claims.seq !== c.seq || claims.hash !== c.hash) {
      failures.push({ kind: "checkpoint-signature", seq: c.seq, message: `the checkpoint at #${c.seq} does not verify with the receipt key` });
    } else if (bySeq.get(c.seq) !== c.hash) {
      failures.push({
        kind: "audit-cut",
        seq: c.seq,
        message: bySeq.has(c.seq) ? `entry #${c.seq} has another hash than the checkpoint signed for it` : `entry #${c.seq}, which a signed checkpoint names, is gone`,
      });
    }
  }
  return failures;
}
