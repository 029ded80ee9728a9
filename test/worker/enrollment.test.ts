import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { FLAGS, SoftAuthenticator } from "../support/soft-authenticator";
import {
  CONSOLE_ORIGIN,
  EXT_ORIGIN,
  adminCall,
  call,
  createEmployee,
  enrolDevice,
  expectError,
  issueCode,
  setUpFirstAdmin,
  type Admin,
  awayFromWindowEdge,
} from "./helpers";

let admin: Admin;
let ipCounter = 0;
/** Each test speaks from its own IP, so the per-IP rate limit only bites where a test wants it to. */
const freshIp = () => `198.51.100.${++ipCounter}`;

function enroll(path: "options" | "verify", body: unknown, ip: string, origin: string | null = EXT_ORIGIN) {
  return call("POST", `/api/enroll/${path}`, { body, origin, headers: { "CF-Connecting-IP": ip } });
}

async function start(code: string, ip = freshIp()) {
  const options = await enroll("options", { code }, ip);
  expect(options.status).toBe(200);
  return { ip, flowId: options.json.flowId as string, options: options.json.options };
}

beforeAll(async () => {
  admin = await setUpFirstAdmin();
});

describe("extension enrolment", () => {
  it("offers creation options bound to the extension origin with user verification required", async () => {
    const employee = await createEmployee(admin, { name: "Zhang San" });
    const code = await issueCode(admin, employee.id);
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/);
    const res = await enroll("options", { code: code.toLowerCase().replace("-", " ") }, freshIp());
    expect(res.status).toBe(200);
    expect(res.json.employee).toEqual({ id: employee.id, name: "Zhang San" });
    expect(res.json.options.rp.id).toBe(EXT_ORIGIN);
    expect(res.json.options.authenticatorSelection.userVerification).toBe("required");
    expect(res.json.options.challenge).toEqual(expect.any(String));
  });

  it("an unknown code: 404 ENROLLMENT_CODE_INVALID", async () => {
    expectError(await enroll("options", { code: "AAAAA-BBBBB" }, freshIp()), 404, "ENROLLMENT_CODE_INVALID");
  });

  it("a used code: 404 ENROLLMENT_CODE_INVALID, before and after the passkey step", async () => {
    const employee = await createEmployee(admin);
    const code = await issueCode(admin, employee.id);
    const a = await start(code);
    const b = await start(code);
    const passkey = new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN);
    const first = await enroll("verify", { flowId: a.flowId, code, response: await passkey.register(a.options) }, a.ip);
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ employeeId: employee.id, credentialId: passkey.credentialId });
    // The second flow was started while the code was still unused.
    const other = new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN);
    expectError(await enroll("verify", { flowId: b.flowId, code, response: await other.register(b.options) }, b.ip), 404, "ENROLLMENT_CODE_INVALID");
    expectError(await enroll("options", { code }, freshIp()), 404, "ENROLLMENT_CODE_INVALID");
    const devices = await adminCall(admin, "GET", `/api/admin/employees/${employee.id}/devices`);
    expect(devices.json.items).toHaveLength(1);
  });

  it("an expired code: 404 ENROLLMENT_CODE_INVALID", async () => {
    const employee = await createEmployee(admin);
    const code = await issueCode(admin, employee.id);
    const flow = await start(code);
    await env.DB.prepare("UPDATE enrollment_codes SET expires_at = ? WHERE employee_id = ?").bind(Date.now() - 1, employee.id).run();
    const passkey = new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN);
    expectError(await enroll("verify", { flowId: flow.flowId, code, response: await passkey.register(flow.options) }, flow.ip), 404, "ENROLLMENT_CODE_INVALID");
    expectError(await enroll("options", { code }, freshIp()), 404, "ENROLLMENT_CODE_INVALID");
  });

  it("codes expire after 72 hours", async () => {
    const employee = await createEmployee(admin);
    const res = await adminCall(admin, "POST", `/api/admin/employees/${employee.id}/enrollment-codes`, { purpose: "extension" });
    expect(res.json.expiresAt - Date.now()).toBeGreaterThan(72 * 3600_000 - 60_000);
    expect(res.json.expiresAt - Date.now()).toBeLessThanOrEqual(72 * 3600_000);
  });

  it("a console code does not enrol an extension, nor the reverse", async () => {
    const employee = await createEmployee(admin, { role: "manager" });
    const consoleCode = await issueCode(admin, employee.id, "console");
    expectError(await enroll("options", { code: consoleCode }, freshIp()), 404, "ENROLLMENT_CODE_INVALID");
    const extensionCode = await issueCode(admin, employee.id, "extension");
    const res = await call("POST", "/api/console/enroll/options", { body: { code: extensionCode }, origin: CONSOLE_ORIGIN });
    expectError(res, 404, "ENROLLMENT_CODE_INVALID");
  });

  it("from a foreign origin or with none: 403 ORIGIN_NOT_ALLOWED", async () => {
    const code = await issueCode(admin, (await createEmployee(admin)).id);
    expectError(await enroll("options", { code }, freshIp(), "https://evil.example"), 403, "ORIGIN_NOT_ALLOWED");
    expectError(await enroll("options", { code }, freshIp(), null), 403, "ORIGIN_NOT_ALLOWED");
  });

  it("a registration for the wrong origin, RP ID, challenge or without UV: 400 REGISTRATION_INVALID, and the code burns after five", async () => {
    const employee = await createEmployee(admin);
    const code = await issueCode(admin, employee.id);
    const ip = freshIp();
    const bad = [
      { origin: "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
      { rpId: "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
      { flags: FLAGS.UP | FLAGS.AT },
    ];
    for (const overrides of bad) {
      const flow = await start(code, ip);
      const response = await new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN).register(flow.options, overrides);
      expectError(await enroll("verify", { flowId: flow.flowId, code, response }, ip), 400, "REGISTRATION_INVALID");
    }
    for (let i = 0; i < 2; i++) {
      const flow = await start(code, ip);
      const response = await new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN).register({ challenge: "d3JvbmctY2hhbGxlbmdl" });
      expectError(await enroll("verify", { flowId: flow.flowId, code, response }, ip), 400, "REGISTRATION_INVALID");
    }
    // Five failures: the code is burnt even for a correct attempt.
    expectError(await enroll("options", { code }, freshIp()), 404, "ENROLLMENT_CODE_INVALID");
  });

  it("a flow cannot be verified twice", async () => {
    const employee = await createEmployee(admin);
    const code = await issueCode(admin, employee.id);
    const flow = await start(code);
    const response = await new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN).register(flow.options, { flags: FLAGS.UP | FLAGS.AT });
    expectError(await enroll("verify", { flowId: flow.flowId, code, response }, flow.ip), 400, "REGISTRATION_INVALID");
    const good = await new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN).register(flow.options);
    expectError(await enroll("verify", { flowId: flow.flowId, code, response: good }, flow.ip), 400, "REGISTRATION_INVALID");
  });

  it("wrong codes are limited per address: the 11th look-up within 15 minutes gets 429 RATE_LIMITED with Retry-After", async () => {
    await awayFromWindowEdge();
    const ip = freshIp();
    for (let i = 0; i < 10; i++) {
      expectError(await enroll("options", { code: `WRONG-${i}` }, ip), 404, "ENROLLMENT_CODE_INVALID");
    }
    const limited = await enroll("options", { code: "WRONG-11" }, ip);
    expectError(limited, 429, "RATE_LIMITED");
    const retryAfter = Number(limited.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Even a right code waits; another address is not affected.
    const code = await issueCode(admin, (await createEmployee(admin)).id);
    expectError(await enroll("options", { code }, ip), 429, "RATE_LIMITED");
    expect((await enroll("options", { code }, freshIp())).status).toBe(200);
  });

  it("sixty wrong codes at once from one address: only ten are looked up", async () => {
    await awayFromWindowEdge();
    const ip = freshIp();
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => enroll("options", { code: `PARALLEL-${i}` }, ip)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 404)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50);
  });

  it("rotating addresses inside one IPv6 /64 is one address", async () => {
    await awayFromWindowEdge();
    for (let i = 0; i < 10; i++) {
      expectError(await enroll("options", { code: `WRONG-${i}` }, `2001:db8:5:6::${(i + 1).toString(16)}`), 404, "ENROLLMENT_CODE_INVALID");
    }
    expectError(await enroll("options", { code: "WRONG-X" }, "2001:db8:5:6:abcd::1"), 429, "RATE_LIMITED");
    expectError(await enroll("options", { code: "WRONG-X" }, "2001:db8:5:7::1"), 404, "ENROLLMENT_CODE_INVALID");
  });

  it("a whole office behind one address enrols all day: 200 employees with valid codes, and a few typos", async () => {
    const ip = "203.0.113.99";
    const employees = await Promise.all(Array.from({ length: 200 }, () => createEmployee(admin)));
    for (const [i, employee] of employees.entries()) {
      if (i % 50 === 0) expectError(await enroll("options", { code: "TYPO-TYPO" }, ip), 404, "ENROLLMENT_CODE_INVALID");
      const code = await issueCode(admin, employee.id);
      const flow = await start(code, ip);
      const response = await new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN).register(flow.options);
      const verify = await enroll("verify", { flowId: flow.flowId, code, response }, ip);
      expect(verify.status).toBe(201);
    }
  }, 120_000);

  it("wrong codes from everyone together have a budget: once spent, an address that has guessed wrong waits, a new one still gets through", async () => {
    await awayFromWindowEdge();
    const { ENROLLMENT_FAILURES, SECURITY_WINDOW_MS } = await import("../../worker/services/security");
    // As if 300 wrong codes had come from all over this window, one of them from 100.64.0.1.
    const windowStart = Date.now() - (Date.now() % SECURITY_WINDOW_MS);
    const seed = (source: string, count: number) =>
      env.DB.prepare(
        `INSERT INTO security_events (window_start, source, action, count, first_at, last_at, sample) VALUES (?, ?, 'security.enrollment_code_invalid', ?, 0, 0, '{}')
         ON CONFLICT (window_start, source, action) DO UPDATE SET count = excluded.count`,
      )
        .bind(windowStart, source, count)
        .run();
    await seed("*", ENROLLMENT_FAILURES.everyone);
    await seed("100.64.0.1", 1);
    expectError(await enroll("options", { code: "GUESS-MORE" }, "100.64.0.1"), 429, "RATE_LIMITED");
    const code = await issueCode(admin, (await createEmployee(admin)).id);
    expect((await enroll("options", { code }, "100.64.1.1")).status).toBe(200);
    // A new address's first wrong code is still looked up, once.
    expectError(await enroll("options", { code: "FIRST-TRY" }, "100.64.2.1"), 404, "ENROLLMENT_CODE_INVALID");
    expectError(await enroll("options", { code: "SECOND-TRY" }, "100.64.2.1"), 429, "RATE_LIMITED");
    // And without a client address at all, only the global budget stands: it is spent.
    expectError(await call("POST", "/api/enroll/options", { body: { code: "GUESS-NOIP" }, origin: EXT_ORIGIN }), 429, "RATE_LIMITED");
    // The window is over for the tests that follow.
    await env.DB.prepare("DELETE FROM security_events WHERE action = 'security.enrollment_code_invalid'").run();
  });

  it("codes are stored as an HMAC with the server's secret: the plain SHA-256 of a code is nowhere in the database", async () => {
    const employee = await createEmployee(admin);
    const code = await issueCode(admin, employee.id);
    const normalized = code.toUpperCase().replace(/[^A-Z0-9]/g, "");
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(normalized)));
    const plain = btoa(String.fromCharCode(...digest)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const stored = await env.DB.prepare("SELECT code_hash FROM enrollment_codes WHERE employee_id = ?").bind(employee.id).first<{ code_hash: string }>();
    expect(stored!.code_hash).not.toBe(plain);
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(env.NONCE_SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`enrollment-code.${normalized}`)));
    expect(stored!.code_hash).toBe(btoa(String.fromCharCode(...mac)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""));
    // And the code still works.
    expect((await enroll("options", { code }, freshIp())).status).toBe(200);
  });

  it("one code cannot pile up open enrolment flows", async () => {
    const code = await issueCode(admin, (await createEmployee(admin)).id);
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect((await enroll("options", { code }, ip)).status).toBe(200);
    expectError(await enroll("options", { code }, ip), 429, "RATE_LIMITED");
  });

  it("the device limit (3 by default): 409 DEVICE_LIMIT_REACHED; a revoked device frees a place", async () => {
    const employee = await createEmployee(admin);
    for (let i = 0; i < 3; i++) await enrolDevice(admin, employee.id);
    const code = await issueCode(admin, employee.id);
    const flow = await start(code);
    const response = await new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN).register(flow.options);
    expectError(await enroll("verify", { flowId: flow.flowId, code, response }, flow.ip), 409, "DEVICE_LIMIT_REACHED");
    const devices = await adminCall(admin, "GET", `/api/admin/employees/${employee.id}/devices`);
    await adminCall(admin, "DELETE", `/api/admin/devices/${devices.json.items[0].id}`);
    await enrolDevice(admin, employee.id);
  });

  it("answers the company's location precision, so the first punch is rounded like the rest", async () => {
    expect((await enrolDevice(admin, (await createEmployee(admin)).id)).locationPrecision).toBe(4);
    expect((await adminCall(admin, "PATCH", "/api/admin/settings", { locationPrecision: 2 })).status).toBe(200);
    try {
      expect((await enrolDevice(admin, (await createEmployee(admin)).id)).locationPrecision).toBe(2);
    } finally {
      await adminCall(admin, "PATCH", "/api/admin/settings", { locationPrecision: 4 });
    }
  });

  it("records the employee's consent and the enrolment in the audit log", async () => {
    const employee = await createEmployee(admin);
    await enrolDevice(admin, employee.id);
    const row = await env.DB.prepare("SELECT consent_at FROM employees WHERE id = ?").bind(employee.id).first<{ consent_at: number }>();
    expect(row!.consent_at).toEqual(expect.any(Number));
    const audit = await env.DB.prepare("SELECT data FROM audit_log WHERE action = 'device.enrolled' AND actor_id = ?").bind(employee.id).first<{ data: string }>();
    // The device's label is the employee's own words: the log, kept for good, names it without holding it.
    expect(JSON.parse(audit!.data)).toMatchObject({ kind: "extension", consent: true, withheld: ["label"] });
    expect(audit!.data).not.toContain("Work laptop");
  });
});

describe("console enrolment", () => {
  it("a registration made for another hostname is refused", async () => {
    const manager = await createEmployee(admin, { role: "manager" });
    const code = await issueCode(admin, manager.id, "console");
    const options = await call("POST", "/api/console/enroll/options", { body: { code }, origin: CONSOLE_ORIGIN });
    const response = await new SoftAuthenticator("evil.example", "https://evil.example").register(options.json.options);
    const res = await call("POST", "/api/console/enroll/verify", { body: { flowId: options.json.flowId, code, response }, origin: CONSOLE_ORIGIN });
    expectError(res, 400, "REGISTRATION_INVALID");
  });
});
