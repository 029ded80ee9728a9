import type { AuditEntryRecord } from "../../shared/api";
import { differences, type IssuedVerdict, type PunchCheck, type PunchEvidence, SIGNED_MODES, same } from "./punches";
import type { Failure } from "./report";

// The audit log against the punches: each punch has the entry that created it, saying the same;
// a status other than the verdict at receipt has the review that changed it; every punch an
// entry created still exists. The entries' own integrity is the chain's business (chain.ts).

export interface AuditIndex {
  /** `punch.recorded` (a device punch, from the insert trigger) by punch id. */
  recorded: Map<string, AuditEntryRecord[]>;
  /** `punch.entered` (a manual punch) by punch id. */
  entered: Map<string, AuditEntryRecord[]>;
  /** `correction.approved` by the punch the approval added. */
  approved: Map<string, AuditEntryRecord[]>;
  /** `punch.reviewed` by punch id. */
  reviewed: Map<string, AuditEntryRecord[]>;
}

function push(map: Map<string, AuditEntryRecord[]>, key: unknown, e: AuditEntryRecord) {
  if (typeof key !== "string") return;
  const list = map.get(key);
  if (list) list.push(e);
  else map.set(key, [e]);
}

export function indexAudit(entries: readonly AuditEntryRecord[]): AuditIndex {
  const index: AuditIndex = { recorded: new Map(), entered: new Map(), approved: new Map(), reviewed: new Map() };
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    if (e.action === "punch.recorded") push(index.recorded, e.subjectId, e);
    else if (e.action === "punch.entered") push(index.entered, e.subjectId, e);
    else if (e.action === "correction.approved") push(index.approved, e.data?.punchId, e);
    else if (e.action === "punch.reviewed") push(index.reviewed, e.subjectId, e);
  }
  return index;
}

/** The entry that created a punch, and what it must say (`[name, record's value, entry's value]`). */
function creation(e: PunchEvidence, issued: IssuedVerdict, index: AuditIndex): { action: string; entries: AuditEntryRecord[]; pairs: (entry: AuditEntryRecord) => [string, unknown, unknown][] } {
  const r = e.record;
  if (SIGNED_MODES.has(r.mode)) {
    return {
      action: "punch.recorded",
      entries: index.recorded.get(r.id) ?? [],
      pairs: (a) => [
        ["employee", r.employeeId, a.actorId],
        ["kind", r.kind, a.data?.kind],
        ["mode", r.mode, a.data?.mode],
        ["received time", r.receivedAt, a.at],
        // The verdict as issued: the receipt's, which a later review leaves as it was.
        ["verdict status", issued.status, a.data?.status],
        ["verdict reasons", issued.reasons, a.data?.reasons],
        // Entries written since the log names what was signed: the punch's hash must be it.
        ...(a.data?.punchHash === undefined ? [] : ([["punch hash", e.punchHash, a.data.punchHash]] as [string, unknown, unknown][])),
      ],
    };
  }
  if (r.mode === "correction") {
    return {
      action: "correction.approved",
      entries: index.approved.get(r.id) ?? [],
      pairs: (a) => [
        ["correction", r.correctionId ?? null, a.subjectId],
        ["employee", r.employeeId, a.data?.employeeId],
        ["kind", r.kind, a.data?.kind],
        ["time", r.effectiveTime, a.data?.time],
        ["approved by", r.createdBy ?? null, a.actorId],
      ],
    };
  }
  return {
    action: "punch.entered",
    entries: index.entered.get(r.id) ?? [],
    pairs: (a) => [
      ["employee", r.employeeId, a.data?.employeeId],
      ["kind", r.kind, a.data?.kind],
      ["time", r.effectiveTime, a.data?.time],
      ["entered by", r.createdBy ?? null, a.actorId],
      // Entries written before reasons were withheld from the log hold the reason; later ones the
      // punch's hash, which covers the reason (the statement check rebuilds it from the record).
      ...(a.data?.punchHash === undefined
        ? ([["reason", r.note ?? null, a.data?.reason]] as [string, unknown, unknown][])
        : ([["punch hash", e.punchHash, a.data.punchHash]] as [string, unknown, unknown][])),
    ],
  };
}

/**
 * The status in force must be the verdict at receipt, unless a `punch.reviewed` entry records a
 * reviewer's decision on that very verdict (a flagged punch, with the same reasons) and the
 * status is that decision's. A review on the record that no entry records explains nothing.
 */
function checkStatus(e: PunchEvidence, issued: IssuedVerdict, index: AuditIndex, failures: Failure[]): boolean {
  const r = e.record;
  const review = (index.reviewed.get(r.id) ?? [])[0];
  const fail = (message: string, seq?: number) => failures.push({ kind: "status-unexplained", punchId: r.id, ...(seq === undefined ? {} : { seq }), message });
  if (!review) {
    if (r.status !== issued.status) fail(`its status is ${r.status}, it was issued ${issued.status}, and no punch.reviewed entry records a review`);
    else if (r.review) fail(`it carries a review (${r.review.decision}) that no punch.reviewed entry records`);
    return false;
  }
  const data = review.data ?? {};
  const decision = data.decision;
  const decided = decision === "accept" ? "accepted" : decision === "reject" ? "rejected" : null;
  const verdict = data.verdict as { status?: unknown; reasons?: unknown } | undefined;
  const problems: string[] = [];
  if (issued.status !== "flagged") problems.push(`it was issued ${issued.status}, and only a flagged punch is reviewed`);
  if (!verdict || verdict.status !== issued.status || !same(verdict.reasons, issued.reasons)) problems.push(`the review entry #${review.seq} names another verdict than the receipt's`);
  if (data.employeeId !== r.employeeId) problems.push(`the review entry #${review.seq} is for employee ${String(data.employeeId)}`);
  if (r.status !== decided) problems.push(`its status is ${r.status}, the review entry #${review.seq} decided ${String(decision)}`);
  if (r.review && r.review.decision !== decision) problems.push(`the record's review says ${r.review.decision}, the entry #${review.seq} ${String(decision)}`);
  if (problems.length > 0) {
    fail(problems.join("; "), review.seq);
    return false;
  }
  return true;
}

export interface CrossCheck {
  failures: Failure[];
  /** Punches whose status a recorded review changed. */
  reviewed: number;
}

/** Each checked punch against the audit log. */
export function crossCheck(checked: readonly { evidence: PunchEvidence; check: PunchCheck }[], index: AuditIndex): CrossCheck {
  const failures: Failure[] = [];
  let reviewed = 0;
  for (const { evidence, check } of checked) {
    const r = evidence.record;
    const issued = check.issued ?? { status: r.status, reasons: r.reasons };
    const created = creation(evidence, issued, index);
    const [first, ...more] = created.entries;
    if (!first) {
      failures.push({ kind: "audit-missing", punchId: r.id, message: `a ${r.mode} punch without its ${created.action} entry` });
    } else {
      const diff = differences(created.pairs(first), `in entry #${first.seq}`);
      if (more.length > 0) diff.push(`${created.action} is in the log ${created.entries.length} times (#${created.entries.map((x) => x.seq).join(", #")})`);
      if (diff.length > 0) failures.push({ kind: "audit-mismatch", punchId: r.id, seq: first.seq, message: diff.join("; ") });
    }
    if (checkStatus(evidence, issued, index, failures)) reviewed += 1;
  }
  return { failures, reviewed };
}

/** A punch an audit entry says was created, and what that entry knows of its time. */
export interface CreatedPunch {
  punchId: string;
  seq: number;
  action: string;
  /** The punch's effective time when the entry states it (entered and approved punches). */
  time: number | null;
  /** When the entry was written (for a device punch: when the punch was received). */
  at: number;
}

/** Every punch the log says was created: by a device (`punch.recorded`), entered, or approved from a correction. */
export function createdPunches(index: AuditIndex): CreatedPunch[] {
  const out: CreatedPunch[] = [];
  const add = (map: Map<string, AuditEntryRecord[]>, time: (e: AuditEntryRecord) => number | null) => {
    for (const [punchId, [e]] of map) if (e) out.push({ punchId, seq: e.seq, action: e.action, time: time(e), at: e.at });
  };
  const stated = (e: AuditEntryRecord) => (typeof e.data?.time === "number" ? e.data.time : null);
  add(index.recorded, () => null);
  add(index.entered, stated);
  add(index.approved, stated);
  return out.sort((a, b) => a.seq - b.seq);
}
