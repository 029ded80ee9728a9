/**
 * `npm run verify` against a real local Worker: honest data (several employees, online and
 * offline punches, a reviewed flagged punch, a punch whose signed JSON retention erased, a manual
 * punch, an approved correction) verifies with 0 failures; then each tampering an attacker with
 * database access could do, made with `wrangler d1 execute` on a copy of that database while the
 * Worker is stopped, is reported on its own, naming the punch or the audit entry.
 */
import { spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEntryRecord, PunchRecord } from "../../shared/api";
import { type Punch, punchChallengeBase64Url } from "../../shared/punch";
import { addDays, zonedInstant } from "../../shared/schedule";
import { localDate } from "../../shared/time";
import { type Failure, type VerifyReport, verifyWorker } from "../../tools/verify/main";
import { type Admin, Api, type Employee, createEnrolledEmployee, setUpFirstAdmin } from "../support/api-client";
import { DevServer, type DevServerOptions, ROOT, buildWorker, freePort, stopAll, wranglerRun } from "../support/wrangler";

const ZONE = "Europe/Berlin";
const ADMIN_IP = "10.255.255.253";
const HOUR = 3_600_000;

let tmp: string;
let log: string;
/** The honest database; every tampering works on a copy of it. */
let honestState: string;
let baseOptions: Omit<DevServerOptions, "port" | "persistTo">;
let server: DevServer | undefined;
let api: Api;
let admin: Admin;
let consoleOrigin: string;
let extensionOrigin: string;
let apiKey: string;
let employees: Employee[];
/** The honest records as the admin API lists them, to pick what to tamper with. */
let punches: PunchRecord[];
let audit: AuditEntryRecord[];
/** A manual punch that retention moved to an archived month (R2). */
let archivedPunchId: string;
const timings: string[] = [];

const asAdmin = () => ({ cookie: admin.cookie, origin: consoleOrigin, ip: ADMIN_IP });

/** A punch as the extension builds it, signed by the employee's passkey: online with a fresh nonce, offline without one. */
async function sign(employee: Employee, kind: "in" | "out", opts: { nonce: string | null; clientTime: number }) {
  const punch: Punch = {
    v: 1,
    id: uuidv7(),
    employeeId: employee.id,
    credentialId: employee.credentialId,
    kind,
    clientTime: opts.clientTime,
    tz: ZONE,
    nonce: opts.nonce,
    geo: { lat: 52.52 + employee.index / 1000, lon: 13.405, accuracy: 25 },
  };
  return { punch, assertion: await employee.passkey.assert({ challenge: await punchChallengeBase64Url(punch) }) };
}

async function punchOnline(employee: Employee, kind: "in" | "out") {
  const { nonce } = (await api.expect(200, "GET", "/api/punch/nonce", { ip: employee.ip })).json;
  const res = await api.expect(201, "POST", "/api/punches", { body: await sign(employee, kind, { nonce, clientTime: Date.now() }), origin: extensionOrigin, ip: employee.ip });
  return res.json as { punch: PunchRecord; session?: { token: string } };
}

/** Punches queued offline (no nonce), sent later through the batch route as the extension does. */
async function punchOffline(employee: Employee, items: { kind: "in" | "out"; ago: number }[]) {
  const body = { items: await Promise.all(items.map((i) => sign(employee, i.kind, { nonce: null, clientTime: Date.now() - i.ago }))) };
  const res = await api.expect(200, "POST", "/api/punches/batch", { body, origin: extensionOrigin, ip: employee.ip });
  for (const r of res.json.results) expect(r.status).toBe(201);
  return res.json.results.map((r: { punch: PunchRecord }) => r.punch) as PunchRecord[];
}

async function startOn(persistTo: string) {
  server = await DevServer.start({ ...baseOptions, port: await freePort(), persistTo });
  return server;
}

async function stopServer() {
  await server?.stop();
  server = undefined;
}

/** Every punch and audit entry as the admin API lists them. */
async function listRecords() {
  const all: PunchRecord[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: PunchRecord[]; nextCursor: string | null } = (await api.expect(200, "GET", `/api/admin/punches?limit=200${cursor ? `&cursor=${cursor}` : ""}`, asAdmin())).json;
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const entries: AuditEntryRecord[] = (await api.expect(200, "GET", "/api/admin/audit?limit=500", asAdmin())).json.items;
  return { punches: all, audit: entries };
}

async function verify(url: string, range: { from?: number; to?: number } = {}): Promise<VerifyReport> {
  const report = await verifyWorker({ url, apiKey, ...range });
  timings.push(`${report.punches.checked} punches, ${report.audit.entries} audit entries: ${report.timings.downloadMs.toFixed(0)} ms download, ${report.timings.checkMs.toFixed(0)} ms check`);
  return report;
}

/** `npm run verify` as a person runs it: its exit code and what it printed. */
function runCli(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "verify", "--", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, output }));
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "clockwork-verify-e2e-"));
  log = join(tmp, "wrangler.log");
  // A bundle made once: people editing worker/ meanwhile cannot reload the Worker mid-test.
  mkdirSync(join(ROOT, "worker/console/dist"), { recursive: true });
  const bundle = await buildWorker("wrangler.toml", join(tmp, "build"), log);
  const assets = join(tmp, "assets");
  mkdirSync(assets);
  honestState = join(tmp, "honest");
  await wranglerRun(["d1", "migrations", "apply", "DB", "--local", "--persist-to", honestState, "--config", "wrangler.toml"], log);
  const setupToken = randomBytes(16).toString("base64url");
  const envFile = join(tmp, "worker.env");
  writeFileSync(
    envFile,
    [
      `SETUP_TOKEN=${setupToken}`,
      `NONCE_SECRET=${randomBytes(32).toString("base64url")}`,
      `RECEIPT_KEY='${JSON.stringify(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }))}'`,
      "IP_GEO_SOURCE=none",
    ].join("\n") + "\n",
    { mode: 0o600 },
  );
  const port = await freePort();
  consoleOrigin = `http://localhost:${port}`;
  extensionOrigin = readFileSync(join(ROOT, "wrangler.toml"), "utf8").match(/EXTENSION_ORIGINS\s*=\s*"([^",]+)/)![1]!;
  baseOptions = { config: "wrangler.toml", bundle, assets, envFile, vars: { CONSOLE_ORIGIN: consoleOrigin }, logFile: log, healthPath: "/api/health" };
  server = await DevServer.start({ ...baseOptions, port, persistTo: honestState });
  api = new Api(server.url);
  admin = await setUpFirstAdmin(api, setupToken, consoleOrigin);

  employees = [];
  for (let i = 0; i < 3; i++) employees.push(await createEnrolledEmployee(api, admin, consoleOrigin, extensionOrigin, i));
  const [ana, ben, chen] = employees as [Employee, Employee, Employee];

  // Queued offline: flagged (the device clock is all there is to their time).
  const [anaLate] = await punchOffline(ana, [{ kind: "in", ago: 3 * HOUR }]);
  await punchOffline(ben, [
    { kind: "in", ago: 5 * HOUR },
    { kind: "out", ago: 4 * HOUR },
  ]);
  // Older than a day: retention will erase its location and signed JSON.
  await punchOffline(chen, [{ kind: "in", ago: 30 * HOUR }]);
  await punchOnline(ana, "in");
  await punchOnline(ben, "in");
  const chenOnline = await punchOnline(chen, "in");
  await punchOnline(ana, "out");
  await punchOnline(ben, "out");
  await punchOnline(chen, "out");

  // A reviewer accepts a flagged punch.
  expect(anaLate!.status).toBe("flagged");
  await api.expect(200, "POST", `/api/admin/punches/${anaLate!.id}/review`, { ...asAdmin(), body: { decision: "accept", comment: "Train without signal" } });
  // An admin enters a missed punch.
  await api.expect(201, "POST", "/api/admin/punches", { ...asAdmin(), body: { employeeId: ben.id, kind: "out", time: Date.now() - 2 * HOUR, reason: "Left in a hurry, forgot to punch" } });
  // An employee asks for a correction and the admin approves it.
  const date = addDays(localDate(Date.now(), ZONE), -1);
  // The employee's session comes with their online punch; Api has no bearer header, so by hand.
  const token = chenOnline.session?.token;
  expect(token).toBeTruthy();
  const correction = await fetch(`${api.base}/api/me/corrections`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, Origin: extensionOrigin, "CF-Connecting-IP": chen.ip },
    body: JSON.stringify({ date, kind: "out", time: zonedInstant(date, "17:00", ZONE), reason: "Laptop battery died" }),
  });
  expect(correction.status, await correction.clone().text()).toBe(201);
  const { correction: filedCorrection } = (await correction.json()) as { correction: { id: string } };
  await api.expect(200, "POST", `/api/admin/corrections/${filedCorrection.id}/decision`, { ...asAdmin(), body: { approve: true, comment: "Seen on the door log" } });

  // A punch entered long after the fact: its month is old enough for retention to archive it.
  const archivedEntry = await api.expect(201, "POST", "/api/admin/punches", {
    ...asAdmin(),
    body: { employeeId: ana.id, kind: "in", time: Date.now() - 100 * 24 * HOUR, reason: "Paper timesheet from the spring" },
  });
  archivedPunchId = archivedEntry.json.punch.id;

  // Retention as the scheduled handler runs it: locations and IPs kept one day, punches one month
  // (a month goes to R2 only once it is past all three).
  await api.expect(200, "PATCH", "/api/admin/settings", { ...asAdmin(), body: { retention: { locationDays: 1, ipDays: 1, punchMonths: 1 } } });
  const maintenance = await api.expect(200, "POST", "/api/admin/maintenance", asAdmin());
  expect(maintenance.json.retention.locationErased).toBe(1);
  expect(maintenance.json.retention.archived).toMatchObject({ punches: 1 });

  apiKey = (await api.expect(201, "POST", "/api/admin/api-keys", { ...asAdmin(), body: { label: "Outside auditor", role: "auditor" } })).json.key;
  ({ punches, audit } = await listRecords());
}, 600_000);

afterAll(async () => {
  if (timings.length) console.log(`\nVerifier timings (printed, not asserted):\n  ${timings.join("\n  ")}\n`);
  await stopServer();
  // A Worker still starting when a test timed out.
  await stopAll();
  if (tmp && !process.env.KEEP_VERIFY_STATE) rmSync(tmp, { recursive: true, force: true });
}, 60_000);

describe("npm run verify on honest records", () => {
  it("checks every punch and the whole audit chain and finds nothing wrong", async () => {
    const report = await verify(server!.url);
    expect(report.failures).toEqual([]);
    // The punches in D1 and the archived one; of them, one whose signed JSON retention erased, two
    // manual punches and a correction entered by people, and one reviewed.
    expect(punches.some((p) => p.id === archivedPunchId)).toBe(false);
    expect(report.punches).toMatchObject({ checked: punches.length + 1, redacted: 1, entered: 3, reviewed: 1, archived: 1 });
    expect(report.punches.signed).toBe(punches.length - 3);
    expect(report.audit.sealed).toBe(report.audit.entries);
    expect(report.audit.pending).toBe(0);
  });

  it("exits 0 and prints its summary when run from the command line", async () => {
    const { code, output } = await runCli(["--url", server!.url, "--api-key", apiKey]);
    expect(output).toContain("OK: 0 failures");
    expect(output).toContain(`punches: ${punches.length + 1} checked`);
    expect(code).toBe(0);
  });

  it("checks a range: the punches in it, and every punch the log records as received in it still exists", async () => {
    const report = await verify(server!.url, { from: Date.now() - 1.5 * HOUR });
    expect(report.failures).toEqual([]);
    expect(report.punches.checked).toBeGreaterThan(0);
    expect(report.punches.checked).toBeLessThan(punches.length);
  });
});

/** The SQL of one trigger as its migration created it, to put it back after the tampering. */
function triggerSql(migration: string, name: string): string {
  const text = readFileSync(join(ROOT, "worker/db/migrations", migration), "utf8");
  const match = text.match(new RegExp(`CREATE TRIGGER \`${name}\`[\\s\\S]*?\\nEND;`));
  if (!match) throw new Error(`no trigger ${name} in ${migration}`);
  return match[0];
}

/** A copy of the honest database tampered with by `sql`, served by a fresh Worker, then verified. */
async function tampered(name: string, sql: string): Promise<VerifyReport> {
  await stopServer();
  const state = join(tmp, name);
  cpSync(honestState, state, { recursive: true });
  const file = join(tmp, `${name}.sql`);
  writeFileSync(file, sql);
  await wranglerRun(["d1", "execute", "DB", "--local", "--persist-to", state, "--config", "wrangler.toml", "--file", file], log);
  const started = await startOn(state);
  return verify(started.url);
}

const byKind = (failures: Failure[]) => failures.map((f) => f.kind).sort();
const deviceOf = (e: Employee) => punches.filter((p) => p.employeeId === e.id && (p.mode === "online" || p.mode === "offline"));
const pick = (e: Employee, mode: string, kind?: string) => {
  const found = punches.find((p) => p.employeeId === e.id && p.mode === mode && (!kind || p.kind === kind) && !p.review);
  if (!found) throw new Error(`no ${mode} ${kind ?? ""} punch of employee ${e.index}`);
  return found;
};
const entry = (action: string, subjectId: string) => {
  const found = audit.find((e) => e.action === action && e.subjectId === subjectId);
  if (!found) throw new Error(`no ${action} entry on ${subjectId}`);
  return found;
};

describe("npm run verify on tampered records (each on its own copy of the database)", () => {
  it("names a punch whose kind was changed", async () => {
    const target = pick(employees[0]!, "online", "in");
    const report = await tampered("kind", `UPDATE punches SET kind = 'out' WHERE id = '${target.id}';`);
    expect(report.failures.every((f) => f.punchId === target.id)).toBe(true);
    expect(byKind(report.failures)).toEqual(["audit-mismatch", "receipt-mismatch", "signed-mismatch"]);
    expect(report.failures.find((f) => f.kind === "signed-mismatch")!.message).toContain('kind is "out" in the record, "in" signed');
  }, 240_000);

  it("names a punch whose client time was changed", async () => {
    const target = pick(employees[1]!, "online", "out");
    const report = await tampered("client-time", `UPDATE punches SET client_time = client_time - 1800000 WHERE id = '${target.id}';`);
    expect(report.failures).toEqual([expect.objectContaining({ kind: "signed-mismatch", punchId: target.id, message: expect.stringContaining("client time") })]);
  }, 240_000);

  it("names a punch whose stored location was moved", async () => {
    const target = pick(employees[1]!, "online", "in");
    const report = await tampered("location", `UPDATE punches SET geo_lat = geo_lat + 0.05 WHERE id = '${target.id}';`);
    expect(report.failures).toEqual([expect.objectContaining({ kind: "signed-mismatch", punchId: target.id, message: expect.stringContaining("location") })]);
  }, 240_000);

  it("names a flagged punch made accepted without a review", async () => {
    const target = punches.find((p) => p.status === "flagged" && p.employeeId === employees[1]!.id)!;
    const report = await tampered("status", `UPDATE punches SET status = 'accepted' WHERE id = '${target.id}';`);
    expect(report.failures).toEqual([expect.objectContaining({ kind: "status-unexplained", punchId: target.id })]);
  }, 240_000);

  it("names a deleted punch and the audit entry that recorded it; the command exits 1", async () => {
    const target = pick(employees[0]!, "online", "out");
    const recorded = entry("punch.recorded", target.id);
    const report = await tampered("deleted", `DELETE FROM punches WHERE id = '${target.id}';`);
    expect(report.failures).toEqual([expect.objectContaining({ kind: "punch-deleted", punchId: target.id, seq: recorded.seq })]);
    const { code, output } = await runCli(["--url", server!.url, "--api-key", apiKey]);
    expect(output).toContain(`FAIL punch-deleted punch ${target.id}: entry #${recorded.seq} (punch.recorded)`);
    expect(code).toBe(1);
  }, 240_000);

  it("names an archived punch whose month is no longer in the archive", async () => {
    const entered = entry("punch.entered", archivedPunchId);
    const report = await tampered("archive-gone", "DELETE FROM archive_parts;");
    expect(report.failures).toEqual([expect.objectContaining({ kind: "punch-deleted", punchId: archivedPunchId, seq: entered.seq })]);
  }, 240_000);

  it("names an audit entry edited after sealing", async () => {
    const device = audit.find((e) => e.action === "device.enrolled" && e.actorId === employees[1]!.id)!;
    const report = await tampered(
      "audit-edited",
      [
        "DROP TRIGGER audit_log_seal_only;",
        `UPDATE audit_log SET data = json_set(data, '$.label', 'Some other laptop') WHERE seq = ${device.seq};`,
        triggerSql("0004_hardening.sql", "audit_log_seal_only"),
      ].join("\n"),
    );
    expect(report.failures).toEqual([expect.objectContaining({ kind: "audit-edited", seq: device.seq })]);
  }, 240_000);

  it("names an audit entry deleted from the chain", async () => {
    const created = entry("employee.created", employees[2]!.id);
    const report = await tampered(
      "audit-deleted",
      ["DROP TRIGGER audit_log_no_delete;", `DELETE FROM audit_log WHERE seq = ${created.seq};`, triggerSql("0004_hardening.sql", "audit_log_no_delete")].join("\n"),
    );
    expect(report.failures).toEqual([expect.objectContaining({ kind: "audit-deleted", seq: created.seq })]);
  }, 240_000);

  it("names the newest entries cut off the end of the chain: what is left is sound, but shorter than its signed head", async () => {
    const head = Math.max(...audit.map((e) => e.seq));
    const report = await tampered(
      "audit-cut",
      ["DROP TRIGGER audit_log_no_delete;", `DELETE FROM audit_log WHERE seq > ${head - 2};`, triggerSql("0004_hardening.sql", "audit_log_no_delete")].join("\n"),
    );
    expect(report.failures.some((f) => f.kind === "audit-cut" && (f.seq ?? 0) > head - 2)).toBe(true);
    expect(report.failures.filter((f) => f.kind.startsWith("audit-") && f.kind !== "audit-cut" && f.kind !== "audit-missing")).toEqual([]);
  }, 240_000);

  it("names every punch of a device whose public key was swapped", async () => {
    const [ana, , chen] = employees as [Employee, Employee, Employee];
    const report = await tampered(
      "key-swapped",
      `UPDATE devices SET public_key = (SELECT public_key FROM devices WHERE credential_id = '${ana.credentialId}') WHERE credential_id = '${chen.credentialId}';`,
    );
    const signedByChen = deviceOf(chen).map((p) => p.id).sort();
    expect(signedByChen).toHaveLength(3);
    expect(report.failures.map((f) => f.punchId).sort()).toEqual(signedByChen);
    expect(new Set(byKind(report.failures))).toEqual(new Set(["device-key"]));
  }, 240_000);
});
