import { detectEvidenceType } from "../../shared/evidence";
import type { CorrectionPolicy } from "../../shared/settings";
import type { UploadFile } from "./api";
import { SERVER_DEFAULTS } from "./server-defaults";

/**
 * The files a request may carry as the server's defaults say (GET /api/me does not tell a
 * company's own): checked here so that the employee hears at once, the server checks again.
 */
export const EVIDENCE_POLICY: Pick<CorrectionPolicy, "maxFiles" | "maxFileBytes"> = SERVER_DEFAULTS.corrections;

/**
 * How many bytes of evidence this device keeps for requests waiting to be sent, all of them
 * together: storage.local holds 10 MB in all (receipts and the punch queue live there too), and
 * the files are stored as base64 text, a third larger.
 */
export const OFFLINE_EVIDENCE_BYTES = 4 * 1024 * 1024;

/** An accepted file: its type judged by its first bytes, as the server judges it. */
export type EvidenceFile = UploadFile & { size: number };

export type EvidenceProblem =
  | { problem: "type"; name: string }
  | { problem: "size"; name: string; limit: number }
  | { problem: "count"; limit: number };

/** What the file picker and a drop give: a name, a size and bytes on demand (a `File`). */
export interface PickedFile {
  name: string;
  size: number;
  slice(start?: number, end?: number): { arrayBuffer(): Promise<ArrayBuffer> };
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * Judges files the employee picked or dropped and adds the good ones after `current`: too many
 * (beyond `maxFiles`), too large (read no further) or not a PNG, JPEG, WebP or PDF by its first
 * bytes, whatever its name says. Each refused file is named in `problems`.
 */
export async function addEvidence(
  current: readonly EvidenceFile[],
  picked: Iterable<PickedFile>,
  policy: Pick<CorrectionPolicy, "maxFiles" | "maxFileBytes"> = EVIDENCE_POLICY,
): Promise<{ files: EvidenceFile[]; problems: EvidenceProblem[] }> {
  const files = [...current];
  const problems: EvidenceProblem[] = [];
  for (const file of picked) {
    if (files.length >= policy.maxFiles) {
      if (!problems.some((p) => p.problem === "count")) problems.push({ problem: "count", limit: policy.maxFiles });
      continue;
    }
    if (file.size > policy.maxFileBytes) {
      problems.push({ problem: "size", name: file.name, limit: policy.maxFileBytes });
      continue;
    }
    const type = detectEvidenceType(new Uint8Array(await file.slice(0, 16).arrayBuffer()));
    if (!type) {
      problems.push({ problem: "type", name: file.name });
      continue;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    files.push({ name: file.name || "evidence", type, size: bytes.byteLength, bytes });
  }
  return { files, problems };
}

export const totalBytes = (files: readonly { size: number }[]) => files.reduce((sum, f) => sum + f.size, 0);
