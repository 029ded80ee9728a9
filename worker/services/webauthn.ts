import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticatorTransport,
} from "@simplewebauthn/server";
import { cose, decodeCredentialPublicKey } from "@simplewebauthn/server/helpers";
import { fromBase64Url, toBase64Url } from "../../shared/encoding";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "../../shared/webauthn-json";

export const FLOW_TTL_MS = 5 * 60_000;
const RP_NAME = "Clockwork";

export async function registrationOptions(opts: {
  rpId: string;
  employee: { id: string; name: string; email: string };
  exclude: { credentialId: string; transports: string[] }[];
  discoverable: boolean;
}) {
  return generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: opts.rpId,
    userID: new TextEncoder().encode(opts.employee.id),
    userName: opts.employee.email,
    userDisplayName: opts.employee.name,
    attestationType: "none",
    excludeCredentials: opts.exclude.map((d) => ({
      id: d.credentialId,
      transports: d.transports as AuthenticatorTransport[],
    })),
    authenticatorSelection: {
      residentKey: opts.discoverable ? "required" : "preferred",
      userVerification: "required",
    },
    // ES256 first: every platform authenticator has it.
    supportedAlgorithmIDs: [-7, -257],
  });
}

/** Verifies a new passkey; null when the response does not hold up. */
export async function verifyRegistration(opts: {
  response: RegistrationResponseJSON;
  challenge: string;
  origin: string;
  rpId: string;
}) {
  try {
    const result = await verifyRegistrationResponse({
      response: opts.response as Parameters<typeof verifyRegistrationResponse>[0]["response"],
      expectedChallenge: opts.challenge,
      expectedOrigin: opts.origin,
      expectedRPID: opts.rpId,
      requireUserVerification: true,
    });
    if (!result.verified) return null;
    const info = result.registrationInfo;
    return {
      credentialId: info.credential.id,
      publicKey: toBase64Url(info.credential.publicKey),
      counter: info.credential.counter,
      transports: (opts.response.response.transports ?? []) as string[],
      backedUp: info.credentialBackedUp,
    };
  } catch {
    return null;
  }
}

/** Options for a discoverable-credential sign-in with the given challenge (base64url). */
export async function authenticationOptions(rpId: string, challenge: string) {
  return generateAuthenticationOptions({ rpID: rpId, userVerification: "required", allowCredentials: [], challenge: fromBase64Url(challenge) as Uint8Array<ArrayBuffer> });
}

export type AssertionCheck =
  | { ok: true; counter: number; backedUp: boolean }
  | { ok: false; message: string };

/**
 * Verifies an assertion against a stored credential: signature, challenge,
 * origin, RP ID and the UV flag. The counter is compared by the caller, which
 * knows whether out-of-order delivery is possible.
 */
export async function verifyAssertion(opts: {
  response: AuthenticationResponseJSON;
  challenge: string;
  origin: string | string[];
  rpId: string | string[];
  credential: { credentialId: string; publicKey: string; transports: string[] };
}): Promise<AssertionCheck> {
  try {
    const result = await verifyAuthenticationResponse({
      response: opts.response as Parameters<typeof verifyAuthenticationResponse>[0]["response"],
      expectedChallenge: opts.challenge,
      expectedOrigin: opts.origin,
      expectedRPID: opts.rpId,
      requireUserVerification: true,
      credential: {
        id: opts.credential.credentialId,
        publicKey: fromBase64Url(opts.credential.publicKey) as Uint8Array<ArrayBuffer>,
        counter: 0,
        transports: opts.credential.transports as AuthenticatorTransport[],
      },
    });
    if (!result.verified) return { ok: false, message: "The signature does not verify." };
    return { ok: true, counter: result.authenticationInfo.newCounter, backedUp: result.authenticationInfo.credentialBackedUp };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : "The assertion does not verify." };
  }
}

/**
 * A stored COSE public key (base64url) as a JSON Web Key, so anyone can verify a punch's
 * signature with ordinary tools: EC2 P-256 (ES256) and RSA (RS256), the two algorithms passkeys
 * are enrolled with. Null for anything else.
 */
export function coseToJwk(publicKey: string): JsonWebKey | null {
  try {
    const key = decodeCredentialPublicKey(fromBase64Url(publicKey) as Uint8Array<ArrayBuffer>);
    if (cose.isCOSEPublicKeyEC2(key)) {
      const [x, y] = [key.get(cose.COSEKEYS.x), key.get(cose.COSEKEYS.y)];
      if (key.get(cose.COSEKEYS.crv) !== cose.COSECRV.P256 || !x || !y) return null;
      return { kty: "EC", crv: "P-256", x: toBase64Url(x), y: toBase64Url(y), alg: "ES256" };
    }
    if (cose.isCOSEPublicKeyRSA(key)) {
      const [n, e] = [key.get(cose.COSEKEYS.n), key.get(cose.COSEKEYS.e)];
      return n && e ? { kty: "RSA", n: toBase64Url(n), e: toBase64Url(e), alg: "RS256" } : null;
    }
    return null;
  } catch {
    return null;
  }
}
