import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { createDb } from "../../worker/db/client";
import { auditLog } from "../../worker/db/schema";
import { GENESIS, entryHash, sealAuditLog } from "../../worker/services/audit";
import { runMaintenance } from "../../worker/services/maintenance";
import { asc } from "drizzle-orm";
import {
  CONSOLE_ORIGIN,
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
} from "./helpers";

async function runScheduled() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/15 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

let admin: Admin;

it("the scheduled handler seals the audit log into a hash chain and drops expired sign-in flows", async () => {
  admin = await setUpFirstAdmin();
  const device = await enrolDevice(admin, (await createEmployee(admin)).id);
  await call("POST", "/api/punches", { body: await sign(device, makePunch(device, { nonce: await nonce() })) });
  await env.DB.prepare("INSERT INTO webauthn_flows (id, kind, challenge, origin, created_at, expires_at) VALUES ('old', 'console_login', 'x', 'o', 0, 1)").run();
  await env.DB.prepare("INSERT INTO spent_challenges (challenge, expires_at) VALUES ('old', 1)").run();
  // A window of security events that closed long ago becomes one audit entry with its count.
  await env.DB.prepare(
    "INSERT INTO security_events (window_start, source, action, count, first_at, last_at, sample) VALUES (0, '192.0.2.9', 'security.assertion_invalid', 7, 1, 2, '{}')",
  ).run();

  await runScheduled();
  expect(await env.DB.prepare("SELECT count(*) AS n FROM spent_challenges").first("n")).toBe(0);
  expect(await env.DB.prepare("SELECT count(*) AS n FROM security_events WHERE window_start = 0").first("n")).toBe(0);
  const flushed = await env.DB.prepare("SELECT data, hash FROM audit_log WHERE action = 'security.assertion_invalid' AND subject_id = '192.0.2.9'").first<{ data: string; hash: string }>();
  expect(JSON.parse(flushed!.data)).toMatchObject({ count: 7, windowStart: 0 });
  expect(flushed!.hash).toEqual(expect.any(String));
  const db = createDb(env.DB);
  const entries = await db.select().from(auditLog).orderBy(asc(auditLog.seq));
  expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(["setup.completed", "device.enrolled", "punch.recorded"]));
  let prev = GENESIS;
  for (const entry of entries) {
    expect(entry.prevHash).toBe(prev);
    expect(entry.hash).toBe(await entryHash(prev, entry));
    prev = entry.hash!;
  }
  expect(await env.DB.prepare("SELECT count(*) AS n FROM webauthn_flows WHERE id = 'old'").first("n")).toBe(0);

  // New entries continue the chain from the last sealed one.
  await call("POST", "/api/punches", { body: await sign(device, makePunch(device, { nonce: await nonce() })) });
  await runScheduled();
  const last = (await db.select().from(auditLog).orderBy(asc(auditLog.seq)))[entries.length];
  expect(last!.prevHash).toBe(prev);
  // An edited entry no longer matches its hash.
  expect(await entryHash(last!.prevHash!, { ...last!, action: "punch.deleted" })).not.toBe(last!.hash);
});

/** A statement run straight on D1, as someone with database access would; the error text when refused. */
async function tamper(statement: string, ...values: unknown[]): Promise<string | null> {
  try {
    await env.DB.prepare(statement).bind(...values).run();
    return null;
  } catch (err) {
    return String(err);
  }
}

it("a step that fails makes the scheduled run fail, after the other steps ran", async () => {
  await env.DB.prepare("INSERT INTO spent_challenges (challenge, expires_at) VALUES ('stale', 1)").run();
  await env.DB.prepare("INSERT INTO audit_log (at, actor_type, action) VALUES (1, 'system', 'test.unsignable')").run();
  const ctx = createExecutionContext();
  const run = worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/15 * * * *" }), { ...env, RECEIPT_KEY: "{}" }, ctx);
  await expect(run).rejects.toThrow(/seal failed/);
  expect(await env.DB.prepare("SELECT count(*) AS n FROM spent_challenges").first("n")).toBe(0);
  await runScheduled();
});

describe("the audit log is append-only in the database itself", () => {
  it("a delete is refused, sealed or not", async () => {
    const [{ seq: sealedSeq }] = (await env.DB.prepare("SELECT seq FROM audit_log WHERE hash IS NOT NULL ORDER BY seq LIMIT 1").all<{ seq: number }>()).results as [{ seq: number }];
    expect(await tamper("DELETE FROM audit_log WHERE seq = ?", sealedSeq)).toMatch(/append-only/);
    expect(await tamper("DELETE FROM audit_log")).toMatch(/append-only/);
  });

  it("an edit is refused, also of an unsealed entry; only sealing an unsealed entry goes through", async () => {
    const sealed = await env.DB.prepare("SELECT seq FROM audit_log WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1").first<{ seq: number }>();
    expect(await tamper("UPDATE audit_log SET action = 'punch.deleted' WHERE seq = ?", sealed!.seq)).toMatch(/append-only|sealed in order/);
    expect(await tamper("UPDATE audit_log SET hash = 'x', prev_hash = 'y' WHERE seq = ?", sealed!.seq)).toMatch(/append-only|sealed in order/);
    await env.DB.prepare("INSERT INTO audit_log (at, actor_type, action) VALUES (1, 'system', 'test.unsealed')").run();
    const unsealed = await env.DB.prepare("SELECT seq FROM audit_log WHERE action = 'test.unsealed'").first<{ seq: number }>();
    expect(await tamper("UPDATE audit_log SET data = '{\"x\":1}' WHERE seq = ?", unsealed!.seq)).toMatch(/append-only|sealed in order/);
    expect(await tamper("UPDATE audit_log SET action = 'test.other', hash = 'h', prev_hash = 'p' WHERE seq = ?", unsealed!.seq)).toMatch(/append-only|sealed in order/);
    await runScheduled();
    expect((await env.DB.prepare("SELECT hash FROM audit_log WHERE seq = ?").bind(unsealed!.seq).first<{ hash: string }>())!.hash).toEqual(expect.any(String));
  });

  it("each seal signs a checkpoint of the chain's head with the receipt key, and checkpoints cannot be changed", async () => {
    await env.DB.prepare("INSERT INTO audit_log (at, actor_type, action) VALUES (2, 'system', 'test.checkpointed')").run();
    await runScheduled();
    const head = await env.DB.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").first<{ seq: number; hash: string }>();
    const checkpoint = await env.DB.prepare("SELECT * FROM audit_checkpoints ORDER BY seq DESC LIMIT 1").first<Record<string, string | number>>();
    expect(checkpoint).toMatchObject({ seq: head!.seq, hash: head!.hash });
    expect(JSON.parse(checkpoint!.payload as string)).toMatchObject({ seq: head!.seq, hash: head!.hash, sealed: expect.any(Number) });
    const jwk = (await call("GET", "/api/receipts/key")).json;
    expect(checkpoint!.kid).toBe(jwk.kid);
    const key = await crypto.subtle.importKey("jwk", { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    const signature = Uint8Array.from(atob((checkpoint!.signature as string).replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
    expect(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, new TextEncoder().encode(checkpoint!.payload as string))).toBe(true);
    // Cutting the newest entries would leave the chain short of its signed head; and checkpoints stay put.
    expect(await tamper("DELETE FROM audit_checkpoints")).toMatch(/append-only/);
    expect(await tamper("UPDATE audit_checkpoints SET seq = seq - 1")).toMatch(/append-only/);
    // The next run's checkpoint names the new head (each run audits its retention work).
    await runScheduled();
    const newHead = await env.DB.prepare("SELECT max(seq) AS seq FROM audit_log").first<{ seq: number }>();
    expect(await env.DB.prepare("SELECT max(seq) AS seq FROM audit_checkpoints").first()).toEqual(newHead);
  });
});

describe("nothing gets past the triggers", () => {
  it("INSERT OR REPLACE of an entry or a checkpoint, and an entry that arrives sealed, are refused", async () => {
    const first = await env.DB.prepare("SELECT * FROM audit_log WHERE hash IS NOT NULL ORDER BY seq LIMIT 1").first<Record<string, unknown>>();
    expect(
      await tamper(
        "INSERT OR REPLACE INTO audit_log (seq, at, actor_type, action, prev_hash, hash) VALUES (?, ?, ?, 'punch.deleted', ?, ?)",
        first!.seq,
        first!.at,
        first!.actor_type,
        first!.prev_hash,
        first!.hash,
      ),
    ).toMatch(/append-only/);
    expect(await tamper("REPLACE INTO audit_log (seq, at, actor_type, action) VALUES (?, 1, 'system', 'x')", first!.seq)).toMatch(/append-only/);
    expect(await tamper("INSERT INTO audit_log (seq, at, actor_type, action, prev_hash, hash) VALUES (-1, 1, 'system', 'x', 'p', 'h')")).toMatch(/append-only/);
    const checkpoint = await env.DB.prepare("SELECT * FROM audit_checkpoints LIMIT 1").first<Record<string, unknown>>();
    expect(
      await tamper("REPLACE INTO audit_checkpoints (seq, hash, at, sealed, payload, signature, kid) VALUES (?, 'x', 1, 1, '{}', 'x', 'x')", checkpoint!.seq),
    ).toMatch(/append-only/);
    expect(await env.DB.prepare("SELECT action FROM audit_log WHERE seq = ?").bind(first!.seq).first()).toEqual({ action: first!.action });
  });

  it("a seal from a stale head is refused by the database, and sealers running at once keep one chain", async () => {
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
       INSERT INTO audit_log (at, actor_type, action) SELECT i, 'system', 'test.concurrent' FROM n`,
    ).run();
    const next = await env.DB.prepare("SELECT seq FROM audit_log WHERE hash IS NULL ORDER BY seq LIMIT 1 OFFSET 1").first<{ seq: number }>();
    // Sealing the second unsealed entry before the first: its link cannot be right.
    expect(await tamper("UPDATE audit_log SET prev_hash = 'stale', hash = 'h' WHERE seq = ?", next!.seq)).toMatch(/sealed in order/);
    const db = createDb(env.DB);
    const runs = await Promise.all([0, 1, 2].map(() => sealAuditLog(db, env.RECEIPT_KEY, { now: Date.now() })));
    expect(runs.reduce((n, r) => n + r.sealed, 0)).toBeGreaterThanOrEqual(1500);
    const entries = await db.select().from(auditLog).orderBy(asc(auditLog.seq));
    let prev = GENESIS;
    for (const entry of entries) {
      expect(entry.prevHash).toBe(prev);
      prev = entry.hash!;
    }
    expect(entries[entries.length - 1]!.hash).toBe(await entryHash(entries[entries.length - 1]!.prevHash!, entries[entries.length - 1]!));
  });
});

describe("sealing keeps up", () => {
  it("a backlog of 12,000 entries is sealed in one run (the cron used to seal 500), in order, and the chain holds", async () => {
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)
       INSERT INTO audit_log (at, actor_type, action, data) SELECT i, 'system', 'test.backlog', json_object('i', i) FROM n`,
    ).run();
    const report = await runMaintenance(createDb(env.DB), env, Date.now());
    expect(report).toMatchObject({ failed: [], seal: { drained: true } });
    expect(report.seal!.sealed).toBeGreaterThanOrEqual(12_000);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE hash IS NULL").first()).toEqual({ n: 0 });
    const entries = await createDb(env.DB).select().from(auditLog).orderBy(asc(auditLog.seq));
    let prev = GENESIS;
    for (const entry of entries) {
      expect(entry.prevHash).toBe(prev);
      prev = entry.hash!;
    }
    // Spot-check hashes (all 12,000 would take a while): the first, the middle, the last.
    for (const entry of [entries[0]!, entries[Math.floor(entries.length / 2)]!, entries[entries.length - 1]!]) {
      expect(entry.hash).toBe(await entryHash(entry.prevHash!, entry));
    }
  }, 120_000);

  it("a run with a spent time budget says how far it got, and the next run carries on from there", async () => {
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
       INSERT INTO audit_log (at, actor_type, action) SELECT i, 'system', 'test.budget' FROM n`,
    ).run();
    const partial = await sealAuditLog(createDb(env.DB), env.RECEIPT_KEY, { now: Date.now(), budgetMs: 0 });
    expect(partial).toMatchObject({ sealed: 0, drained: false });
    const full = await sealAuditLog(createDb(env.DB), env.RECEIPT_KEY, { now: Date.now() });
    expect(full).toMatchObject({ sealed: 1200, drained: true });
  });
});

describe("maintenance on demand", () => {
  it("admins run it (locally, wrangler dev cannot fire the cron of a Worker that serves static assets); managers and auditors get 403", async () => {
    await env.DB.prepare("INSERT INTO audit_log (at, actor_type, action) VALUES (3, 'system', 'test.on_demand')").run();
    const res = await adminCall(admin, "POST", "/api/admin/maintenance");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ failed: [], seal: { drained: true } });
    expect(await env.DB.prepare("SELECT hash FROM audit_log WHERE action = 'test.on_demand'").first("hash")).toEqual(expect.any(String));
    for (const role of ["manager", "auditor"]) {
      const person = await createEmployee(admin, { role });
      const session = await consoleSessionFor(admin, person.id);
      expectError(await adminCall(session, "POST", "/api/admin/maintenance"), 403, "FORBIDDEN");
    }
    expectError(await call("POST", "/api/admin/maintenance", { origin: CONSOLE_ORIGIN }), 401, "UNAUTHENTICATED");
  });
});
