import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../worker/index";
import { expect } from "vitest";
import type { Punch } from "../../shared/punch";
import { punchChallengeBase64Url } from "../../shared/punch";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { v7 as uuidv7 } from "uuid";

export const BASE = "http://localhost:8787";
export const EXT_ORIGIN = env.EXTENSION_ORIGINS.split(",")[0]!.trim();
export const CONSOLE_ORIGIN = env.CONSOLE_ORIGIN;
export const CONSOLE_RP_ID = new URL(CONSOLE_ORIGIN).hostname;

export interface CallOptions {
  body?: unknown;
  /** Raw body text, sent as is. */
  raw?: string;
  headers?: Record<string, string>;
  origin?: string | null;
  cookie?: string;
  token?: string;
  cf?: Record<string, unknown>;
  /** Bindings to change for this request (another console origin, Server-Timing off). */
  env?: Partial<Env>;
  /** Another base URL (an HTTPS host). */
  base?: string;
}

export async function call(method: string, path: string, opts: CallOptions = {}) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.body !== undefined || opts.raw !== undefined) headers["Content-Type"] ??= "application/json";
  if (opts.origin) headers.Origin = opts.origin;
  if (opts.cookie) headers.Cookie = opts.cookie;
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  const init: RequestInit & { cf?: Record<string, unknown> } = {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  };
  if (opts.cf) init.cf = opts.cf;
  // Straight into the Worker's fetch handler: the loopback `exports.default.fetch`
  // slows down with every request a file makes, which thousands of fuzzed requests notice.
  const res = await worker.fetch(new Request((opts.base ?? BASE) + path, init), opts.env ? { ...env, ...opts.env } : env, createExecutionContext());
  const bytes = new Uint8Array(await res.arrayBuffer());
  // `Response.text()` would drop a byte-order mark; keep it visible to tests.
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  let json: any = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** Asserts API.md's error shape with the given status and code. */
export function expectError(res: { status: number; json: any }, status: number, code: string) {
  expect({ status: res.status, code: res.json?.error?.code }).toEqual({ status, code });
  expect(typeof res.json.error.message).toBe("string");
}

export function cookieFrom(headers: Headers): string {
  const setCookie = headers.get("Set-Cookie") ?? "";
  const match = setCookie.match(/((?:__Host-)?cw_session)=([^;]+)/);
  if (!match) throw new Error(`no session cookie in ${setCookie}`);
  return `${match[1]}=${match[2]}`;
}

export interface Admin {
  id: string;
  cookie: string;
  passkey: SoftAuthenticator;
}

/** Setup → console enrolment, as the first admin does it. */
export async function setUpFirstAdmin(name = "Ada Admin", email = "ada@example.com"): Promise<Admin> {
  const setup = await call("POST", "/api/setup", { body: { token: env.SETUP_TOKEN, name, email } });
  expect(setup.status).toBe(201);
  const passkey = new SoftAuthenticator(CONSOLE_RP_ID, CONSOLE_ORIGIN);
  const options = await call("POST", "/api/console/enroll/options", {
    body: { code: setup.json.consoleEnrollmentCode },
    origin: CONSOLE_ORIGIN,
  });
  expect(options.status).toBe(200);
  const response = await passkey.register(options.json.options);
  const verify = await call("POST", "/api/console/enroll/verify", {
    body: { flowId: options.json.flowId, code: setup.json.consoleEnrollmentCode, response },
    origin: CONSOLE_ORIGIN,
  });
  expect(verify.status).toBe(200);
  return { id: setup.json.employeeId, cookie: cookieFrom(verify.headers), passkey };
}

export function adminCall(admin: Pick<Admin, "cookie">, method: string, path: string, body?: unknown) {
  return call(method, path, { body, cookie: admin.cookie, origin: CONSOLE_ORIGIN });
}

let emailCounter = 0;
export async function createEmployee(admin: Admin, fields: Record<string, unknown> = {}) {
  emailCounter += 1;
  const res = await adminCall(admin, "POST", "/api/admin/employees", {
    name: `Employee ${emailCounter}`,
    email: `e${emailCounter}-${crypto.randomUUID().slice(0, 8)}@example.com`,
    ...fields,
  });
  expect(res.status).toBe(201);
  return res.json as { id: string; name: string; email: string; role: string };
}

export async function issueCode(admin: Admin, employeeId: string, purpose: "extension" | "console" = "extension") {
  const res = await adminCall(admin, "POST", `/api/admin/employees/${employeeId}/enrollment-codes`, { purpose });
  expect(res.status).toBe(201);
  return res.json.code as string;
}

export interface EnrolledDevice {
  employeeId: string;
  passkey: SoftAuthenticator;
  token: string;
  /** The company's location precision, as the enrolment answered it. */
  locationPrecision: number;
}

let deviceCounter = 0;

/** An extension enrolment with a fresh code, as the options page does it. */
export async function enrolDevice(admin: Admin, employeeId: string, passkey = new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN)): Promise<EnrolledDevice> {
  const code = await issueCode(admin, employeeId);
  // Enrolment is rate-limited per IP; every simulated device gets its own.
  const headers = { "CF-Connecting-IP": `192.0.2.${(deviceCounter = (deviceCounter % 250) + 1)}` };
  const options = await call("POST", "/api/enroll/options", { body: { code }, origin: EXT_ORIGIN, headers });
  expect(options.status).toBe(200);
  const response = await passkey.register(options.json.options);
  const verify = await call("POST", "/api/enroll/verify", {
    body: { flowId: options.json.flowId, code, response, deviceLabel: "Work laptop", consent: true },
    origin: EXT_ORIGIN,
    headers,
  });
  expect(verify.status).toBe(201);
  return { employeeId, passkey, token: verify.json.session.token, locationPrecision: verify.json.locationPrecision };
}

export async function nonce(): Promise<string> {
  const res = await call("GET", "/api/punch/nonce");
  return res.json.nonce;
}

export function makePunch(device: EnrolledDevice, fields: Partial<Punch> = {}): Punch {
  return {
    v: 1,
    id: uuidv7(),
    employeeId: device.employeeId,
    credentialId: device.passkey.credentialId,
    kind: "in",
    clientTime: Date.now(),
    tz: "Europe/Berlin",
    nonce: null,
    geo: { lat: 52.52, lon: 13.405, accuracy: 20 },
    ...fields,
  };
}

export async function sign(device: EnrolledDevice, punch: Punch, overrides: Parameters<SoftAuthenticator["assert"]>[0] extends infer O ? Partial<O> : never = {}) {
  const assertion = await device.passkey.assert({ challenge: await punchChallengeBase64Url(punch), ...overrides });
  return { punch, assertion };
}

export function d1RoundTrips(headers: Headers): number {
  const match = headers.get("Server-Timing")?.match(/d1;[^,]*desc="(\d+) round trips"/);
  if (!match) throw new Error("no d1 Server-Timing");
  return Number(match[1]);
}

/** A console session for an existing employee: an admin issues a console code, they register a passkey. */
export async function consoleSessionFor(admin: Admin, employeeId: string): Promise<Admin> {
  const code = await issueCode(admin, employeeId, "console");
  const passkey = new SoftAuthenticator(CONSOLE_RP_ID, CONSOLE_ORIGIN);
  const options = await call("POST", "/api/console/enroll/options", { body: { code }, origin: CONSOLE_ORIGIN });
  expect(options.status).toBe(200);
  const response = await passkey.register(options.json.options);
  const verify = await call("POST", "/api/console/enroll/verify", { body: { flowId: options.json.flowId, code, response }, origin: CONSOLE_ORIGIN });
  expect(verify.status).toBe(200);
  return { id: employeeId, cookie: cookieFrom(verify.headers), passkey };
}

/**
 * Waits out the end of a rate-limit window when less than `marginMs` of it is left, so that a
 * test that counts to a limit never sees the counters start over halfway.
 */
export async function awayFromWindowEdge(marginMs = 30_000) {
  const WINDOW = 15 * 60_000;
  const left = WINDOW - (Date.now() % WINDOW);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
