import canonicalize from "canonicalize";
import type { AuditEntryRecord } from "../../shared/api";
import { sha256Base64Url } from "./crypto";
import type { Failure } from "./report";

/** The `prevHash` of the first entry (worker/services/audit.ts `GENESIS`). */
export const GENESIS = "clockwork-audit-genesis";

/**
 * The hash that seals an entry, computed here rather than taken from the server:
 * base64url(SHA-256(prevHash + "\n" + JCS(entry))), where the entry is the stored row without its
 * two hashes. Named field by field, so a field the API might add later cannot change the result.
 */
export function entryHash(prevHash: string, e: AuditEntryRecord): string {
  const fields = {
    seq: e.seq,
    at: e.at,
    actorType: e.actorType,
    actorId: e.actorId,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    data: e.data,
    ip: e.ip,
  };
  return sha256Base64Url(`${prevHash}\n${canonicalize(fields)}`);
}

export interface ChainWalk {
  failures: Failure[];
  sealed: number;
  /** Unsealed entries at the end of the log. */
  pending: number;
  lastSeq: number;
}

/**
 * Re-walks the chain over every entry, in sequence order. Each sealed entry must hash to its
 * `hash` from its own `prevHash` (else its content was edited) and that `prevHash` must be the
 * hash of the entry before it (else it was re-sealed or moved); sequence numbers come from an
 * AUTOINCREMENT key and a refused insert consumes none, so a gap is a deleted entry. Each of the
 * three is reported at its own entry and the walk goes on from the stored hash, so one tampering
 * does not hide another. Cutting the newest entries leaves no gap and no broken link: only a
 * signed checkpoint of the head would show it.
 */
export function walkChain(entries: readonly AuditEntryRecord[]): ChainWalk {
  const ordered = [...entries].sort((a, b) => a.seq - b.seq);
  const failures: Failure[] = [];
  let expected = 1;
  let prev = GENESIS;
  let sealed = 0;
  let unsealed: number[] = [];
  for (const e of ordered) {
    if (e.seq < expected) continue; // the same entry twice in the download
    const gap = e.seq > expected;
    if (gap) {
      const missing = e.seq - expected;
      failures.push({
        kind: "audit-deleted",
        seq: expected,
        message: missing === 1 ? `entry #${expected} is missing (deleted)` : `entries #${expected}–#${e.seq - 1} (${missing}) are missing (deleted)`,
      });
    }
    expected = e.seq + 1;
    if (e.hash === null) {
      unsealed.push(e.seq);
      continue;
    }
    if (unsealed.length > 0) {
      failures.push({ kind: "audit-unsealed", seq: unsealed[0]!, message: `${unsealed.length} entr${unsealed.length === 1 ? "y is" : "ies are"} unsealed before the sealed entry #${e.seq}` });
      unsealed = [];
    } else if (!gap && e.prevHash !== prev) {
      // After a gap the link is broken by the deletion already reported.
      failures.push({ kind: "audit-link", seq: e.seq, message: `its prevHash is not the hash of entry #${e.seq - 1}: the chain was re-sealed or reordered here` });
    }
    if (e.prevHash === null || entryHash(e.prevHash, e) !== e.hash) {
      failures.push({ kind: "audit-edited", seq: e.seq, message: `its content (${e.action}${e.subjectId ? ` on ${e.subjectId}` : ""}) does not hash to its stored hash: edited after sealing` });
    }
    prev = e.hash;
    sealed += 1;
  }
  return { failures, sealed, pending: unsealed.length, lastSeq: expected - 1 };
}
