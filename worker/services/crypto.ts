import canonicalize from "canonicalize";
import { v7 as uuidv7 } from "uuid";
import { fromBase64Url, sha256, toBase64Url } from "../../shared/encoding";

export const newId = (): string => uuidv7();

/** A secret is missing or unusable: the server must not run with it, whatever the request. */
export class ConfigurationError extends Error {}

export function randomToken(bytes = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Tokens and codes are stored only as this hash. */
export async function hashSecret(value: string): Promise<string> {
  return toBase64Url(await sha256(value));
}

/** Constant-time comparison of two strings (via their hashes, so lengths leak nothing). */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([sha256(a), sha256(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

// ---- enrolment codes ----------------------------------------------------------

/** No 0/O, 1/I/L: codes are read aloud and typed by hand. */
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LENGTH = 10;

export function newEnrollmentCode(): string {
  const out: string[] = [];
  while (out.length < CODE_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(16))) {
      // Rejection sampling keeps every character equally likely.
      if (byte < 248 && out.length < CODE_LENGTH) out.push(CODE_ALPHABET[byte % CODE_ALPHABET.length]!);
    }
  }
  return `${out.slice(0, 5).join("")}-${out.slice(5).join("")}`;
}

/** Case, spaces and dashes do not matter when a code is typed back. */
export function normalizeEnrollmentCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

/**
 * An enrolment code as stored: an HMAC with the server's secret, never a plain hash. A code has
 * only ~2^49.5 values, so a plain hash in a database dump could be reversed by trying them all;
 * without the secret there is nothing to try against.
 */
export function enrollmentCodeHash(secret: string, code: string): Promise<string> {
  return hmac(secret, `enrollment-code.${normalizeEnrollmentCode(code)}`);
}

// ---- nonces -------------------------------------------------------------------------

const hmacKeys = new Map<string, Promise<CryptoKey>>();

/** Secrets shorter than this are a configuration mistake, never a key. */
const MIN_SECRET_LENGTH = 32;

function hmacKey(secret: string): Promise<CryptoKey> {
  if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigurationError(`NONCE_SECRET must be set to at least ${MIN_SECRET_LENGTH} random characters.`);
  }
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    hmacKeys.set(secret, key);
  }
  return key;
}

/** HMAC-SHA-256 of `message`, base64url. */
export async function hmac(secret: string, message: string): Promise<string> {
  return toBase64Url(await crypto.subtle.sign("HMAC", await hmacKey(secret), new TextEncoder().encode(message)));
}

/** Checks an HMAC in constant time (WebCrypto's verify). */
export async function hmacEquals(secret: string, message: string, mac: string): Promise<boolean> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64Url(mac);
  } catch {
    return false;
  }
  return crypto.subtle.verify("HMAC", await hmacKey(secret), bytes, new TextEncoder().encode(message));
}

/** A stateless nonce `issuedAt.random.hmac`: it proves when the server issued it, with no database. */
export async function issueNonce(secret: string, issuedAt: number): Promise<string> {
  const body = `${issuedAt}.${randomToken(12)}`;
  return `${body}.${await hmac(secret, body)}`;
}

/** The issue time of a nonce this server made, or null for anything else. */
export async function verifyNonce(secret: string, nonce: string | null): Promise<number | null> {
  if (!nonce) return null;
  const parts = nonce.split(".");
  if (parts.length !== 3 || !/^\d{1,16}$/.test(parts[0]!)) return null;
  return (await hmacEquals(secret, `${parts[0]}.${parts[1]}`, parts[2]!)) ? Number(parts[0]) : null;
}

// ---- console sign-in challenges ----------------------------------------------------------------

const LOGIN_DOMAIN = "console-login.";

/**
 * A sign-in challenge that costs no database row until it is answered: `issuedAt.challenge.hmac`
 * is the flow id, and the challenge is random. Verification checks the HMAC and the age; the
 * answered challenge is then recorded as spent (spent_challenges), so it signs in once.
 */
export async function issueLoginChallenge(secret: string, now: number): Promise<{ flowId: string; challenge: string }> {
  const challenge = randomToken(32);
  const body = `${now}.${challenge}`;
  return { flowId: `${body}.${await hmac(secret, LOGIN_DOMAIN + body)}`, challenge };
}

/** The challenge of a flow id this server issued within `ttlMs`, or null. */
export async function readLoginChallenge(secret: string, flowId: string, now: number, ttlMs: number): Promise<string | null> {
  const parts = flowId.split(".");
  if (parts.length !== 3 || !/^\d{1,16}$/.test(parts[0]!)) return null;
  const issuedAt = Number(parts[0]);
  if (issuedAt > now || now - issuedAt > ttlMs) return null;
  return (await hmacEquals(secret, `${LOGIN_DOMAIN}${parts[0]}.${parts[1]}`, parts[2]!)) ? parts[1]! : null;
}

// ---- receipts ---------------------------------------------------------------------------

interface ReceiptKeys {
  privateKey: CryptoKey;
  publicJwk: JsonWebKey & { kid: string; alg: "ES256"; use: "sig" };
}

const receiptKeys = new Map<string, Promise<ReceiptKeys>>();

async function loadReceiptKeys(secret: string): Promise<ReceiptKeys> {
  let jwk: JsonWebKey;
  try {
    jwk = JSON.parse(secret) as JsonWebKey;
  } catch {
    throw new ConfigurationError("RECEIPT_KEY must be set to a private P-256 JSON Web Key.");
  }
  if (jwk?.kty !== "EC" || jwk.crv !== "P-256" || !jwk.d) throw new ConfigurationError("RECEIPT_KEY must be a private P-256 JSON Web Key.");
  const privateKey = await crypto.subtle.importKey(
    "jwk",
    { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, d: jwk.d },
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["sign"],
  );
  const members = { crv: "P-256", kty: "EC", x: jwk.x, y: jwk.y };
  // RFC 7638 thumbprint as the key id.
  const kid = toBase64Url(await sha256(canonicalize(members)!));
  return { privateKey, publicJwk: { ...members, kid, alg: "ES256", use: "sig" } };
}

export function receiptKeysFor(secret: string): Promise<ReceiptKeys> {
  let keys = receiptKeys.get(secret);
  if (!keys) {
    keys = loadReceiptKeys(secret);
    keys.catch(() => receiptKeys.delete(secret));
    receiptKeys.set(secret, keys);
  }
  return keys;
}

/** ES256 over the UTF-8 payload; the signature is raw r‖s (as in JWS), base64url. */
export async function signReceipt(secret: string, payload: string): Promise<string> {
  const { privateKey } = await receiptKeysFor(secret);
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    privateKey,
    new TextEncoder().encode(payload),
  );
  return toBase64Url(signature);
}
