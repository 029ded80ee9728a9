/**
 * An employee as the extension makes one, over the public API only: enrolment with a one-time
 * code and a software passkey (which yields the bearer session of `/api/me`), signed punches,
 * and correction requests with files, as the popup sends them.
 */
import { v7 as uuidv7 } from "uuid";
import { type Punch, punchChallengeBase64Url } from "../../shared/punch";
import type { Api, CallResult } from "./api-client";
import { SoftAuthenticator } from "./soft-authenticator";

export interface EnrolledEmployee {
  employeeId: string;
  passkey: SoftAuthenticator;
  credentialId: string;
  /** The bearer token of `/api/me` (and `/api/me/corrections`). */
  token: string;
  /** The address its requests come from (`CF-Connecting-IP`). */
  ip: string;
}

/** Enrols a fresh software passkey with an extension code, from the extension's origin. */
export async function enrolWithCode(api: Api, code: string, extensionOrigin: string, ip: string, deviceLabel = "Work laptop"): Promise<EnrolledEmployee> {
  const passkey = new SoftAuthenticator(extensionOrigin, extensionOrigin);
  const options = await api.expect(200, "POST", "/api/enroll/options", { body: { code }, origin: extensionOrigin, ip });
  const response = await passkey.register(options.json.options);
  const verify = await api.expect(201, "POST", "/api/enroll/verify", {
    body: { flowId: options.json.flowId, code, response, deviceLabel, consent: true },
    origin: extensionOrigin,
    ip,
  });
  return { employeeId: verify.json.employeeId, passkey, credentialId: passkey.credentialId, token: verify.json.session.token, ip };
}

export interface PunchOptions {
  kind: "in" | "out";
  /** A nonce from `GET /api/punch/nonce`, or null for a punch signed offline. */
  nonce: string | null;
  clientTime?: number;
  tz: string;
  geo?: Punch["geo"];
}

/** Signs a punch with the employee's passkey over its canonical challenge and sends it: the answer as is. */
export async function sendPunch(api: Api, employee: EnrolledEmployee, opts: PunchOptions): Promise<CallResult> {
  const punch: Punch = {
    v: 1,
    id: uuidv7(),
    employeeId: employee.employeeId,
    credentialId: employee.credentialId,
    kind: opts.kind,
    clientTime: opts.clientTime ?? Date.now(),
    tz: opts.tz,
    nonce: opts.nonce,
    geo: opts.geo ?? { lat: 52.52, lon: 13.405, accuracy: 20 },
  };
  const assertion = await employee.passkey.assert({ challenge: await punchChallengeBase64Url(punch) });
  return api.call("POST", "/api/punches", { body: { punch, assertion }, ip: employee.ip });
}

export interface EvidenceFile {
  name: string;
  bytes: Uint8Array;
  type?: string;
}

/** `POST /api/me/corrections` as multipart/form-data, the files named `evidence`, as the popup sends it. */
export async function fileCorrection(
  api: Api,
  employee: EnrolledEmployee,
  fields: { date: string; kind: "in" | "out"; time: number; reason: string },
  files: EvidenceFile[] = [],
): Promise<CallResult> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, String(value));
  for (const file of files) form.append("evidence", new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type ?? "application/octet-stream" }), file.name);
  const res = await fetch(`${api.base}/api/me/corrections`, {
    method: "POST",
    headers: { Authorization: `Bearer ${employee.token}`, "CF-Connecting-IP": employee.ip },
    body: form,
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
