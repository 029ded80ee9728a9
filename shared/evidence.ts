import type { EvidenceType } from "./api";

/**
 * The type of an evidence file, judged by its first bytes only: never by its name or by the type
 * its sender declares, both of which are the sender's word. Only the four types people attach
 * to a correction (a photo, a screenshot, a scanned note) are known; anything else is null.
 * Signatures: PNG (RFC 2083), JPEG (SOI marker), WebP (RIFF....WEBP), PDF (%PDF-).
 */
export function detectEvidenceType(head: Uint8Array): EvidenceType | null {
  const starts = (bytes: readonly number[], at = 0) => bytes.every((b, i) => head[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return "image/webp";
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf";
  return null;
}
