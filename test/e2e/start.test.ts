/**
 * The acceptance path: `npm start` on a fresh copy of the repository, then a client
 * that knows only API.md (its own software passkeys, the setup token from .dev.vars, the
 * extension origin from wrangler.toml) does everything an integrator would, over real HTTP.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromBase64Url } from "../../shared/encoding";
import { punchChallengeBase64Url } from "../../shared/punch";
import { Api, type Admin, type Employee, createEnrolledEmployee, setUpFirstAdmin, signPunch } from "../support/api-client";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { ROOT, freePort } from "../support/wrangler";

let dir: string;
let child: ChildProcess;
let output = "";
let api: Api;
let consoleOrigin: string;
let extensionOrigin: string;
let admin: Admin;
let employee: Employee;

/** A fresh clone: the tracked files only (no .dev.vars, no local D1), with the installed node_modules. */
function freshCopy(): string {
  const target = mkdtempSync(join(tmpdir(), "clockwork-start-"));
  const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(ROOT, file))) continue;
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(ROOT, file), join(target, file));
  }
  symlinkSync(join(ROOT, "node_modules"), join(target, "node_modules"), "dir");
  return target;
}

function waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = output.match(pattern);
      if (match) {
        clearInterval(timer);
        resolve(match);
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`npm start exited (${child.exitCode}):\n${output.slice(-3000)}`));
      }
    }, 200);
    setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`npm start did not print ${pattern} within ${timeoutMs / 1000} s:\n${output.slice(-3000)}`));
    }, timeoutMs);
  });
}

beforeAll(async () => {
  dir = freshCopy();
  const port = await freePort();
  child = spawn(process.execPath, ["worker/start.mjs"], {
    cwd: dir,
    env: { ...process.env, PORT: String(port), NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  await waitFor(/Clockwork is running[\s\S]*Stop with Ctrl\+C/, 240_000);
  api = new Api(`http://127.0.0.1:${port}`);
  consoleOrigin = `http://localhost:${port}`;
  extensionOrigin = readFileSync(join(dir, "wrangler.toml"), "utf8").match(/EXTENSION_ORIGINS\s*=\s*"([^",]+)/)![1]!;
}, 300_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // already gone
        }
        resolve(undefined);
      }, 15_000);
      child.on("exit", () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

function setupToken(): string {
  return readFileSync(join(dir, ".dev.vars"), "utf8").match(/^SETUP_TOKEN=(.+)$/m)![1]!.trim();
}

describe("npm start on a fresh clone", () => {
  it("writes fresh secrets, prints the console URL, the setup token and the extension folder", () => {
    const token = setupToken();
    expect(token.length).toBeGreaterThanOrEqual(20);
    expect(output).toContain(`${consoleOrigin}/admin/`);
    expect(output).toContain(token);
    const folder = join(dir, "extension", ".output", "chrome-mv3");
    expect(output).toContain(folder);
    const manifest = JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8"));
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.key).toEqual(expect.any(String));
  });

  it("serves health, the OpenAPI document and the console", async () => {
    expect((await api.call("GET", "/api/health")).json).toEqual({ ok: true, version: expect.any(String) });
    expect((await api.call("GET", "/api/openapi.json")).json.openapi).toBe("3.1.0");
    const page = await fetch(`${api.base}/admin/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<div id=\"app\"");
  });

  it("lets an API-only client set up, enrol and punch online and offline", async () => {
    admin = await setUpFirstAdmin(api, setupToken(), consoleOrigin);
    employee = await createEnrolledEmployee(api, admin, consoleOrigin, extensionOrigin, 1);
    const nonce = (await api.call("GET", "/api/punch/nonce")).json.nonce;
    const online = await signPunch(employee, "in", nonce);
    const res = await api.call("POST", "/api/punches", { body: { punch: online.punch, assertion: online.assertion } });
    expect(res.status).toBe(201);
    expect(res.json.punch).toMatchObject({ mode: "online", status: "accepted" });

    // Offline: no nonce, signed an hour ago, delivered now through the batch route.
    const offline = await signPunch(employee, "out", "");
    offline.punch.nonce = null;
    offline.punch.clientTime = Date.now() - 3600_000;
    offline.assertion = await employee.passkey.assert({ challenge: await punchChallengeBase64Url(offline.punch) });
    const batch = await api.call("POST", "/api/punches/batch", { body: { items: [{ punch: offline.punch, assertion: offline.assertion }] } });
    expect(batch.json.results[0]).toMatchObject({ status: 201, punch: { mode: "offline", effectiveTime: offline.punch.clientTime } });

    // The receipt verifies with the published key.
    const key = (await api.call("GET", "/api/receipts/key")).json;
    const publicKey = await crypto.subtle.importKey("jwk", { kty: key.kty, crv: key.crv, x: key.x, y: key.y }, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    const { payload, signature } = res.json.receipt;
    expect(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, publicKey, fromBase64Url(signature), new TextEncoder().encode(payload))).toBe(true);

    const listed = await api.call("GET", `/api/admin/punches?employeeId=${employee.id}`, { cookie: admin.cookie });
    expect(listed.json.items.map((p: { id: string }) => p.id)).toEqual([online.punch.id, offline.punch.id]);
  });

  it("refuses forgeries with the codes of API.md", async () => {
    const nonce = (await api.call("GET", "/api/punch/nonce")).json.nonce;
    const signed = await signPunch(employee, "in", nonce);
    const tampered = await api.call("POST", "/api/punches", { body: { punch: { ...signed.punch, kind: "out" }, assertion: signed.assertion } });
    expect(tampered.json.error.code).toBe("ASSERTION_INVALID");
    const stranger = new SoftAuthenticator(extensionOrigin, extensionOrigin);
    await stranger.register({ challenge: "AAAA" });
    const unknown = await signPunch({ ...employee, passkey: stranger, credentialId: stranger.credentialId }, "in", nonce);
    const res = await api.call("POST", "/api/punches", { body: { punch: unknown.punch, assertion: unknown.assertion } });
    expect([res.status, res.json.error.code]).toEqual([403, "CREDENTIAL_UNKNOWN"]);
    const future = await signPunch(employee, "in", nonce);
    future.punch.clientTime = Date.now() + 10 * 60_000;
    future.assertion = await employee.passkey.assert({ challenge: await punchChallengeBase64Url(future.punch) });
    const late = await api.call("POST", "/api/punches", { body: { punch: future.punch, assertion: future.assertion } });
    expect([late.status, late.json.error.code]).toEqual([422, "CLOCK_OUT_OF_RANGE"]);
  });
});
