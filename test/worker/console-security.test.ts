/**
 * The console's sign-in and pages as an attacker meets them: sign-in options that cost nothing,
 * a challenge that signs in once, failed sign-ins that are counted and limited, the session
 * cookie's prefix on HTTPS, and the security headers on every page and answer.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { CONSOLE_ORIGIN, CONSOLE_RP_ID, adminCall, call, cookieFrom, expectError, setUpFirstAdmin, type Admin, awayFromWindowEdge } from "./helpers";

let admin: Admin;

beforeAll(async () => {
  admin = await setUpFirstAdmin();
});

async function rowsEverywhere(): Promise<number> {
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'").all<{ name: string }>();
  let total = 0;
  for (const { name } of tables.results) total += (await env.DB.prepare(`SELECT count(*) AS n FROM "${name}"`).first<{ n: number }>())!.n;
  return total;
}

const login = (path: "options" | "verify", body: unknown, headers: Record<string, string> = {}) =>
  call("POST", `/api/console/login/${path}`, { body, origin: CONSOLE_ORIGIN, headers });

describe("console sign-in", () => {
  it("300 requests for sign-in options write nothing", async () => {
    const before = await rowsEverywhere();
    for (let i = 0; i < 300; i++) expect((await login("options", {})).status).toBe(200);
    expect(await rowsEverywhere()).toBe(before);
  });

  it("a challenge signs in once: the same answer again is refused", async () => {
    const options = await login("options", {});
    const response = await admin.passkey.assert({ challenge: options.json.options.challenge });
    const first = await login("verify", { flowId: options.json.flowId, response });
    expect(first.status).toBe(200);
    expect(first.headers.get("Set-Cookie")).toMatch(/^cw_session=/);
    expectError(await login("verify", { flowId: options.json.flowId, response }), 401, "AUTHENTICATION_INVALID");
  });

  it("a flow id this server did not issue, or one too old, is refused", async () => {
    const options = await login("options", {});
    const [issuedAt, challenge, mac] = options.json.flowId.split(".");
    const response = await admin.passkey.assert({ challenge });
    expectError(await login("verify", { flowId: `${Number(issuedAt) - 10 * 60_000}.${challenge}.${mac}`, response }), 401, "AUTHENTICATION_INVALID");
    expectError(await login("verify", { flowId: `${issuedAt}.${challenge}.${mac.slice(1)}A`, response }), 401, "AUTHENTICATION_INVALID");
    expectError(await login("verify", { flowId: "not-a-flow", response }), 400, "VALIDATION_FAILED");
  });

  it("sign-ins with unknown passkeys are counted per source and refused after twenty, without blocking a real passkey from there", async () => {
    await awayFromWindowEdge();
    const ip = "203.0.113.77";
    const stranger = new SoftAuthenticator(CONSOLE_RP_ID, CONSOLE_ORIGIN);
    await stranger.register({ challenge: "AAAA" });
    const tryWith = async (passkey: SoftAuthenticator, from = ip) => {
      const options = await login("options", {});
      const response = await passkey.assert({ challenge: options.json.options.challenge });
      return login("verify", { flowId: options.json.flowId, response }, { "CF-Connecting-IP": from });
    };
    for (let i = 0; i < 20; i++) expectError(await tryWith(stranger), 401, "AUTHENTICATION_INVALID");
    const limited = await tryWith(stranger);
    expectError(limited, 429, "RATE_LIMITED");
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    const row = await env.DB.prepare("SELECT count FROM security_events WHERE source = ? AND action = 'security.console_login_failed'").bind(ip).first();
    expect(row).toEqual({ count: 20 });
    // The admin, behind the same address, signs in.
    expect((await tryWith(admin.passkey)).status).toBe(200);
  });

  it("bad signatures with a real passkey are counted per passkey and source, before the signature is checked, also in parallel", async () => {
    await awayFromWindowEdge();
    const ip = "203.0.113.79";
    const clone = new SoftAuthenticator(CONSOLE_RP_ID, CONSOLE_ORIGIN);
    await clone.register({ challenge: "AAAA" });
    // Signed by another key, under the admin's credential id.
    const forged = async () => {
      const options = await login("options", {});
      const response = await clone.assert({ challenge: options.json.options.challenge });
      return login("verify", { flowId: options.json.flowId, response: { ...response, id: admin.passkey.credentialId, rawId: admin.passkey.credentialId } }, { "CF-Connecting-IP": ip });
    };
    const answers = await Promise.all(Array.from({ length: 30 }, forged));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    // From another address, the admin still signs in.
    const options = await login("options", {});
    const ok = await login("verify", { flowId: options.json.flowId, response: await admin.passkey.assert({ challenge: options.json.options.challenge }) }, { "CF-Connecting-IP": "203.0.113.80" });
    expect(ok.status).toBe(200);
  });
});

describe("the session cookie", () => {
  it("is __Host-cw_session, Secure, on an HTTPS console, and only that name signs in there", async () => {
    const origin = "https://clockwork.example.com";
    const opts = { env: { CONSOLE_ORIGIN: origin }, base: origin, origin };
    const passkey = new SoftAuthenticator("clockwork.example.com", origin);
    const codeRes = await adminCall(admin, "POST", `/api/admin/employees/${admin.id}/enrollment-codes`, { purpose: "console" });
    const started = await call("POST", "/api/console/enroll/options", { ...opts, body: { code: codeRes.json.code } });
    expect(started.status).toBe(200);
    const response = await passkey.register(started.json.options);
    const verify = await call("POST", "/api/console/enroll/verify", { ...opts, body: { flowId: started.json.flowId, code: codeRes.json.code, response } });
    expect(verify.status).toBe(200);
    const setCookie = verify.headers.get("Set-Cookie")!;
    expect(setCookie).toMatch(/^__Host-cw_session=/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).not.toMatch(/Domain=/i);
    const cookie = cookieFrom(verify.headers);
    expect((await call("GET", "/api/console/session", { ...opts, cookie })).status).toBe(200);
    // The same value under the plain name is no session there.
    expectError(await call("GET", "/api/console/session", { ...opts, cookie: cookie.replace("__Host-", "") }), 401, "UNAUTHENTICATED");
  });
});

describe("security headers", () => {
  it("the console page: a CSP without inline scripts, never framed, no sniffing, same-origin referrers, no HSTS on localhost", async () => {
    const res = await call("GET", "/admin/");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/text\/html/);
    const csp = res.headers.get("Content-Security-Policy")!;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Referrer-Policy")).toBe("same-origin");
    expect(res.headers.get("Strict-Transport-Security")).toBeNull();
  });

  it("a deep link into the console gets the app, with the same headers", async () => {
    const res = await call("GET", "/admin/employees/some-id");
    expect(res.status).toBe(200);
    expect(res.text).toContain('<div id="app">');
    expect(res.headers.get("Content-Security-Policy")).toMatch(/frame-ancestors 'none'/);
  });

  it("HSTS on an HTTPS host", async () => {
    const page = await call("GET", "/admin/", { base: "https://clockwork.example.com" });
    expect(page.headers.get("Strict-Transport-Security")).toMatch(/max-age=\d{7,}/);
    const api = await call("GET", "/api/health", { base: "https://clockwork.example.com" });
    expect(api.headers.get("Strict-Transport-Security")).toMatch(/max-age=\d{7,}/);
  });

  it("every API answer says nosniff: JSON, CSV, errors and unknown routes", async () => {
    const answers = [
      await call("GET", "/api/health"),
      await call("GET", "/api/openapi.json"),
      await adminCall(admin, "GET", "/api/admin/reports/timesheet?from=2026-11-01&to=2026-11-02&format=csv"),
      await call("GET", "/api/me"),
      await call("POST", "/api/punches", { raw: "{" }),
      await call("GET", "/api/no-such-route"),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 401, 400, 404]);
    for (const a of answers) expect(a.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });

  it("Server-Timing is only sent when SERVER_TIMING is on", async () => {
    expect((await call("GET", "/api/punch/nonce")).headers.get("Server-Timing")).toMatch(/d1;/);
    expect((await call("GET", "/api/punch/nonce", { env: { SERVER_TIMING: "off" } })).headers.get("Server-Timing")).toBeNull();
  });
});
