import { describe, expect, it } from "vitest";
import canonicalize from "canonicalize";
import { fromBase64Url } from "../../shared/encoding";
import { punchChallengeBase64Url } from "../../shared/punch";
import { isoWeekday } from "../../shared/schedule";
import { localDate } from "../../shared/time";
import { SoftAuthenticator } from "../support/soft-authenticator";
import {
  CONSOLE_ORIGIN,
  CONSOLE_RP_ID,
  adminCall,
  call,
  cookieFrom,
  createEmployee,
  d1RoundTrips,
  enrolDevice,
  expectError,
  makePunch,
  nonce,
  setUpFirstAdmin,
  sign,
  type Admin,
  type EnrolledDevice,
} from "./helpers";

// One story, in order: the first admin sets up, signs in, enrols an employee who punches in and out.
describe("from a fresh database to recorded punches", () => {
  let admin: Admin;
  let employee: { id: string; name: string };
  let device: EnrolledDevice;
  const punched: string[] = [];

  it("serves health and the OpenAPI document", async () => {
    const health = await call("GET", "/api/health");
    expect(health.json).toEqual({ ok: true, version: expect.any(String) });
    const doc = await call("GET", "/api/openapi.json");
    expect(doc.json.openapi).toBe("3.1.0");
    expect(doc.json.paths["/api/punches"].post.requestBody.content["application/json"].schema.properties.punch).toBeDefined();
  });

  it("refuses a wrong setup token, then sets up the first admin and registers their console passkey", async () => {
    expectError(await call("POST", "/api/setup", { body: { token: "wrong", name: "Eve", email: "eve@example.com" } }), 401, "SETUP_TOKEN_INVALID");
    admin = await setUpFirstAdmin();
    expect(admin.cookie).toMatch(/^cw_session=/);
  });

  it("refuses a second setup", async () => {
    const again = await call("POST", "/api/setup", { body: { token: "test-setup-token", name: "Mallory", email: "m@example.com" } });
    expectError(again, 409, "ALREADY_SET_UP");
  });

  it("signs in to the console with the discoverable passkey and sets a strict HttpOnly cookie", async () => {
    const options = await call("POST", "/api/console/login/options", { body: {}, origin: CONSOLE_ORIGIN });
    expect(options.status).toBe(200);
    expect(options.json.options.rpId).toBe(CONSOLE_RP_ID);
    expect(options.json.options.userVerification).toBe("required");
    const response = await admin.passkey.assert({ challenge: options.json.options.challenge });
    const verify = await call("POST", "/api/console/login/verify", {
      body: { flowId: options.json.flowId, response },
      origin: CONSOLE_ORIGIN,
    });
    expect(verify.status).toBe(200);
    expect(verify.json.employee).toMatchObject({ id: admin.id, role: "admin", name: "Ada Admin" });
    const setCookie = verify.headers.get("Set-Cookie")!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).not.toMatch(/Secure/i); // localhost only
    admin = { ...admin, cookie: cookieFrom(verify.headers) };
    // The console asks who is signed in after a reload (same-origin GET: no Origin header).
    const me = await call("GET", "/api/console/session", { cookie: admin.cookie });
    expect(me.json.employee).toMatchObject({ id: admin.id, role: "admin" });
    // The same login flow cannot be used twice.
    const replay = await call("POST", "/api/console/login/verify", { body: { flowId: options.json.flowId, response }, origin: CONSOLE_ORIGIN });
    expectError(replay, 401, "AUTHENTICATION_INVALID");
  });

  it("creates an employee and enrols their extension passkey with a one-time code", async () => {
    employee = await createEmployee(admin, { name: "Li Wei 李伟", timezone: "Asia/Shanghai" });
    device = await enrolDevice(admin, employee.id);
    expect(device.token.length).toBeGreaterThan(20);
    const devices = await adminCall(admin, "GET", `/api/admin/employees/${employee.id}/devices`);
    expect(devices.json.items).toHaveLength(1);
    expect(devices.json.items[0]).toMatchObject({ kind: "extension", label: "Work laptop", revokedAt: null, credentialId: device.passkey.credentialId });
  });

  it("records an online punch in with a fresh nonce, in two D1 round trips, with a verifiable receipt", async () => {
    const punch = makePunch(device, { kind: "in", nonce: await nonce(), tz: "Asia/Shanghai" });
    const res = await call("POST", "/api/punches", { body: await sign(device, punch), headers: { "CF-Connecting-IP": "203.0.113.7" } });
    expect(res.status).toBe(201);
    expect(res.json.punch).toMatchObject({ id: punch.id, employeeId: employee.id, kind: "in", mode: "online", status: "accepted", reasons: [], ip: "203.0.113.7" });
    expect(Math.abs(res.json.punch.effectiveTime - Date.now())).toBeLessThan(10_000);
    expect(d1RoundTrips(res.headers)).toBeLessThanOrEqual(2);
    punched.push(punch.id);

    // The receipt verifies with the published key and names this exact punch.
    const key = (await call("GET", "/api/receipts/key")).json;
    expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256" });
    expect(key.d).toBeUndefined();
    const publicKey = await crypto.subtle.importKey("jwk", { kty: key.kty, crv: key.crv, x: key.x, y: key.y }, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    const { payload, signature } = res.json.receipt;
    const valid = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, publicKey, fromBase64Url(signature), new TextEncoder().encode(payload));
    expect(valid).toBe(true);
    const parsed = JSON.parse(payload);
    expect(canonicalize(parsed)).toBe(payload);
    expect(parsed).toMatchObject({ punchId: punch.id, status: "accepted", mode: "online", punchHash: await punchChallengeBase64Url(punch) });
    const tampered = new TextEncoder().encode(payload.replace('"accepted"', '"rejected"'));
    expect(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, publicKey, fromBase64Url(signature), tampered)).toBe(false);
    // A fresh employee session comes back with the punch.
    expect(res.json.session.token).toEqual(expect.any(String));
  });

  it("records the punch out and shows today on /api/me", async () => {
    const punch = makePunch(device, { kind: "out", nonce: await nonce(), tz: "Asia/Shanghai" });
    const res = await call("POST", "/api/punches", { body: await sign(device, punch) });
    expect(res.status).toBe(201);
    punched.push(punch.id);

    const me = await call("GET", "/api/me", { token: device.token });
    expect(me.status).toBe(200);
    expect(me.json.employee).toMatchObject({ id: employee.id, name: "Li Wei 李伟", timezone: "Asia/Shanghai" });
    expect(me.json.devices).toHaveLength(1);
    expect(me.json.today).toMatchObject({ date: localDate(Date.now(), "Asia/Shanghai"), workedMinutes: 0, flagged: [] });
    // Without a schedule the company's hours apply: Monday to Friday are working days.
    const workday = isoWeekday(me.json.today.date) <= 5;
    expect(workday ? ["present", "late", "early_leave"] : ["rest_day"]).toContain(me.json.today.status);
    // The extension's reminders follow the company's hours.
    expect(me.json.workday).toEqual({ start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5] });
    expect(me.json.today.firstIn).toBeLessThanOrEqual(me.json.today.lastOut);

    const mine = await call("GET", "/api/me/punches", { token: device.token });
    expect(mine.json.items.map((p: { id: string }) => p.id)).toEqual(punched);

    // By local date: the punch's own date in its own zone, at both ends of the world's zones.
    const { env } = await import("cloudflare:workers");
    const edges = [
      ["edge-east", "Pacific/Kiritimati", Date.parse("2025-03-09T10:00:00Z"), "2025-03-10"], // 00:00 on the 10th at +14
      ["edge-west", "Etc/GMT+12", Date.parse("2025-03-11T11:59:00Z"), "2025-03-10"], // 23:59 on the 10th at -12
      ["edge-after", "Etc/GMT+12", Date.parse("2025-03-11T12:00:00Z"), "2025-03-11"],
    ] as const;
    for (const [id, tz, t, date] of edges) {
      expect(localDate(t, tz)).toBe(date);
      await env.DB.prepare(
        `INSERT INTO punches (id, employee_id, source, kind, client_time, tz, effective_time, received_at, local_date, mode, status, reasons, punch_hash, receipt_payload, receipt_signature)
         VALUES (?, ?, 'manual', 'in', ?, ?, ?, ?, ?, 'manual', 'accepted', '[]', 'h', '{}', 's')`,
      )
        .bind(id, employee.id, t, tz, t, t, date)
        .run();
    }
    const day = await call("GET", "/api/me/punches?from=2025-03-10&to=2025-03-10", { token: device.token });
    expect(day.json.items.map((p: { id: string }) => p.id)).toEqual(["edge-east", "edge-west"]);
    await env.DB.prepare("DELETE FROM punches WHERE id LIKE 'edge-%'").run();
    // A date the calendar does not have is refused, not rolled over into the next month.
    for (const date of ["2025-02-29", "2025-13-01"]) expectError(await call("GET", `/api/me/punches?from=${date}`, { token: device.token }), 400, "VALIDATION_FAILED");
    expectError(await call("GET", "/api/me", { token: "not-a-session" }), 401, "UNAUTHENTICATED");
  });

  it("lists the punches for the admin, newest first, with paging", async () => {
    const page1 = await adminCall(admin, "GET", `/api/admin/punches?employeeId=${employee.id}&limit=1`);
    expect(page1.status).toBe(200);
    expect(page1.json.items.map((p: { id: string }) => p.id)).toEqual([punched[1]]);
    const page2 = await adminCall(admin, "GET", `/api/admin/punches?employeeId=${employee.id}&limit=1&cursor=${page1.json.nextCursor}`);
    expect(page2.json.items.map((p: { id: string }) => p.id)).toEqual([punched[0]]);
    expect(page2.json.nextCursor).toBeNull();
    const employees = await adminCall(admin, "GET", "/api/admin/employees");
    expect(employees.json.items.map((e: { id: string }) => e.id).sort()).toEqual([admin.id, employee.id].sort());
  });

  it("logs out: the cookie no longer works", async () => {
    const out = await call("POST", "/api/console/logout", { cookie: admin.cookie, origin: CONSOLE_ORIGIN });
    expect(out.status).toBe(204);
    expectError(await adminCall(admin, "GET", "/api/admin/employees"), 401, "UNAUTHENTICATED");
    expectError(await call("GET", "/api/console/session", { cookie: admin.cookie }), 401, "UNAUTHENTICATED");
  });
});

describe("a second console passkey", () => {
  it("a console passkey from another origin is refused", async () => {
    const res = await call("POST", "/api/console/login/options", { body: {}, origin: "https://evil.example" });
    expectError(res, 403, "ORIGIN_NOT_ALLOWED");
    void SoftAuthenticator;
  });
});
