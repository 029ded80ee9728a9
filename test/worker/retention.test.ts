/**
 * Privacy by retention, in workerd with local D1 and R2: location, IP and evidence erased after
 * their days, old months moved to R2 and still readable, leavers anonymised; every run bounded
 * and resumed, every run audited.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256, toBase64Url } from "../../shared/encoding";
import { createDb } from "../../worker/db/client";
import { runRetention } from "../../worker/services/retention";
import { adminCall, BASE, call, createEmployee, enrolDevice, makePunch, nonce, setUpFirstAdmin, sign, type Admin, type EnrolledDevice } from "./helpers";

const DAY = 86_400_000;
let admin: Admin;
let ada: EnrolledDevice;

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  ada = await enrolDevice(admin, (await createEmployee(admin, { name: "Ada" })).id);
});

const db = () => createDb(env.DB);
// No time budget: one page of each kind of work per run (a run takes pages while its budget lasts).
const run = (now = Date.now(), opts: { page?: number; archivePage?: number; budgetMs?: number } = {}) => runRetention(db(), env.EVIDENCE, now, { budgetMs: 0, ...opts });

async function rows<T = Record<string, unknown>>(sql: string, ...values: unknown[]): Promise<T[]> {
  return (await env.DB.prepare(sql).bind(...values).all<T>()).results;
}

describe("location and IP", () => {
  it("are erased after their days, a page per run until none is left; verdict, reasons and country stay", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const body = await sign(ada, makePunch(ada, { nonce: await nonce(), kind: i % 2 ? "out" : "in" }));
      const res = await call("POST", "/api/punches", { body, headers: { "CF-Connecting-IP": "203.0.113.9" }, cf: { country: "DE", city: "Berlin", latitude: "52.5", longitude: "13.4" } });
      ids.push(res.json.punch.id);
    }
    // Backdated past the 90 days.
    await env.DB.prepare(`UPDATE punches SET effective_time = effective_time - ${100 * DAY} WHERE id IN (SELECT value FROM json_each(?))`).bind(JSON.stringify(ids)).run();
    const before = await rows<{ status: string; reasons: string }>("SELECT status, reasons FROM punches WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", JSON.stringify(ids));

    // What the IP tells (network, Cloudflare's edge) must go with it.
    await env.DB.prepare("UPDATE punches SET asn = 64500, colo = 'FRA' WHERE id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(ids)).run();
    const first = await run(Date.now(), { page: 2 });
    expect(first).toMatchObject({ locationErased: 2, ipErased: 2, more: true });
    await run(Date.now(), { page: 2 });
    const third = await run(Date.now(), { page: 2 });
    expect(third).toMatchObject({ locationErased: 1, ipErased: 1 });
    // The walk goes on from where it stopped: nothing erased is walked again.
    expect(await run(Date.now(), { page: 2 })).toMatchObject({ locationErased: 0, ipErased: 0, more: false });

    const after = await rows("SELECT geo_lat, geo_lon, geo_accuracy, signed_punch, ip, ip_lat, ip_lon, city, asn, colo, country, status, reasons FROM punches WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", JSON.stringify(ids));
    for (const [i, r] of after.entries()) {
      expect(r).toMatchObject({ geo_lat: null, geo_lon: null, geo_accuracy: null, signed_punch: null, ip: null, ip_lat: null, ip_lon: null, city: null, asn: null, colo: null, country: "DE" });
      expect({ status: r.status, reasons: r.reasons }).toEqual(before[i]);
    }
    // A recent punch keeps everything.
    const fresh = await call("POST", "/api/punches", { body: await sign(ada, makePunch(ada, { nonce: await nonce() })), headers: { "CF-Connecting-IP": "203.0.113.9" } });
    await run();
    expect(await rows("SELECT ip, geo_lat IS NOT NULL AS located FROM punches WHERE id = ?", fresh.json.punch.id)).toEqual([{ ip: "203.0.113.9", located: 1 }]);
    // Each run is audited with its counts.
    const entries = await rows<{ data: string }>("SELECT data FROM audit_log WHERE action = 'retention.ran' ORDER BY seq");
    expect(entries.length).toBeGreaterThanOrEqual(5);
    expect(JSON.parse(entries[0]!.data)).toMatchObject({ locationErased: 2, ipErased: 2 });
  });

  it("a run takes page after page while its time budget lasts, so a day of a large company's punches is not left for tomorrow", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const body = await sign(ada, makePunch(ada, { nonce: await nonce(), kind: i % 2 ? "out" : "in" }));
      ids.push((await call("POST", "/api/punches", { body, headers: { "CF-Connecting-IP": "203.0.113.11" } })).json.punch.id);
    }
    await env.DB.prepare(`UPDATE punches SET effective_time = effective_time - ${100 * DAY} WHERE id IN (SELECT value FROM json_each(?))`).bind(JSON.stringify(ids)).run();
    // Pages of 2: three pages in one run, and it says nothing is left.
    expect(await run(Date.now(), { page: 2, budgetMs: 60_000 })).toMatchObject({ locationErased: 5, ipErased: 5, more: false });
    expect(await rows("SELECT count(*) AS n FROM punches WHERE id IN (SELECT value FROM json_each(?)) AND (ip IS NOT NULL OR geo_lat IS NOT NULL)", JSON.stringify(ids))).toEqual([{ n: 0 }]);
  });

  it("a punch stored behind where the walk has got to is stored without what the walk erased; one ahead of it is left to the walk", async () => {
    // The walks have passed everything up to an hour ago (as after a run with a later clock).
    const hourAgo = Date.now() - 3_600_000;
    await env.DB.prepare("INSERT INTO retention_progress (kind, after_time, after_id) VALUES ('location', ?1, ''), ('ip', ?1, '') ON CONFLICT (kind) DO UPDATE SET after_time = ?1, after_id = ''")
      .bind(hourAgo)
      .run();
    const behind = await call("POST", "/api/punches", {
      body: await sign(ada, makePunch(ada, { nonce: null, clientTime: Date.now() - 2 * 3_600_000 })),
      headers: { "CF-Connecting-IP": "203.0.113.12" },
      cf: { country: "DE", city: "Berlin" },
    });
    const ahead = await call("POST", "/api/punches", { body: await sign(ada, makePunch(ada, { nonce: await nonce() })), headers: { "CF-Connecting-IP": "203.0.113.13" } });
    expect([behind.status, ahead.status]).toEqual([201, 201]);
    const stored = (id: string) => rows("SELECT geo_lat, signed_punch IS NOT NULL AS signed, ip, city, country, punch_hash IS NOT NULL AS hashed FROM punches WHERE id = ?", id);
    expect(await stored(behind.json.punch.id)).toEqual([{ geo_lat: null, signed: 0, ip: null, city: null, country: "DE", hashed: 1 }]);
    expect(await stored(ahead.json.punch.id)).toEqual([{ geo_lat: expect.any(Number), signed: 1, ip: "203.0.113.13", city: null, country: null, hashed: 1 }]);
    // Its audit entry and verdict are there as for any punch.
    expect(await rows("SELECT count(*) AS n FROM audit_log WHERE action = 'punch.recorded' AND subject_id = ?", behind.json.punch.id)).toEqual([{ n: 1 }]);
  });

  it("the days are settings", async () => {
    await adminCall(admin, "PATCH", "/api/admin/settings", { retention: { locationDays: 1 } });
    const res = await call("POST", "/api/punches", { body: await sign(ada, makePunch(ada, { nonce: await nonce() })), headers: { "CF-Connecting-IP": "203.0.113.10" } });
    await run(Date.now() + 2 * DAY);
    expect(await rows("SELECT geo_lat, ip FROM punches WHERE id = ?", res.json.punch.id)).toEqual([{ geo_lat: null, ip: "203.0.113.10" }]);
    await adminCall(admin, "PATCH", "/api/admin/settings", { retention: { locationDays: 90 } });
  });
});

describe("evidence", () => {
  it("files are deleted from R2 after evidenceDays; the request keeps their names and says when", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const form = new FormData();
    const date = new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10);
    for (const [k, v] of Object.entries({ date, kind: "in", time: String(Date.parse(`${date}T09:00:00Z`)), reason: "photo" })) form.append(k, v);
    form.append("evidence", new File([png], "badge.png"));
    const worker = (await import("../../worker/index")).default;
    const { createExecutionContext } = await import("cloudflare:test");
    const res = await worker.fetch(new Request(`${BASE}/api/me/corrections`, { method: "POST", body: form, headers: { Authorization: `Bearer ${ada.token}` } }), env, createExecutionContext());
    const { correction } = (await res.json()) as { correction: { id: string; evidence: { id: string }[] } };
    expect(res.status).toBe(201);
    const [stored] = await rows<{ evidence: string }>("SELECT evidence FROM corrections WHERE id = ?", correction.id);
    const key = JSON.parse(stored!.evidence)[0].key as string;
    expect(await env.EVIDENCE.head(key)).not.toBeNull();
    await env.DB.prepare("UPDATE corrections SET created_at = created_at - ? WHERE id = ?").bind(400 * DAY, correction.id).run();
    expect((await run()).evidenceErased).toBe(1);
    expect(await env.EVIDENCE.head(key)).toBeNull();
    const listed = await adminCall(admin, "GET", `/api/admin/corrections/${correction.id}`);
    expect(listed.json.correction).toMatchObject({ evidence: [{ name: "badge.png" }], evidenceErasedAt: expect.any(Number) });
    expect((await adminCall(admin, "GET", `/api/admin/corrections/${correction.id}/evidence/${correction.evidence[0]!.id}`)).status).toBe(404);

    // The audit log, kept for good, says a request with one file was made, not why, not the file's name, not from where.
    const [entry] = await rows<{ data: string; ip: string | null }>("SELECT data, ip FROM audit_log WHERE action = 'correction.requested' AND subject_id = ?", correction.id);
    expect(entry!.data).not.toMatch(/photo|badge/);
    expect(entry!.ip).toBeNull();
    expect(JSON.parse(entry!.data)).toMatchObject({ date, kind: "in", withheld: ["reason"], evidence: [{ type: "image/png", withheld: ["name"] }] });
  });
});

describe("old months move to R2", () => {
  let bo: { id: string };
  const SEEDED = 25;

  beforeAll(async () => {
    bo = await createEmployee(admin, { name: "Bo" });
    // 25 punches in a month more than 36 months ago, for Ada and Bo.
    const month = Date.UTC(new Date().getUTCFullYear() - 4, 2, 1);
    for (let i = 0; i < SEEDED; i++) {
      const who = i % 2 ? bo.id : ada.employeeId;
      const t = month + i * 3_600_000;
      await env.DB.prepare(
        `INSERT INTO punches (id, employee_id, source, kind, client_time, tz, effective_time, received_at, local_date, mode, status, reasons, punch_hash, receipt_payload, receipt_signature, note)
         VALUES (?, ?, 'manual', ?, ?, 'UTC', ?, ?, ?, 'manual', 'accepted', '[]', ?, '{}', 'sig', 'old')`,
      )
        .bind(`old-${String(i).padStart(3, "0")}`, who, i % 4 < 2 ? "in" : "out", t, t, t, new Date(t).toISOString().slice(0, 10), `hash-${i}`)
        .run();
    }
  });

  it("a page a run, each part written, read back and checked before its punches leave D1; the manifest lists every part", async () => {
    const month = new Date(Date.UTC(new Date().getUTCFullYear() - 4, 2, 1)).toISOString().slice(0, 7);
    const reports = [];
    for (let i = 0; i < 5; i++) reports.push((await run(Date.now(), { archivePage: 10 })).archived);
    expect(reports.map((r) => r && [r.month, r.part, r.punches])).toEqual([[month, 1, 10], [month, 2, 10], [month, 3, 5], null, null]);
    expect(await rows("SELECT count(*) AS n FROM punches WHERE id LIKE 'old-%'")).toEqual([{ n: 0 }]);

    const manifest = JSON.parse(await (await env.EVIDENCE.get(`archive/punches/${month}/manifest.json`))!.text());
    expect(manifest).toMatchObject({ month, complete: true, punches: SEEDED });
    for (const part of manifest.parts) {
      const bytes = new Uint8Array(await (await env.EVIDENCE.get(part.key))!.arrayBuffer());
      expect(toBase64Url(await sha256(bytes))).toBe(part.sha256);
    }
    // The console and the verifier read the month back, line for line.
    const list = await adminCall(admin, "GET", "/api/admin/archive");
    expect(list.json.items).toEqual([expect.objectContaining({ month, punches: SEEDED })]);
    const ndjson = await adminCall(admin, "GET", `/api/admin/archive/${month}`);
    const lines = ndjson.text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id).sort()).toEqual(Array.from({ length: SEEDED }, (_, i) => `old-${String(i).padStart(3, "0")}`));
    expect(lines[0]).toMatchObject({ note: "old", mode: "manual", receiptSignature: "sig" });
  });

  it("two runs at once (the cron and a maintenance call) archive each punch once", async () => {
    const t = Date.UTC(new Date().getUTCFullYear() - 4, 8, 1);
    for (let i = 0; i < 12; i++) {
      await env.DB.prepare(
        `INSERT INTO punches (id, employee_id, source, kind, client_time, tz, effective_time, received_at, local_date, mode, status, reasons, punch_hash, receipt_payload, receipt_signature)
         VALUES (?, ?, 'manual', ?, ?, 'UTC', ?, ?, ?, 'manual', 'accepted', '[]', ?, '{}', 's')`,
      )
        .bind(`twice-${String(i).padStart(2, "0")}`, ada.employeeId, i % 2 ? "out" : "in", t + i * 60_000, t + i * 60_000, t + i * 60_000, new Date(t).toISOString().slice(0, 10), `h-twice-${i}`)
        .run();
    }
    const month = new Date(t).toISOString().slice(0, 7);
    // Both read the same page before either deletes it; each keeps going while parts are left.
    await Promise.all([run(Date.now(), { archivePage: 5, budgetMs: 60_000 }), run(Date.now(), { archivePage: 5, budgetMs: 60_000 })]);
    expect(await rows("SELECT count(*) AS n FROM punches WHERE id LIKE 'twice-%'")).toEqual([{ n: 0 }]);
    const parts = await rows<{ key: string; punches: number }>("SELECT key, punches FROM archive_parts WHERE month = ? ORDER BY part", month);
    expect(parts.reduce((n, p) => n + p.punches, 0)).toBe(12);
    const ids: string[] = [];
    for (const part of parts) ids.push(...(await (await env.EVIDENCE.get(part.key))!.text()).trim().split("\n").map((l) => JSON.parse(l).id));
    expect(ids.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `twice-${String(i).padStart(2, "0")}`));
    // Nothing left in R2 but the month's recorded parts and its manifest.
    const listed = (await env.EVIDENCE.list({ prefix: `archive/punches/${month}/` })).objects.map((o) => o.key).sort();
    expect(listed).toEqual([...parts.map((p) => p.key), `archive/punches/${month}/manifest.json`].sort());
    expect((await adminCall(admin, "GET", `/api/admin/archive/${month}`)).text.trim().split("\n")).toHaveLength(12);
  });

  it("the employee's export still holds their archived punches", async () => {
    const exported = await call("GET", "/api/me/export", { token: ada.token });
    const old = exported.json.punches.filter((p: { id: string }) => p.id.startsWith("old-"));
    expect(old).toHaveLength(Math.ceil(SEEDED / 2));
    expect(old.every((p: { employeeId: string }) => p.employeeId === ada.employeeId)).toBe(true);
  });

  it("a part that does not read back as written deletes nothing", async () => {
    const t = Date.UTC(new Date().getUTCFullYear() - 4, 5, 1);
    await env.DB.prepare(
      `INSERT INTO punches (id, employee_id, source, kind, client_time, tz, effective_time, received_at, local_date, mode, status, reasons, punch_hash, receipt_payload, receipt_signature)
       VALUES ('lost-1', ?, 'manual', 'in', ?, 'UTC', ?, ?, '2020-01-01', 'manual', 'accepted', '[]', 'h', '{}', 's')`,
    )
      .bind(ada.employeeId, t, t, t)
      .run();
    // R2 that answers the read-back with other bytes.
    const lying = {
      put: (key: string, value: Uint8Array, opts: R2PutOptions) => env.EVIDENCE.put(key, value, opts),
      get: async (key: string) => ({ arrayBuffer: async () => new TextEncoder().encode("tampered").buffer, text: async () => "tampered", key }),
      delete: (keys: string | string[]) => env.EVIDENCE.delete(keys),
    } as unknown as R2Bucket;
    await expect(runRetention(createDb(env.DB), lying, Date.now())).rejects.toThrow(/did not read back/);
    expect(await rows("SELECT count(*) AS n FROM punches WHERE id = 'lost-1'")).toEqual([{ n: 1 }]);
  });

  it("never moves a month to R2 before its location and IP are past their days, and never writes them there", async () => {
    // Punches kept one month, locations and IPs ten years: nothing may be archived yet.
    expect((await adminCall(admin, "PATCH", "/api/admin/settings", { retention: { punchMonths: 1, locationDays: 3650, ipDays: 3650 } })).status).toBe(200);
    const t = Date.UTC(new Date().getUTCFullYear() - 5, 0, 10);
    for (let i = 0; i < 3; i++) {
      await env.DB.prepare(
        `INSERT INTO punches (id, employee_id, source, kind, client_time, tz, effective_time, received_at, local_date, mode, status, reasons, punch_hash, receipt_payload, receipt_signature,
           geo_lat, geo_lon, geo_accuracy, signed_punch, ip, ip_lat, ip_lon, city, region, asn, colo, country)
         VALUES (?, ?, 'device', 'in', ?, 'UTC', ?, ?, '2021-01-10', 'online', 'accepted', '[]', ?, '{}', 's', 52.5, 13.4, 20, '{"v":1}', '198.51.100.7', 52.5, 13.4, 'Berlin', 'BE', 64500, 'FRA', 'DE')`,
      )
        .bind(`located-${i}`, ada.employeeId, t + i, t + i, t + i, `h-located-${i}`)
        .run();
    }
    expect((await run(Date.now(), { page: 1 })).archived).toBeNull();
    expect(await rows("SELECT count(*) AS n FROM punches WHERE id LIKE 'located-%'")).toEqual([{ n: 3 }]);

    // Back to 90 days. The erase passes take one row a run here, so two rows still hold everything
    // when their month goes: the archived lines must hold none of it.
    await adminCall(admin, "PATCH", "/api/admin/settings", { retention: { punchMonths: 36, locationDays: 90, ipDays: 90 } });
    const report = await run(Date.now(), { page: 1, archivePage: 10 });
    expect(report.archived).toMatchObject({ punches: 3 });
    const month = report.archived!.month;
    const lines = (await adminCall(admin, "GET", `/api/admin/archive/${month}`)).text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id).sort()).toEqual(["located-0", "located-1", "located-2"]);
    for (const line of lines) {
      expect(line).toMatchObject({ geoLat: null, geoLon: null, geoAccuracy: null, signedPunch: null, ip: null, ipLat: null, ipLon: null, city: null, region: null, asn: null, colo: null, country: "DE", punchHash: line.id.replace("located", "h-located") });
    }
  });

  it("only admins and auditors read archived months", async () => {
    const { consoleSessionFor } = await import("./helpers");
    const manager = await consoleSessionFor(admin, (await createEmployee(admin, { role: "manager" })).id);
    expect((await adminCall(manager, "GET", "/api/admin/archive")).status).toBe(403);
  });
});

describe("people who left", () => {
  it("are anonymised after punchMonths: name, email and approved places go, their records stay under their id", async () => {
    const leaver = await createEmployee(admin, { name: "Lea Left", email: "lea.left@example.com" });
    expect((await adminCall(admin, "POST", `/api/admin/employees/${leaver.id}/locations`, { name: "Home", lat: 52.4, lon: 13.2, radiusM: 150 })).status).toBe(201);
    await adminCall(admin, "DELETE", `/api/admin/employees/${leaver.id}`);
    await env.DB.prepare("UPDATE employees SET updated_at = updated_at - ? WHERE id = ?").bind(40 * 30 * DAY, leaver.id).run();
    const stayer = await createEmployee(admin, { name: "Sam Stays" });
    expect((await run()).anonymized).toBe(1);
    const [row] = await rows<{ name: string; email: string; anonymized_at: number }>("SELECT name, email, anonymized_at FROM employees WHERE id = ?", leaver.id);
    expect(row).toMatchObject({ name: "Former employee", email: `former-${leaver.id}@anonymized.invalid`, anonymized_at: expect.any(Number) });
    expect(await rows("SELECT name FROM employees WHERE id = ?", stayer.id)).toEqual([{ name: "Sam Stays" }]);
    expect(await rows("SELECT count(*) AS n FROM employee_locations WHERE employee_id = ?", leaver.id)).toEqual([{ n: 0 }]);
    expect((await run()).anonymized).toBe(0);
    // The audit log, kept for good, never held them: its entries say which personal fields were set.
    expect(await rows("SELECT count(*) AS n FROM audit_log WHERE data LIKE '%Lea Left%' OR data LIKE '%lea.left@%' OR data LIKE '%52.4%'")).toEqual([{ n: 0 }]);
    const created = await rows<{ data: string }>("SELECT data FROM audit_log WHERE action = 'employee.created' AND subject_id = ?", leaver.id);
    expect(JSON.parse(created[0]!.data)).toMatchObject({ withheld: ["name", "email"] });
    const place = await rows<{ data: string }>("SELECT data FROM audit_log WHERE action = 'location.created' AND data LIKE ?", `%${leaver.id}%`);
    expect(JSON.parse(place[0]!.data)).toMatchObject({ employeeId: leaver.id, radiusM: 150, withheld: ["name", "lat", "lon"] });
  });
});
