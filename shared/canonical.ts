import canonicalize from "canonicalize";
import { sha256, toBase64Url } from "./encoding";
import type { Punch } from "./punch";

// Kept free of zod so that the extension's popup can sign punches without loading the schemas.

/** RFC 8785 (JCS) canonical JSON of a punch: the exact text its signature covers. */
export function canonicalPunch(punch: Punch): string {
  const text = canonicalize(punch);
  if (text === undefined) throw new Error("punch cannot be canonicalized");
  return text;
}

/** The WebAuthn challenge of a punch: SHA-256 over the UTF-8 bytes of its canonical JSON. */
export async function punchChallenge(punch: Punch): Promise<Uint8Array> {
  return sha256(canonicalPunch(punch));
}

/** The challenge as base64url, the form `clientDataJSON.challenge` carries. */
export async function punchChallengeBase64Url(punch: Punch): Promise<string> {
  return toBase64Url(await punchChallenge(punch));
}
