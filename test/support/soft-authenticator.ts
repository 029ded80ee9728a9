import { isoCBOR } from "@simplewebauthn/server/helpers";
import { fromBase64Url, sha256, toBase64Url } from "../../shared/encoding";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "../../shared/webauthn-json";

/** Authenticator data flags (WebAuthn §6.1). */
export const FLAGS = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function u32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

/** WebCrypto's ECDSA signature is raw r‖s; WebAuthn wants ASN.1 DER. */
function rawToDer(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let body = bytes.slice(i);
    if (body[0]! & 0x80) body = concat(new Uint8Array([0]), body);
    return concat(new Uint8Array([0x02, body.length]), body);
  };
  const seq = concat(integer(raw.slice(0, 32)), integer(raw.slice(32)));
  return concat(new Uint8Array([0x30, seq.length]), seq);
}

export interface AssertOptions {
  challenge: string;
  origin?: string;
  rpId?: string;
  /** Flags to set; default UP|UV. */
  flags?: number;
  type?: string;
  /** Sign with this counter instead of the next one. */
  counter?: number;
}

/**
 * A software passkey: a real P-256 key made with WebCrypto, producing real
 * attestation and assertion bytes that @simplewebauthn verifies like a
 * platform authenticator's.
 */
export class SoftAuthenticator {
  counter = 0;
  credentialId = "";
  private keys!: CryptoKeyPair;

  constructor(
    /** RP ID and origin the passkey is made for (an extension origin, or the console's). */
    readonly rpId: string,
    readonly origin: string,
    readonly options: { backedUp?: boolean; counts?: boolean } = {},
  ) {}

  /** The passkey's public key as a JWK (to compare with what the server publishes). */
  async publicJwk(): Promise<JsonWebKey> {
    return crypto.subtle.exportKey("jwk", this.keys.publicKey);
  }

  /** Answers `navigator.credentials.create()` for the given options JSON. */
  async register(options: { challenge: string }, overrides: { origin?: string; flags?: number; rpId?: string } = {}): Promise<RegistrationResponseJSON> {
    this.keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const rawId = crypto.getRandomValues(new Uint8Array(16));
    this.credentialId = toBase64Url(rawId);
    const jwk = await crypto.subtle.exportKey("jwk", this.keys.publicKey);
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, fromBase64Url(jwk.x!)],
        [-3, fromBase64Url(jwk.y!)],
      ]),
    );
    const backup = this.options.backedUp ? FLAGS.BE | FLAGS.BS : 0;
    const flags = overrides.flags ?? (FLAGS.UP | FLAGS.UV | FLAGS.AT | backup);
    const authData = concat(
      await sha256(overrides.rpId ?? this.rpId),
      new Uint8Array([flags]),
      u32(0),
      new Uint8Array(16),
      new Uint8Array([0, rawId.length]),
      rawId,
      cose,
    );
    const clientDataJSON = JSON.stringify({
      type: "webauthn.create",
      challenge: options.challenge,
      origin: overrides.origin ?? this.origin,
      crossOrigin: false,
    });
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]) as never,
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      response: {
        clientDataJSON: toBase64Url(new TextEncoder().encode(clientDataJSON)),
        attestationObject: toBase64Url(attestationObject),
        transports: ["internal"],
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }

  /** Answers `navigator.credentials.get()` with a signature over authData ‖ SHA-256(clientDataJSON). */
  async assert(opts: AssertOptions): Promise<AuthenticationResponseJSON> {
    if (this.options.counts) this.counter += 1;
    const counter = opts.counter ?? (this.options.counts ? this.counter : 0);
    const backup = this.options.backedUp ? FLAGS.BE | FLAGS.BS : 0;
    const authData = concat(
      await sha256(opts.rpId ?? this.rpId),
      new Uint8Array([opts.flags ?? (FLAGS.UP | FLAGS.UV | backup)]),
      u32(counter),
    );
    const clientDataJSON = new TextEncoder().encode(
      JSON.stringify({
        type: opts.type ?? "webauthn.get",
        challenge: opts.challenge,
        origin: opts.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
    const signed = concat(authData, await sha256(clientDataJSON));
    const raw = new Uint8Array(
      await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, this.keys.privateKey, signed as Uint8Array<ArrayBuffer>),
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      response: {
        clientDataJSON: toBase64Url(clientDataJSON),
        authenticatorData: toBase64Url(authData),
        signature: toBase64Url(rawToDer(raw)),
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }
}
