/**
 * The punch routes work without signing in, so every caller may be hostile. These tests replay
 * the attacks an outside review made against a live system and see each one refused or harmless.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { v7 as uuidv7 } from "uuid";
import { createDb } from "../../worker/db/client";
import { runMaintenance } from "../../worker/services/maintenance";
import { AUDITED_SOURCES_PER_WINDOW, CREDENTIAL_REFUSALS_PER_WINDOW, SECURITY_WINDOW_MS } from "../../worker/services/security";
import { SoftAuthenticator } from "../support/soft-authenticator";
import {
  EXT_ORIGIN,
  call,
  createEmployee,
  enrolDevice,
  expectError,
  makePunch,
  nonce,
  setUpFirstAdmin,
  sign,
  type Admin,
  type EnrolledDevice,
  awayFromWindowEdge,
} from "./helpers";

const MINUTE = 60_000;
let admin: Admin;
let alice: EnrolledDevice;

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  alice = await enrolDevice(admin, (await createEmployee(admin, { name: "Alice" })).id);
});

/** D1 rows a request read and wrote, from its Server-Timing header. */
function d1Rows(headers: Headers): { read: number; written: number } {
  const match = headers.get("Server-Timing")?.match(/d1-rows;desc="read=(\d+) written=(\d+)"/);
  if (!match) throw new Error("no d1-rows Server-Timing");
  return { read: Number(match[1]), written: Number(match[2]) };
}

async function count(sql: string, ...values: unknown[]): Promise<number> {
  return (await env.DB.prepare(sql).bind(...values).first<{ n: number }>())!.n;
}

/** A punch signed by a passkey nobody enrolled, naming a real employee. */
async function strangerItem(employeeId: string, fields: Record<string, unknown> = {}) {
  const stranger = new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN);
  await stranger.register({ challenge: "AAAA" });
  const device = { employeeId, passkey: stranger, token: "", locationPrecision: 4 };
  return sign(device, makePunch(device, { nonce: null, ...fields }));
}

const batch = (items: unknown[], ip: string) => call("POST", "/api/punches/batch", { body: { items }, headers: { "CF-Connecting-IP": ip } });

describe("a flood of refused punches", () => {
  it("ten 100-item batches of unknown credentials: one counted row, then 429 with Retry-After; the audit log gets one entry with the count", async () => {
    await awayFromWindowEdge();
    const ip = "203.0.113.50";
    const items = await Promise.all(Array.from({ length: 100 }, () => strangerItem(alice.employeeId)));
    const auditBefore = await count("SELECT count(*) AS n FROM audit_log");

    const first = await batch(items, ip);
    expect(first.status).toBe(200);
    expect(first.json.results.every((r: { status: number }) => r.status === 403)).toBe(true);
    const statuses = [];
    for (let i = 0; i < 9; i++) {
      const res = await batch(items, ip);
      statuses.push(res.status);
      if (res.status === 429) {
        expectError(res, 429, "RATE_LIMITED");
        const retryAfter = Number(res.headers.get("Retry-After"));
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(SECURITY_WINDOW_MS / 1000);
      }
    }
    expect(statuses).toEqual(new Array(9).fill(429));
    // The single route is refused for that source too.
    expectError(await call("POST", "/api/punches", { body: items[0], headers: { "CF-Connecting-IP": ip } }), 429, "RATE_LIMITED");

    // Nothing in the audit log yet, one counter row for the source.
    expect(await count("SELECT count(*) AS n FROM audit_log")).toBe(auditBefore);
    const rows = await env.DB.prepare("SELECT source, action, count FROM security_events WHERE source = ?").bind(ip).all();
    expect(rows.results).toEqual([{ source: ip, action: "security.credential_unknown", count: CREDENTIAL_REFUSALS_PER_WINDOW }]);

    // Once the window has closed, maintenance writes one entry with the count, and forgets the counter.
    const report = await runMaintenance(createDb(env.DB), env, Date.now() + SECURITY_WINDOW_MS);
    expect(report.failed).toEqual([]);
    const entries = await env.DB.prepare("SELECT action, subject_id, data, hash FROM audit_log WHERE subject_type = 'source' AND subject_id = ?").bind(ip).all<{
      action: string;
      data: string;
      hash: string | null;
    }>();
    expect(entries.results).toHaveLength(1);
    expect(entries.results[0]!.action).toBe("security.credential_unknown");
    expect(JSON.parse(entries.results[0]!.data)).toMatchObject({ count: CREDENTIAL_REFUSALS_PER_WINDOW, sample: { employeeId: alice.employeeId } });
    expect(entries.results[0]!.hash).not.toBeNull(); // sealed in the same run
    expect(await count("SELECT count(*) AS n FROM security_events WHERE source = ?", ip)).toBe(0);
  });

  it("a neighbour's forged punches never block an honest punch from the same address", async () => {
    await awayFromWindowEdge();
    const ip = "203.0.113.51";
    const items = await Promise.all(Array.from({ length: 100 }, () => strangerItem(alice.employeeId)));
    await batch(items, ip);
    expectError(await batch(items.slice(0, 5), ip), 429, "RATE_LIMITED");
    const honest = await call("POST", "/api/punches", { body: await sign(alice, makePunch(alice, { nonce: await nonce() })), headers: { "CF-Connecting-IP": ip } });
    expect(honest.status).toBe(201);
    // In one batch: the forged items wait, the signed one is recorded.
    const mixed = await batch([items[0], await sign(alice, makePunch(alice, { nonce: await nonce(), kind: "out" }))], ip);
    expect(mixed.status).toBe(200);
    expect(mixed.json.results.map((r: { status: number }) => r.status)).toEqual([429, 201]);
  });

  it("bad signatures are limited per passkey and address: past twenty, that passkey's punches from there wait unverified, others go on", async () => {
    await awayFromWindowEdge();
    const ip = "203.0.113.52";
    const carol = await enrolDevice(admin, (await createEmployee(admin, { name: "Carol" })).id);
    const forged = async () => {
      const signed = await sign(carol, makePunch(carol, { nonce: await nonce() }));
      return { ...signed, punch: { ...signed.punch, kind: "out" as const } };
    };
    const bad = await Promise.all(Array.from({ length: 20 }, forged));
    const first = await batch(bad, ip);
    expect(first.json.results.every((r: { status: number }) => r.status === 401)).toBe(true);
    expectError(await batch([await forged()], ip), 429, "RATE_LIMITED");
    // Alice's passkey from the same address, and Carol's from another, are not affected.
    expect((await call("POST", "/api/punches", { body: await sign(alice, makePunch(alice, { nonce: await nonce() })), headers: { "CF-Connecting-IP": ip } })).status).toBe(201);
    expect((await call("POST", "/api/punches", { body: await sign(carol, makePunch(carol, { nonce: await nonce() })), headers: { "CF-Connecting-IP": "203.0.113.53" } })).status).toBe(201);
    const row = await env.DB.prepare("SELECT count FROM security_events WHERE action = 'security.assertion_invalid' AND source = ?").bind(`${ip} ${carol.passkey.credentialId}`).first();
    expect(row).toEqual({ count: 20 });
  });

  it("without a client IP the same limits hold, for one shared 'unknown' source", async () => {
    await awayFromWindowEdge();
    const items = await Promise.all(Array.from({ length: 100 }, () => strangerItem(alice.employeeId)));
    await call("POST", "/api/punches/batch", { body: { items } });
    expectError(await call("POST", "/api/punches/batch", { body: { items: items.slice(0, 3) } }), 429, "RATE_LIMITED");
    await env.DB.prepare("DELETE FROM security_events WHERE source = 'unknown'").run();
  });

  it("many sources in one window: the busiest each get an audit entry, the rest share one", async () => {
    const item = await strangerItem(alice.employeeId);
    for (let i = 0; i < 70; i++) await batch([item], `2001:db8:${(0x100 + i).toString(16)}::1`);
    const before = await count("SELECT count(*) AS n FROM audit_log WHERE action = 'security.credential_unknown'");
    await runMaintenance(createDb(env.DB), env, Date.now() + SECURITY_WINDOW_MS);
    const entries = await env.DB.prepare("SELECT subject_type, subject_id, data FROM audit_log WHERE action = 'security.credential_unknown' ORDER BY seq").all<{ subject_type: string; subject_id: string; data: string }>();
    const written = entries.results.slice(before);
    expect(written.filter((e) => e.subject_type === "source")).toHaveLength(AUDITED_SOURCES_PER_WINDOW);
    const others = written.filter((e) => e.subject_type === "sources");
    expect(others).toHaveLength(1);
    const folded = JSON.parse(others[0]!.data);
    expect(folded.sources + AUDITED_SOURCES_PER_WINDOW).toBeGreaterThanOrEqual(70);
    expect(folded.count).toBe(folded.sources);
  });

  it("rotating addresses inside one IPv6 /64 is one source", async () => {
    await awayFromWindowEdge();
    const items = await Promise.all(Array.from({ length: 100 }, () => strangerItem(alice.employeeId)));
    expect((await batch(items, "2001:db8:77:1::1")).status).toBe(200);
    expectError(await batch(items, "2001:db8:77:1:ffff:ffff:ffff:fffe"), 429, "RATE_LIMITED");
    expectError(await batch(items.slice(0, 1), "2001:db8:77:1:1234::9"), 429, "RATE_LIMITED");
    // Another /64 is another source.
    expect((await batch(items.slice(0, 1), "2001:db8:77:2::1")).status).toBe(200);
  });

  it("an honest extension's queue flush is never refused: 500 queued punches from one address, five batches", async () => {
    const bob = await enrolDevice(admin, (await createEmployee(admin, { name: "Bob" })).id);
    const start = Date.now() - 60 * MINUTE;
    const punches = [];
    for (let i = 0; i < 500; i++) {
      punches.push(await sign(bob, makePunch(bob, { nonce: null, clientTime: start + i * 5000, kind: i % 2 ? "out" : "in" })));
    }
    for (let b = 0; b < 5; b++) {
      const res = await batch(punches.slice(b * 100, b * 100 + 100), "198.51.100.7");
      expect(res.status).toBe(200);
      expect(res.json.results.every((r: { status: number }) => r.status === 201)).toBe(true);
    }
    // Sent again (a crash mid-flush): answered from the record, still not refused.
    const again = await batch(punches.slice(0, 100), "198.51.100.7");
    expect(again.json.results.every((r: { status: number }) => r.status === 200)).toBe(true);
    expect(await count("SELECT count(*) AS n FROM punches WHERE employee_id = ?", bob.employeeId)).toBe(500);
  });
});

describe("an unsigned punch cannot make the Worker read an employee's history", () => {
  let heavy: EnrolledDevice;
  const HISTORY = 100_000;

  beforeAll(async () => {
    heavy = await enrolDevice(admin, (await createEmployee(admin, { name: "Heavy" })).id);
    // 100,000 stored punches over the last three weeks (entered by people: no audit trigger).
    const now = Date.now();
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
       INSERT INTO punches (id, employee_id, source, kind, client_time, tz, effective_time, received_at, local_date, mode, status, reasons,
         punch_hash, receipt_payload, receipt_signature)
       SELECT 'h-' || i, ?1, 'manual', CASE i % 2 WHEN 0 THEN 'in' ELSE 'out' END, ?3 - i * 18000, 'UTC', ?3 - i * 18000, ?3 - i * 18000,
         '2026-01-01', 'offline', 'accepted', '[]', 'x', '{}', 'x' FROM n`,
    )
      .bind(heavy.employeeId, HISTORY, now - MINUTE)
      .run();
    expect(await count("SELECT count(*) AS n FROM punches WHERE employee_id = ?", heavy.employeeId)).toBe(HISTORY);
  }, 120_000);

  it("a punch with an unknown credential, a known employee and clientTime 0 is refused cheaply, never a 500", async () => {
    const forged = await strangerItem(heavy.employeeId, { clientTime: 0 });
    const res = await call("POST", "/api/punches", { body: forged, headers: { "CF-Connecting-IP": "192.0.2.200" } });
    expectError(res, 403, "CREDENTIAL_UNKNOWN");
    expect(d1Rows(res.headers).read).toBeLessThan(100);
    // In a batch beside a valid punch, the forged item fails alone.
    const valid = await sign(heavy, makePunch(heavy, { nonce: await nonce(), kind: "in" }));
    const mixed = await batch([forged, valid], "192.0.2.201");
    expect(mixed.json.results.map((r: { status: number }) => r.status)).toEqual([403, 201]);
  });

  it("a valid punch reads the same few rows whether the employee has no history or 100,000 punches", async () => {
    const fresh = await enrolDevice(admin, (await createEmployee(admin, { name: "New" })).id);
    const empty = await call("POST", "/api/punches", { body: await sign(fresh, makePunch(fresh, { nonce: await nonce(), kind: "out" })) });
    const full = await call("POST", "/api/punches", { body: await sign(heavy, makePunch(heavy, { nonce: await nonce(), kind: "out" })) });
    expect([empty.status, full.status]).toEqual([201, 201]);
    // The one before it was found: out after in is no duplicate.
    expect(full.json.punch.reasons).not.toContain("duplicate_kind");
    const [a, b] = [d1Rows(empty.headers), d1Rows(full.headers)];
    expect(b.read - a.read).toBeLessThanOrEqual(2);
    expect(b.written).toBe(a.written);
  });

  it("an accepted punch writes few rows (D1 bills each index entry as one): the punch with its index entries, its audit entry with its, the device's mark", async () => {
    const res = await call("POST", "/api/punches", { body: await sign(heavy, makePunch(heavy, { nonce: await nonce(), kind: "in" })), headers: { "CF-Connecting-IP": "198.51.100.20" } });
    expect(res.json.punch).toMatchObject({ status: "accepted" });
    expect(await count("SELECT count(*) AS n FROM punches WHERE id = ? AND ip IS NOT NULL AND geo_lat IS NOT NULL", res.json.punch.id)).toBe(1);
    // The row, its key, (employee, time), time, counted; the entry, its time, subject, actor; the
    // device's signing mark. Another index on either table shows here first.
    expect(d1Rows(res.headers).written).toBe(10);
  });

  it("punches naming a real passkey with a bad signature cost a step down an index, even past 100,000 rejected punches", async () => {
    await env.DB.prepare("UPDATE punches SET status = 'rejected' WHERE employee_id = ? AND source = 'manual'").bind(heavy.employeeId).run();
    const forged = [];
    for (let i = 0; i < 10; i++) {
      const signed = await sign(heavy, makePunch(heavy, { nonce: null, clientTime: Date.now() - i * MINUTE }));
      forged.push({ ...signed, punch: { ...signed.punch, kind: signed.punch.kind === "in" ? ("out" as const) : ("in" as const) } });
    }
    const res = await batch(forged, "192.0.2.203");
    expect(res.json.results.every((r: { status: number }) => r.status === 401)).toBe(true);
    expect(d1Rows(res.headers).read).toBeLessThan(1000);
    await env.DB.prepare("UPDATE punches SET status = 'accepted' WHERE employee_id = ? AND source = 'manual'").bind(heavy.employeeId).run();
  }, 60_000);

  it("a queued punch of 100 items with clientTime 0 and forged ids costs no more than the items themselves", async () => {
    const items = await Promise.all(Array.from({ length: 100 }, () => strangerItem(heavy.employeeId, { clientTime: 0, id: uuidv7() })));
    const res = await batch(items, "192.0.2.202");
    expect(res.status).toBe(200);
    expect(d1Rows(res.headers).read).toBeLessThan(1000);
  });
});

describe("a signed punch is never a credential", () => {
  it("a replay answers from the record without what people added to it (a review and its comment)", async () => {
    const queued = await sign(alice, makePunch(alice, { nonce: null, clientTime: Date.now() - 30 * MINUTE }));
    const punch = (await call("POST", "/api/punches", { body: queued })).json.punch;
    expect(punch.status).toBe("flagged");
    const { adminCall } = await import("./helpers");
    expect((await adminCall(admin, "POST", `/api/admin/punches/${punch.id}/review`, { decision: "accept", comment: "private remark" })).status).toBe(200);
    const replay = await call("POST", "/api/punches", { body: queued });
    expect(replay.status).toBe(200);
    expect(replay.json.punch.status).toBe("accepted");
    expect(replay.json.punch.review).toBeUndefined();
    expect(replay.text).not.toContain("private remark");
  });

  it("only a punch recorded now and signed just now opens a session; replays, on either route, never do", async () => {
    const signed = await sign(alice, makePunch(alice, { nonce: await nonce(), kind: "out" }));
    const first = await call("POST", "/api/punches", { body: signed });
    expect(first.status).toBe(201);
    expect(first.json.session.token).toEqual(expect.any(String));
    const replay = await call("POST", "/api/punches", { body: signed });
    expect(replay.status).toBe(200);
    expect(replay.json.session).toBeUndefined();
    const replayBatch = await call("POST", "/api/punches/batch", { body: { items: [signed] } });
    expect(replayBatch.json.results[0].status).toBe(200);
    expect(replayBatch.json.session).toBeUndefined();
  });

  it("a punch signed 60 hours ago and sent now is recorded, and opens no session", async () => {
    const old = await sign(alice, makePunch(alice, { nonce: null, clientTime: Date.now() - 60 * 60 * MINUTE, kind: "in" }));
    const res = await call("POST", "/api/punches", { body: old });
    expect(res.status).toBe(201);
    expect(res.json.session).toBeUndefined();
  });
});

describe("what is stored with a punch is bounded", () => {
  it("900 KB of junk in clientExtensionResults is refused; a valid punch stores a small assertion", async () => {
    const signed = await sign(alice, makePunch(alice, { nonce: await nonce() }));
    const junk = { ...signed, assertion: { ...signed.assertion, clientExtensionResults: { junk: "x".repeat(900_000) } } };
    const before = await count("SELECT count(*) AS n FROM punches");
    expectError(await call("POST", "/api/punches", { body: junk }), 400, "VALIDATION_FAILED");
    expect(await count("SELECT count(*) AS n FROM punches")).toBe(before);
    const ok = await call("POST", "/api/punches", { body: signed });
    expect(ok.status).toBe(201);
    expect(await count("SELECT length(assertion) AS n FROM punches WHERE id = ?", signed.punch.id)).toBeLessThan(2048);
  });
});
