import { verifyAuthenticationResponse } from "@simplewebauthn/server";
import canonicalize from "canonicalize";
import { type PunchGeo, PunchSchema } from "../../shared/punch";
import type { AuthenticationResponseJSON } from "../../shared/webauthn-json";
import { fromBase64Url, type ReceiptKey, sha256Base64Url, verifyEs256 } from "./crypto";
import type { Failure } from "./report";

/** The record's fields the checks read: `PunchRecord` from the API, or an archived row mapped to it. */
export interface PunchFacts {
  id: string;
  employeeId: string;
  kind: string;
  status: string;
  mode: string;
  effectiveTime: number;
  receivedAt: number;
  clientTime: number;
  reasons: string[];
  tz: string;
  /** As stored: rounded to the company's precision, or erased by retention. */
  geo: PunchGeo;
  review?: { decision: string; by: string; at: number; comment: string };
  correctionId?: string;
  createdBy?: string;
  note?: string;
}

/** One punch with everything that re-verifies it (a proof from `/api/admin/punches/proofs`, or an archived row). */
export interface PunchEvidence {
  /** An archived month (`YYYY-MM`), or null for the database. */
  archivedIn: string | null;
  record: PunchFacts;
  signed: string | null;
  assertion: AuthenticationResponseJSON | null;
  punchHash: string;
  credentialId: string | null;
  publicKey: { cose: string } | null;
  origin: string | null;
  receipt: { payload: string; signature: string };
}

/** The verdict a receipt was issued with: the rules' own, before any review. */
export interface IssuedVerdict {
  status: string;
  reasons: string[];
}

export interface PunchCheck {
  failures: Failure[];
  /** From the receipt's payload, when it parses (its signature is checked apart). */
  issued: IssuedVerdict | null;
  /** How the punch was proven: over its signed JSON, over its hash alone (retention erased the JSON), or entered by a person. */
  proof: "signed" | "redacted" | "entered";
  /** The assertion covered the right challenge but did not verify against the published key: why. */
  keyFailure: string | null;
  signatureVerified: boolean;
  /** An archived punch whose device key nobody publishes any more. */
  keyUnknown: boolean;
}

export const SIGNED_MODES = new Set(["online", "offline"]);

const BAD_SIGNATURE = "the signature does not verify against the device's published key";

export const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** `name is a in the record, b <where>` for each `[name, record's value, other value]` that differs. */
export function differences(pairs: [string, unknown, unknown][], where: string): string[] {
  return pairs.filter(([, mine, theirs]) => !same(mine, theirs)).map(([name, mine, theirs]) => `${name} is ${JSON.stringify(mine)} in the record, ${JSON.stringify(theirs)} ${where}`);
}

/** Receipt: signed by the receipt key, and about this record (every field but the status, which reviews change). */
function checkReceipt(e: PunchEvidence, key: ReceiptKey, failures: Failure[]): IssuedVerdict | null {
  const { record } = e;
  if (!verifyEs256(key, e.receipt.payload, e.receipt.signature)) {
    failures.push({ kind: "receipt-signature", punchId: record.id, message: "the receipt's signature does not verify with the published receipt key" });
  }
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(e.receipt.payload) as Record<string, unknown>;
  } catch {
    failures.push({ kind: "receipt-mismatch", punchId: record.id, message: "the receipt's payload is not JSON" });
    return null;
  }
  const diff = differences(
    [
      ["id", record.id, r.punchId],
      ["employee", record.employeeId, r.employeeId],
      ["kind", record.kind, r.kind],
      ["mode", record.mode, r.mode],
      ["reasons", record.reasons, r.reasons],
      ["effective time", record.effectiveTime, r.effectiveTime],
      ["received time", record.receivedAt, r.receivedAt],
      ["punch hash", e.punchHash, r.punchHash],
    ],
    "in the receipt",
  );
  if (r.v !== 1) diff.push(`the receipt's version is ${JSON.stringify(r.v)}`);
  if (diff.length > 0) failures.push({ kind: "receipt-mismatch", punchId: record.id, message: diff.join("; ") });
  return typeof r.status === "string" && Array.isArray(r.reasons) ? { status: r.status, reasons: r.reasons as string[] } : null;
}

/**
 * A punch a person entered (manual, or an approved correction): no passkey signed it, so its hash
 * covers the statement of who entered what and why (worker/services/punch-store.ts
 * `personPunchRow`), rebuilt here from the record.
 */
function checkEntered(e: PunchEvidence, failures: Failure[]) {
  const r = e.record;
  const statement = canonicalize({
    v: 1,
    id: r.id,
    employeeId: r.employeeId,
    kind: r.kind,
    time: r.effectiveTime,
    mode: r.mode,
    by: r.createdBy ?? null,
    correctionId: r.correctionId ?? null,
    note: r.note ?? null,
  })!;
  const hash = sha256Base64Url(statement);
  if (hash !== e.punchHash) {
    failures.push({
      kind: "statement-mismatch",
      punchId: r.id,
      message: `the record's statement (employee, kind, time ${new Date(r.effectiveTime).toISOString()}, mode, who, why) hashes to ${hash}, not to the punch hash ${e.punchHash} its receipt covers`,
    });
  }
  if (r.clientTime !== r.effectiveTime) {
    failures.push({ kind: "statement-mismatch", punchId: r.id, message: `its client time ${r.clientTime} is not the entered time ${r.effectiveTime}` });
  }
}

/**
 * Whether the stored location is the signed one as the Worker keeps it: rounded to the company's
 * precision (0–7 decimals, a setting that may have changed since), the accuracy as signed.
 */
function sameLocation(stored: PunchGeo, signed: PunchGeo): boolean {
  if ("error" in signed) return "error" in stored && stored.error === signed.error;
  if (!("lat" in stored) || stored.accuracy !== signed.accuracy) return false;
  for (let decimals = 0; decimals <= 7; decimals++) {
    const f = 10 ** decimals;
    if (Math.round(signed.lat * f) / f === stored.lat && Math.round(signed.lon * f) / f === stored.lon) return true;
  }
  return false;
}

/** The challenge inside the assertion's clientDataJSON, or null when it does not parse. */
function signedChallenge(assertion: AuthenticationResponseJSON): string | null {
  try {
    const client = JSON.parse(new TextDecoder().decode(fromBase64Url(assertion.response.clientDataJSON))) as { challenge?: unknown };
    return typeof client.challenge === "string" ? client.challenge : null;
  } catch {
    return null;
  }
}

/**
 * A punch a passkey signed. The signed JSON must be canonical (so that exactly one text is meant)
 * and a valid punch; its SHA-256 is recomputed here and must be the punch's hash and the
 * assertion's challenge; the record must say what was signed. The assertion is then verified with
 * @simplewebauthn/server against the device's published COSE key, origin and RP ID both the
 * extension origin, user verification required. The counter is not judged here (queued punches
 * arrive out of order; the Worker flags a regression in the verdict). Once retention has erased
 * the signed JSON, the signature is checked over the stored hash and the record against the receipt.
 */
async function checkSigned(e: PunchEvidence, failures: Failure[]): Promise<Pick<PunchCheck, "proof" | "keyFailure" | "signatureVerified" | "keyUnknown">> {
  const r = e.record;
  const fail = (kind: Failure["kind"], message: string) => failures.push({ kind, punchId: r.id, message });
  let challenge = e.punchHash;
  let signedCredential: string | null = null;
  if (e.signed !== null) {
    let doc: unknown;
    try {
      doc = JSON.parse(e.signed);
    } catch {
      doc = undefined;
    }
    const parsed = PunchSchema.safeParse(doc);
    if (canonicalize(doc) !== e.signed) fail("signed-document", "the signed JSON is not in its RFC 8785 canonical form");
    if (!parsed.success) fail("signed-document", `the signed JSON is not a valid punch: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    challenge = sha256Base64Url(e.signed);
    if (challenge !== e.punchHash) fail("signed-document", `the signed JSON hashes to ${challenge}, not to the punch hash ${e.punchHash}`);
    if (parsed.success) {
      const p = parsed.data;
      signedCredential = p.credentialId;
      const diff = differences(
        [
          ["id", r.id, p.id],
          ["employee", r.employeeId, p.employeeId],
          ["kind", r.kind, p.kind],
          ["client time", r.clientTime, p.clientTime],
          ["time zone", r.tz, p.tz],
          ["device credential", e.credentialId, p.credentialId],
        ],
        "signed",
      );
      if (!sameLocation(r.geo, p.geo)) diff.push(`location is ${JSON.stringify(r.geo)} in the record, ${JSON.stringify(p.geo)} signed`);
      if (diff.length > 0) fail("signed-mismatch", diff.join("; "));
    }
  }
  const proof = e.signed === null ? "redacted" : "signed";
  const none = { proof, keyFailure: null, signatureVerified: false, keyUnknown: false } as const;
  const a = e.assertion;
  if (!a) {
    fail("signature", `a ${r.mode} punch without the passkey's assertion`);
    return none;
  }
  const signedFor = signedChallenge(a);
  if (signedFor !== challenge) {
    fail("signed-document", `the passkey signed the challenge ${signedFor ?? "(unreadable clientDataJSON)"}, not the punch's hash ${challenge}`);
    return none;
  }
  if (signedCredential !== null && a.id !== signedCredential) {
    fail("signature", `the assertion is by credential ${a.id}, the punch names ${signedCredential}`);
    return none;
  }
  if (e.credentialId !== null && a.id !== e.credentialId) {
    // The record points at another device than the one that signed: reported above when the JSON is there.
    if (e.signed === null) fail("signed-mismatch", `the record's device has credential ${e.credentialId}, the assertion is by ${a.id}`);
    return none;
  }
  if (!e.publicKey || !e.origin || e.credentialId === null) {
    if (e.archivedIn !== null) return { ...none, keyUnknown: true };
    fail("device-key", "the device that signed it publishes no public key");
    return none;
  }
  try {
    const result = await verifyAuthenticationResponse({
      response: a as Parameters<typeof verifyAuthenticationResponse>[0]["response"],
      expectedChallenge: challenge,
      expectedOrigin: e.origin,
      expectedRPID: e.origin,
      requireUserVerification: true,
      credential: { id: e.credentialId, publicKey: fromBase64Url(e.publicKey.cose) as Uint8Array<ArrayBuffer>, counter: 0 },
    });
    if (result.verified) return { ...none, signatureVerified: true };
    return { ...none, keyFailure: BAD_SIGNATURE };
  } catch (err) {
    return { ...none, keyFailure: err instanceof Error ? err.message : String(err) };
  }
}

/** Everything that can be checked about one punch on its own (the audit log is checked against it apart). */
export async function checkPunch(e: PunchEvidence, key: ReceiptKey): Promise<PunchCheck> {
  const failures: Failure[] = [];
  const issued = checkReceipt(e, key, failures);
  if (SIGNED_MODES.has(e.record.mode)) {
    return { failures, issued, ...(await checkSigned(e, failures)) };
  }
  checkEntered(e, failures);
  return { failures, issued, proof: "entered", keyFailure: null, signatureVerified: false, keyUnknown: false };
}

/**
 * Signature failures over the right challenge, judged per device: when no punch of a device
 * verifies against its published key, the key is what changed (`device-key`); when others do,
 * this one assertion is bad (`signature`). One line per punch either way.
 */
export function judgeKeyFailures(checked: readonly { evidence: PunchEvidence; check: PunchCheck }[]): Failure[] {
  const verifiedDevices = new Set(checked.filter((c) => c.check.signatureVerified).map((c) => c.evidence.credentialId));
  return checked
    .filter((c) => c.check.keyFailure !== null)
    .map(({ evidence, check }) =>
      verifiedDevices.has(evidence.credentialId)
        ? { kind: "signature", punchId: evidence.record.id, message: check.keyFailure! }
        : {
            kind: "device-key",
            punchId: evidence.record.id,
            message: `no punch of credential ${evidence.credentialId} verifies against its published key: the key was replaced${check.keyFailure === BAD_SIGNATURE ? "" : ` (${check.keyFailure})`}`,
          },
    );
}
