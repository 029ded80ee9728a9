/** What can be wrong with the records, each with what it means (the summary prints these words). */
export const FAILURE_KINDS = {
  "signed-document": "the signed JSON is not canonical, not a punch, or not what the passkey signed",
  signature: "the passkey's assertion does not verify",
  "device-key": "no punch of a device verifies against its published key (the key was replaced)",
  "signed-mismatch": "the record differs from the punch that was signed",
  "statement-mismatch": "a punch a person entered differs from the statement its receipt covers",
  "receipt-signature": "the receipt is not signed by the receipt key",
  "receipt-mismatch": "the record differs from its receipt",
  "status-unexplained": "the status differs from the verdict at receipt and no review says why",
  "audit-missing": "a punch has no audit entry that created it",
  "audit-mismatch": "the audit entry that created a punch says something else",
  "punch-deleted": "the audit log records a punch that is neither in the database nor archived",
  "audit-edited": "an audit entry's content does not match its hash",
  "audit-link": "an audit entry does not link to the entry before it",
  "audit-deleted": "audit entries are missing from the sequence",
  "audit-unsealed": "an unsealed audit entry lies before sealed ones",
  "archive-part": "an archived month's part does not match its recorded SHA-256",
  "receipt-key": "the published receipt key is not the one given with --receipt-key",
  "checkpoint-signature": "a checkpoint of the chain's head is not signed by the receipt key",
  "audit-cut": "entries a signed checkpoint names are gone or changed (the newest entries were cut or rewritten)",
} as const;

export type FailureKind = keyof typeof FAILURE_KINDS;

/** One thing that does not hold, naming the punch or the audit entry it is about. */
export interface Failure {
  kind: FailureKind;
  punchId?: string;
  seq?: number;
  message: string;
}

export interface VerifyReport {
  url: string;
  /** Effective times checked (inclusive), or null for everything. */
  range: { from: number | null; to: number | null } | null;
  receiptKey: { kid: string | null; thumbprint: string };
  punches: {
    /** Punches whose records were checked. */
    checked: number;
    /** Signed by a passkey, signature verified over the signed JSON. */
    signed: number;
    /** Signed JSON erased by retention: signature checked over the punch's hash, record against the receipt. */
    redacted: number;
    /** Entered by a person (manual punches and approved corrections). */
    entered: number;
    /** Of the checked punches, those read from archived months. */
    archived: number;
    /** Archived punches whose device has no punch left in the database to publish its key. */
    keyUnknown: number;
    /** Status changed by a review that the audit log records. */
    reviewed: number;
  };
  audit: {
    entries: number;
    sealed: number;
    /** Entries at the end of the log not sealed yet (not covered by the chain). */
    pending: number;
    lastSeq: number;
  };
  failures: Failure[];
  timings: { downloadMs: number; checkMs: number };
}

export function failuresByKind(failures: readonly Failure[]): Map<FailureKind, number> {
  const counts = new Map<FailureKind, number>();
  for (const f of failures) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  return counts;
}

const iso = (ms: number | null) => (ms === null ? "…" : new Date(ms).toISOString());

/** The report as the command prints it: a summary, failures by kind, then one line per failure. */
export function formatReport(report: VerifyReport): string {
  const p = report.punches;
  const a = report.audit;
  const lines = [
    `Clockwork records at ${report.url}${report.range ? `, punches from ${iso(report.range.from)} to ${iso(report.range.to)}` : ""}`,
    `receipts checked with key ${report.receiptKey.thumbprint} (RFC 7638 thumbprint${report.receiptKey.kid && report.receiptKey.kid !== report.receiptKey.thumbprint ? `, kid ${report.receiptKey.kid}` : ""})`,
    `punches: ${p.checked} checked: ${p.signed} signed by a passkey, ${p.redacted} redacted (retention erased the signed JSON: signature checked over its hash), ` +
      `${p.entered} entered by a person; ${p.reviewed} reviewed; ${p.archived} from archived months${p.keyUnknown ? ` (${p.keyUnknown} whose device key is no longer published)` : ""}`,
    `audit log: ${a.entries} entries up to #${a.lastSeq}, ${a.sealed} sealed and re-hashed${a.pending ? `, ${a.pending} not sealed yet` : ""}`,
    `took ${(report.timings.downloadMs / 1000).toFixed(1)} s to download, ${(report.timings.checkMs / 1000).toFixed(1)} s to check`,
  ];
  if (report.failures.length === 0) {
    lines.push("OK: 0 failures");
    return lines.join("\n");
  }
  lines.push(`FAILED: ${report.failures.length} failure${report.failures.length === 1 ? "" : "s"}`);
  for (const [kind, n] of failuresByKind(report.failures)) lines.push(`  ${kind}: ${n} (${FAILURE_KINDS[kind]})`);
  for (const f of report.failures) {
    const about = f.punchId !== undefined ? `punch ${f.punchId}` : f.seq !== undefined ? `audit #${f.seq}` : "records";
    lines.push(`FAIL ${f.kind} ${about}: ${f.message}`);
  }
  return lines.join("\n");
}
