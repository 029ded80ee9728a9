/**
 * The bench's HTTP client for the product Worker: the same flow as test/worker/helpers.ts
 * (setup → console enrolment → employees → enrolment codes → extension enrolment → signed
 * punches), but over real HTTP against `wrangler dev`, through the public API only.
 */
import { decodeAttestationObject, isoCBOR, parseAuthenticatorData } from "@simplewebauthn/server/helpers";
import { v7 as uuidv7 } from "uuid";
import { fromBase64Url, toBase64Url } from "../../shared/encoding";
import { type Punch, punchChallengeBase64Url } from "../../shared/punch";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "../../shared/webauthn-json";
import { SoftAuthenticator } from "./soft-authenticator";

export interface CallOptions {
  body?: unknown;
  origin?: string;
  cookie?: string;
  /** Sent as `CF-Connecting-IP`, which `wrangler dev` passes through to the Worker. */
  ip?: string;
}

export interface CallResult {
  status: number;
  json: any;
  text: string;
  headers: Headers;
}

export class Api {
  constructor(readonly base: string) {}

  async call(method: string, path: string, opts: CallOptions = {}): Promise<CallResult> {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    if (opts.origin) headers.Origin = opts.origin;
    if (opts.cookie) headers.Cookie = opts.cookie;
    if (opts.ip) headers["CF-Connecting-IP"] = opts.ip;
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers };
  }

  /** Like `call`, but anything other than `status` is a bench failure. */
  async expect(status: number, method: string, path: string, opts: CallOptions = {}): Promise<CallResult> {
    const res = await this.call(method, path, opts);
    if (res.status !== status) {
      throw new Error(`${method} ${path}: expected ${status}, got ${res.status}: ${res.text.slice(0, 500)}`);
    }
    return res;
  }
}

/** A distinct private IPv4 address per simulated client (index 0 → 10.0.0.1). */
export function ipFor(index: number): string {
  const n = index + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** The setup/console calls come from their own address, away from the employees' ones. */
const ADMIN_IP = "10.255.255.254";

export interface Admin {
  id: string;
  cookie: string;
}

/** POST /api/setup, then enrol the first admin's console passkey; returns its session cookie. */
export async function setUpFirstAdmin(api: Api, setupToken: string, consoleOrigin: string): Promise<Admin> {
  const setup = await api.expect(201, "POST", "/api/setup", {
    body: { token: setupToken, name: "Bench Admin", email: "bench-admin@example.com" },
    ip: ADMIN_IP,
  });
  const { employeeId, consoleEnrollmentCode: code } = setup.json as { employeeId: string; consoleEnrollmentCode: string };
  const passkey = new SoftAuthenticator(new URL(consoleOrigin).hostname, consoleOrigin);
  const options = await api.expect(200, "POST", "/api/console/enroll/options", { body: { code }, origin: consoleOrigin, ip: ADMIN_IP });
  const response = await passkey.register(options.json.options);
  const verify = await api.expect(200, "POST", "/api/console/enroll/verify", {
    body: { flowId: options.json.flowId, code, response },
    origin: consoleOrigin,
    ip: ADMIN_IP,
  });
  const cookie = verify.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith("cw_session="));
  if (!cookie) throw new Error(`console enrolment set no session cookie: ${verify.headers.getSetCookie().join(" | ")}`);
  return { id: employeeId, cookie };
}

export interface Employee {
  index: number;
  id: string;
  ip: string;
  passkey: SoftAuthenticator;
  credentialId: string;
  /** The credential's public key, taken from the attestation the passkey produced. */
  publicKey: JsonWebKey;
}

/**
 * Creates one employee as the admin, issues an extension enrolment code and enrols a fresh
 * software passkey with it from the extension's origin, from the employee's own IP (the
 * enrolment routes allow 10 attempts per IP per 15 minutes).
 */
export async function createEnrolledEmployee(api: Api, admin: Admin, consoleOrigin: string, extensionOrigin: string, index: number): Promise<Employee> {
  const asAdmin = { cookie: admin.cookie, origin: consoleOrigin, ip: ADMIN_IP };
  const created = await api.expect(201, "POST", "/api/admin/employees", {
    ...asAdmin,
    body: { name: `Bench Employee ${index}`, email: `bench-${index}@example.com`, timezone: "Europe/Berlin" },
  });
  const employeeId = created.json.id as string;
  const issued = await api.expect(201, "POST", `/api/admin/employees/${employeeId}/enrollment-codes`, {
    ...asAdmin,
    body: { purpose: "extension" },
  });
  const code = issued.json.code as string;

  const ip = ipFor(index);
  const passkey = new SoftAuthenticator(extensionOrigin, extensionOrigin);
  const options = await api.expect(200, "POST", "/api/enroll/options", { body: { code }, origin: extensionOrigin, ip });
  const response = await passkey.register(options.json.options);
  await api.expect(201, "POST", "/api/enroll/verify", {
    body: { flowId: options.json.flowId, code, response, deviceLabel: "Bench laptop", consent: true },
    origin: extensionOrigin,
    ip,
  });
  return { index, id: employeeId, ip, passkey, credentialId: passkey.credentialId, publicKey: publicKeyOf(response) };
}

/** The P-256 public key (as JWK) inside a registration response's attestation object. */
function publicKeyOf(response: RegistrationResponseJSON): JsonWebKey {
  const attestation = decodeAttestationObject(fromBase64Url(response.response.attestationObject) as Uint8Array<ArrayBuffer>);
  const { credentialPublicKey } = parseAuthenticatorData(attestation.get("authData"));
  if (!credentialPublicKey) throw new Error("attestation without a credential public key");
  const cose = isoCBOR.decodeFirst<Map<number, Uint8Array>>(credentialPublicKey);
  return { kty: "EC", crv: "P-256", x: toBase64Url(cose.get(-2)!), y: toBase64Url(cose.get(-3)!) };
}

export interface SignedPunch {
  employee: Employee;
  punch: Punch;
  assertion: AuthenticationResponseJSON;
}

/** A punch as the extension builds it, signed by the employee's passkey over its challenge. */
export async function signPunch(employee: Employee, kind: "in" | "out", nonce: string): Promise<SignedPunch> {
  const punch: Punch = {
    v: 1,
    id: uuidv7(),
    employeeId: employee.id,
    credentialId: employee.credentialId,
    kind,
    clientTime: Date.now(),
    tz: "Europe/Berlin",
    nonce,
    geo: { lat: 52.52 + (employee.index % 100) / 10_000, lon: 13.405, accuracy: 20 },
  };
  const assertion = await employee.passkey.assert({ challenge: await punchChallengeBase64Url(punch) });
  return { employee, punch, assertion };
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return results;
}
