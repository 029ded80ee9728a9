import { createHash, createPublicKey, type KeyObject, verify } from "node:crypto";

// Node's own crypto, synchronous: nothing here comes from the server but the bytes it checks, and
// a million audit entries hash in seconds rather than minutes.

/** Strict base64url decoding (Buffer's own decoder skips characters it does not know). */
export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  return new Uint8Array(Buffer.from(text, "base64url"));
}

/** SHA-256 of UTF-8 text (or bytes), base64url. */
export function sha256Base64Url(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("base64url");
}

export interface ReceiptKey {
  key: KeyObject;
  kid: string | null;
  /** RFC 7638 thumbprint (SHA-256, base64url), for comparing with a key obtained elsewhere. */
  thumbprint: string;
}

/** The ES256 public JWK that verifies receipts (and audit checkpoints). */
export function importReceiptKey(jwk: { kty?: unknown; crv?: unknown; x?: unknown; y?: unknown; kid?: unknown }): ReceiptKey {
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || typeof jwk.x !== "string" || typeof jwk.y !== "string") {
    throw new Error("the receipt key is not an EC P-256 public JWK");
  }
  const key = createPublicKey({ key: { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, format: "jwk" });
  const thumbprint = sha256Base64Url(`{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`);
  return { key, kid: typeof jwk.kid === "string" ? jwk.kid : null, thumbprint };
}

/** ES256 over the UTF-8 payload, the signature raw r‖s base64url (as receipts are signed, JWS style). */
export function verifyEs256(key: ReceiptKey, payload: string, signature: string): boolean {
  try {
    return verify("sha256", Buffer.from(payload, "utf8"), { key: key.key, dsaEncoding: "ieee-p1363" }, fromBase64Url(signature));
  } catch {
    return false;
  }
}
