/**
 * Records anyone can re-verify, and an employee's own data: the proofs route, the audit chain's
 * verification against edits, deletions and cuts, the export, consent, and deactivation.
 */
import { env } from "cloudflare:workers";
import { verifyAuthenticationResponse } from "@simplewebauthn/server";
import { beforeAll, describe, expect, it } from "vitest";
import { fromBase64Url } from "../../shared/encoding";
import { canonicalPunch } from "../../shared/punch";
import {
  EXT_ORIGIN,
  adminCall,
  call,
  consoleSessionFor,
  createEmployee,
  enrolDevice,
  expectError,
  makePunch,
  nonce,
  setUpFirstAdmin,
  sign,
  type Admin,
  type EnrolledDevice,
} from "./helpers";

let admin: Admin;
let kim: EnrolledDevice;

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  kim = await enrolDevice(admin, (await createEmployee(admin, { name: "Kim" })).id);
});

/** Runs statements with the append-only triggers out of the way, as someone with database access could. */
async function tamper(statements: [string, ...unknown[]][]) {
  const triggers = await env.DB.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('audit_log', 'audit_checkpoints')").all<{ name: string; sql: string }>();
  for (const t of triggers.results) await env.DB.prepare(`DROP TRIGGER ${t.name}`).run();
  try {
    for (const [text, ...values] of statements) await env.DB.prepare(text).bind(...values).run();
  } finally {
    for (const t of triggers.results) await env.DB.prepare(t.sql).run();
  }
}

type Row = Record<string, unknown>;
const entry = async (seq: number) => (await env.DB.prepare("SELECT * FROM audit_log WHERE seq = ?").bind(seq).first<Row>())!;
/** Puts entries back exactly as they were. */
const restore = (rows: Row[]) =>
  tamper(rows.map((r) => [`INSERT OR REPLACE INTO audit_log (${Object.keys(r).join(", ")}) VALUES (${Object.keys(r).map(() => "?").join(", ")})`, ...Object.values(r)]));

describe("proofs anyone can check", () => {
  it("each punch comes with the signed JSON, the assertion, the passkey's key as COSE and JWK, and the origin, and they verify", async () => {
    const signed = await sign(kim, makePunch(kim, { nonce: await nonce() }));
    const recorded = (await call("POST", "/api/punches", { body: signed })).json.punch;
    const res = await adminCall(admin, "GET", `/api/admin/punches/proofs?from=${recorded.effectiveTime}&to=${recorded.effectiveTime}`);
    expect(res.status).toBe(200);
    const proof = res.json.items.find((p: { record: { id: string } }) => p.record.id === recorded.id);
    expect(proof).toMatchObject({ signed: canonicalPunch(signed.punch), credentialId: kim.passkey.credentialId, origin: EXT_ORIGIN });
    const jwk = await kim.passkey.publicJwk();
    expect(proof.publicKey.jwk).toMatchObject({ kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y });
    // Verified with the library, from nothing but the proof.
    const check = await verifyAuthenticationResponse({
      response: proof.assertion,
      expectedChallenge: proof.punchHash,
      expectedOrigin: proof.origin,
      expectedRPID: proof.origin,
      requireUserVerification: true,
      credential: { id: proof.credentialId, publicKey: fromBase64Url(proof.publicKey.cose) as Uint8Array<ArrayBuffer>, counter: 0 },
    });
    expect(check.verified).toBe(true);
  });

  it("pages oldest first; a manual punch has no signature to show; auditors read proofs, managers only their team's", async () => {
    const manual = await adminCall(admin, "POST", "/api/admin/punches", { employeeId: kim.employeeId, kind: "out", time: Date.now() - 60_000, reason: "forgot" });
    expect(manual.status).toBe(201);
    const page1 = await adminCall(admin, "GET", "/api/admin/punches/proofs?limit=1");
    const page2 = await adminCall(admin, "GET", `/api/admin/punches/proofs?limit=1&cursor=${page1.json.nextCursor}`);
    expect(page2.json.items[0].record.effectiveTime).toBeGreaterThanOrEqual(page1.json.items[0].record.effectiveTime);
    const all = await adminCall(admin, "GET", "/api/admin/punches/proofs");
    const entered = all.json.items.find((p: { record: { id: string } }) => p.record.id === manual.json.punch.id);
    expect(entered).toMatchObject({ signed: null, assertion: null, publicKey: null, record: { mode: "manual" } });
    const auditor = await consoleSessionFor(admin, (await createEmployee(admin, { role: "auditor" })).id);
    expect((await adminCall(auditor, "GET", "/api/admin/punches/proofs")).json.items.length).toBe(all.json.items.length);
    const manager = await consoleSessionFor(admin, (await createEmployee(admin, { role: "manager" })).id);
    expect((await adminCall(manager, "GET", "/api/admin/punches/proofs")).json.items).toEqual([]);
  });
});

describe("the audit chain is checked", () => {
  it("honest: ok, every entry checked, after sealing what was pending", async () => {
    const res = await adminCall(admin, "GET", "/api/admin/audit/verify");
    expect(res.json).toMatchObject({ ok: true, complete: true });
    expect(res.json.checked).toBe((await env.DB.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>())!.n);
    expect(res.json.sealed).toBeGreaterThan(0);
    expect(res.json.checkpoints).toBeGreaterThan(0);
  });

  it("an edited entry is named by its sequence number", async () => {
    const target = await env.DB.prepare("SELECT seq FROM audit_log WHERE action = 'device.enrolled' LIMIT 1").first<{ seq: number }>();
    const original = await entry(target!.seq);
    await tamper([[`UPDATE audit_log SET data = json_set(data, '$.label', 'Someone else''s laptop') WHERE seq = ?`, target!.seq]]);
    const res = await adminCall(admin, "GET", "/api/admin/audit/verify");
    expect(res.json).toMatchObject({ ok: false, firstBadSeq: target!.seq });
    await restore([original]);
    expect((await adminCall(admin, "GET", "/api/admin/audit/verify")).json.ok).toBe(true);
  });

  it("a deleted entry breaks the link of the one after it", async () => {
    await call("POST", "/api/punches", { body: await sign(kim, makePunch(kim, { nonce: await nonce(), kind: "out" })) });
    await adminCall(admin, "POST", "/api/admin/maintenance");
    const [after, deleted] = (await env.DB.prepare("SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 3").all<{ seq: number }>()).results;
    const original = await entry(deleted!.seq);
    await tamper([["DELETE FROM audit_log WHERE seq = ?", deleted!.seq]]);
    const res = await adminCall(admin, "GET", "/api/admin/audit/verify");
    expect(res.json).toMatchObject({ ok: false, firstBadSeq: after!.seq, reason: expect.stringMatching(/link/) });
    await restore([original]);
    expect((await adminCall(admin, "GET", "/api/admin/audit/verify")).json.ok).toBe(true);
  });

  it("cutting the newest entries is caught by the signed checkpoint", async () => {
    await createEmployee(admin);
    await adminCall(admin, "POST", "/api/admin/maintenance");
    const head = await env.DB.prepare("SELECT max(seq) AS seq FROM audit_log").first<{ seq: number }>();
    // The last two entries go: what is left is a sound chain, only shorter than its signed head.
    await tamper([["DELETE FROM audit_log WHERE seq >= ?", head!.seq - 1]]);
    const res = await adminCall(admin, "GET", "/api/admin/audit/verify");
    expect(res.json).toMatchObject({ ok: false, reason: expect.stringMatching(/gone/) });
    expect(res.json.firstBadSeq).toBeGreaterThanOrEqual(head!.seq - 1);
  });
});

describe("the log ties records to their content", () => {
  it("checkpoints are listed with their signed payload; device.enrolled names the key's hash", async () => {
    await adminCall(admin, "POST", "/api/admin/maintenance");
    const list = await adminCall(admin, "GET", "/api/admin/audit/checkpoints");
    expect(list.status).toBe(200);
    expect(list.json.items.length).toBeGreaterThan(0);
    expect(JSON.parse(list.json.items[0].payload)).toMatchObject({ seq: list.json.items[0].seq, hash: list.json.items[0].hash });
    const enrolled = await env.DB.prepare("SELECT data FROM audit_log WHERE action = 'device.enrolled' AND actor_id = ?").bind(kim.employeeId).first<{ data: string }>();
    const [device] = (await env.DB.prepare("SELECT public_key FROM devices WHERE employee_id = ?").bind(kim.employeeId).all<{ public_key: string }>()).results;
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", fromBase64Url(device!.public_key)));
    expect(JSON.parse(enrolled!.data).publicKeySha256).toBe(btoa(String.fromCharCode(...digest)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""));
  });
});

describe("an employee's own data", () => {
  it("GET /api/me/export returns the profile, consent, devices, punches with receipts and corrections", async () => {
    const lee = await enrolDevice(admin, (await createEmployee(admin, { name: "Lee" })).id);
    const punch = (await call("POST", "/api/punches", { body: await sign(lee, makePunch(lee, { nonce: await nonce() })) })).json.punch;
    const res = await call("GET", "/api/me/export", { token: lee.token });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Disposition")).toMatch(/attachment/);
    expect(res.json).toMatchObject({
      employee: { id: lee.employeeId, name: "Lee" },
      consent: { at: expect.any(Number) },
      devices: [{ kind: "extension" }],
      punches: [{ id: punch.id, receipt: { payload: expect.any(String) } }],
      corrections: [],
    });
    expectError(await call("GET", "/api/me/export"), 401, "UNAUTHENTICATED");
  });

  it("enrolment records which version of the notice the employee accepted", async () => {
    const { SoftAuthenticator } = await import("../support/soft-authenticator");
    const person = await createEmployee(admin);
    const code = (await adminCall(admin, "POST", `/api/admin/employees/${person.id}/enrollment-codes`, { purpose: "extension" })).json.code;
    const headers = { "CF-Connecting-IP": "198.18.0.9" };
    const options = await call("POST", "/api/enroll/options", { body: { code }, origin: EXT_ORIGIN, headers });
    const response = await new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN).register(options.json.options);
    const verify = await call("POST", "/api/enroll/verify", { body: { flowId: options.json.flowId, code, response, consent: true, consentVersion: "2026-11" }, origin: EXT_ORIGIN, headers });
    expect(verify.status).toBe(201);
    const row = await env.DB.prepare("SELECT consent_version FROM employees WHERE id = ?").bind(person.id).first();
    expect(row).toEqual({ consent_version: "2026-11" });
  });

  it("deactivating an employee revokes their passkeys and sessions at once", async () => {
    const max = await enrolDevice(admin, (await createEmployee(admin, { name: "Max" })).id);
    expect((await call("GET", "/api/me", { token: max.token })).status).toBe(200);
    expect((await adminCall(admin, "DELETE", `/api/admin/employees/${max.employeeId}`)).json.active).toBe(false);
    const devices = await adminCall(admin, "GET", `/api/admin/employees/${max.employeeId}/devices`);
    expect(devices.json.items.every((d: { revokedAt: number | null }) => d.revokedAt !== null)).toBe(true);
    expectError(await call("GET", "/api/me", { token: max.token }), 401, "UNAUTHENTICATED");
    // Reactivated, they enrol again: the old passkeys stay revoked.
    await adminCall(admin, "PATCH", `/api/admin/employees/${max.employeeId}`, { active: true });
    expectError(await call("POST", "/api/punches", { body: await sign(max, makePunch(max, { nonce: await nonce() })) }), 403, "CREDENTIAL_REVOKED");
  });
});
