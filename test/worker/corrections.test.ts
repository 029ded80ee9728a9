/**
 * Exceptions end to end in workerd with local D1 and R2: an employee asks for a missed punch with
 * evidence, a reviewer decides it, flagged punches are reviewed, admins enter manual punches,
 * and the day summaries and timesheets follow.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays, isoWeekday, zonedInstant } from "../../shared/schedule";
import { localDate } from "../../shared/time";
import {
  BASE,
  adminCall,
  call,
  consoleSessionFor,
  createEmployee,
  enrolDevice,
  expectError,
  makePunch,
  setUpFirstAdmin,
  sign,
  type Admin,
  type EnrolledDevice,
} from "./helpers";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ZONE = "Europe/Berlin";

// Real file heads: only the first bytes decide a file's type.
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
const PDF = new TextEncoder().encode("%PDF-1.7\n%âãÏÓ\n1 0 obj\n");
const TEXT = new TextEncoder().encode("just a note, not a picture");

let admin: Admin;
let mei: EnrolledDevice;

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  mei = await enrolDevice(admin, (await createEmployee(admin, { name: "Mei", timezone: ZONE })).id);
});

/** The last working day (Mon–Fri) at least `back` days ago, in ZONE. */
function pastWeekday(back = 2): string {
  let date = localDate(Date.now() - back * DAY, ZONE);
  while (isoWeekday(date) > 5) date = addDays(date, -1);
  return date;
}

const at = (date: string, time: string) => zonedInstant(date, time, ZONE);

function file(device: Pick<EnrolledDevice, "token">, body: unknown) {
  return call("POST", "/api/me/corrections", { body, token: device.token });
}

function fileMultipart(device: Pick<EnrolledDevice, "token">, fields: Record<string, string | number>, files: { name: string; bytes: Uint8Array; type?: string }[]) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, String(value));
  for (const f of files) form.append("evidence", new File([f.bytes as Uint8Array<ArrayBuffer>], f.name, { type: f.type ?? "application/octet-stream" }));
  return fetchWorker("POST", "/api/me/corrections", { body: form, headers: { Authorization: `Bearer ${device.token}` } });
}

/** A raw request (multipart bodies, file downloads), straight into the Worker like `call`. */
async function fetchWorker(method: string, path: string, init: { body?: BodyInit; headers?: Record<string, string> } = {}) {
  const worker = (await import("../../worker/index")).default;
  const { createExecutionContext } = await import("cloudflare:test");
  const res = await worker.fetch(new Request(BASE + path, { method, body: init.body, headers: init.headers }), env, createExecutionContext());
  const bytes = new Uint8Array(await res.arrayBuffer());
  let json: any;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, bytes, json };
}

async function count(sql: string, ...values: unknown[]): Promise<number> {
  return (await env.DB.prepare(sql).bind(...values).first<{ n: number }>())!.n;
}

async function r2Objects(): Promise<number> {
  return (await env.EVIDENCE.list()).objects.length;
}

async function dayStatus(employeeId: string, date: string): Promise<string> {
  const res = await adminCall(admin, "GET", `/api/admin/reports/timesheet?from=${date}&to=${date}&employeeId=${employeeId}`);
  expect(res.status).toBe(200);
  return res.json.items[0].status;
}

async function setCorrectionPolicy(policy: Record<string, number>) {
  expect((await adminCall(admin, "PATCH", "/api/admin/settings", { corrections: policy })).status).toBe(200);
}

describe("an employee asks for a missed punch", () => {
  it("as JSON: 201 with the request; listed newest first; cancelled while pending, then 409", async () => {
    const date = pastWeekday(3);
    const res = await file(mei, { date, kind: "in", time: at(date, "09:02"), reason: "Forgot to clock in" });
    expect(res.status).toBe(201);
    expect(res.json.correction).toMatchObject({ employeeId: mei.employeeId, date, kind: "in", status: "pending", evidence: [], reason: "Forgot to clock in" });
    const list = await call("GET", "/api/me/corrections", { token: mei.token });
    expect(list.json.items[0].id).toBe(res.json.correction.id);
    expect((await call("DELETE", `/api/me/corrections/${res.json.correction.id}`, { token: mei.token })).status).toBe(204);
    expectError(await call("DELETE", `/api/me/corrections/${res.json.correction.id}`, { token: mei.token }), 409, "CORRECTION_ALREADY_DECIDED");
    expect((await call("GET", "/api/me/corrections", { token: mei.token })).json.items[0].status).toBe("cancelled");
    // Someone else's request is not theirs to cancel.
    const other = await enrolDevice(admin, (await createEmployee(admin, { timezone: ZONE })).id);
    expectError(await call("DELETE", `/api/me/corrections/${res.json.correction.id}`, { token: other.token }), 404, "NOT_FOUND");
  });

  it("with evidence: a real PNG, JPEG and PDF are kept as their detected types under random keys", async () => {
    const date = pastWeekday(4);
    const before = await r2Objects();
    const res = await fileMultipart(mei, { date, kind: "out", time: at(date, "18:05"), reason: "Laptop died" }, [
      { name: "screen.png", bytes: PNG, type: "image/png" },
      { name: "note.txt", bytes: JPEG, type: "text/plain" },
      { name: "doctor.pdf", bytes: PDF },
    ]);
    expect(res.status).toBe(201);
    expect(res.json.correction.evidence.map((e: { type: string; name: string }) => [e.name, e.type])).toEqual([
      ["screen.png", "image/png"],
      ["note.txt", "image/jpeg"],
      ["doctor.pdf", "application/pdf"],
    ]);
    expect(await r2Objects()).toBe(before + 3);
    const keys = (await env.EVIDENCE.list()).objects.map((o) => o.key);
    expect(keys.every((k) => /^evidence\/[A-Za-z0-9_-]{20,}$/.test(k))).toBe(true);
  });

  it("a text file named photo.png is 415 EVIDENCE_TYPE_NOT_ALLOWED, and nothing is written to D1 or R2", async () => {
    const date = pastWeekday(5);
    const [rows, objects, audit] = [await count("SELECT count(*) AS n FROM corrections"), await r2Objects(), await count("SELECT count(*) AS n FROM audit_log")];
    const res = await fileMultipart(mei, { date, kind: "in", time: at(date, "09:00"), reason: "x" }, [
      { name: "ok.png", bytes: PNG },
      { name: "photo.png", bytes: TEXT, type: "image/png" },
    ]);
    expectError(res as never, 415, "EVIDENCE_TYPE_NOT_ALLOWED");
    expect([await count("SELECT count(*) AS n FROM corrections"), await r2Objects(), await count("SELECT count(*) AS n FROM audit_log")]).toEqual([rows, objects, audit]);
  });

  it("too many files or one too large: 413 PAYLOAD_TOO_LARGE, nothing written", async () => {
    const date = pastWeekday(5);
    const fields = { date, kind: "in", time: at(date, "09:00"), reason: "x" };
    const objects = await r2Objects();
    expectError((await fileMultipart(mei, fields, [PNG, PNG, PNG, PNG].map((bytes, i) => ({ name: `${i}.png`, bytes })))) as never, 413, "PAYLOAD_TOO_LARGE");
    await setCorrectionPolicy({ maxFileBytes: 2048 });
    const big = new Uint8Array(4096);
    big.set(PNG);
    expectError((await fileMultipart(mei, fields, [{ name: "big.png", bytes: big }])) as never, 413, "PAYLOAD_TOO_LARGE");
    // A body far beyond the policy is cut off while it streams in.
    const huge = new Uint8Array(3 * 2048 + 200_000);
    huge.set(PNG);
    expectError((await fileMultipart(mei, fields, [{ name: "huge.png", bytes: huge }])) as never, 413, "PAYLOAD_TOO_LARGE");
    await setCorrectionPolicy({ maxFileBytes: 5 * 1024 * 1024 });
    expect(await r2Objects()).toBe(objects);
  });

  it("a time that is not on the date in the employee's zone: 400; a date in the future or past the window: 422 CORRECTION_OUT_OF_WINDOW", async () => {
    const date = pastWeekday(3);
    expectError(await file(mei, { date, kind: "in", time: at(addDays(date, 1), "09:00"), reason: "x" }), 400, "VALIDATION_FAILED");
    const tomorrow = localDate(Date.now() + DAY, ZONE);
    expectError(await file(mei, { date: tomorrow, kind: "in", time: at(tomorrow, "09:00"), reason: "x" }), 422, "CORRECTION_OUT_OF_WINDOW");
    const old = localDate(Date.now() - 31 * DAY, ZONE);
    expectError(await file(mei, { date: old, kind: "in", time: at(old, "09:00"), reason: "x" }), 422, "CORRECTION_OUT_OF_WINDOW");
    expectError(await file(mei, { date, kind: "sideways", time: 1, reason: "x" }), 400, "VALIDATION_FAILED");
    expectError(await call("GET", "/api/me/corrections"), 401, "UNAUTHENTICATED");
  });

  it("a second pending request for the same date and kind: 409 CORRECTION_DUPLICATE", async () => {
    const date = pastWeekday(6);
    expect((await file(mei, { date, kind: "in", time: at(date, "09:00"), reason: "x" })).status).toBe(201);
    expectError(await file(mei, { date, kind: "in", time: at(date, "09:10"), reason: "again" }), 409, "CORRECTION_DUPLICATE");
  });

  it("the monthly limit counts months in the employee's zone, not UTC's", async () => {
    const zone = "Pacific/Auckland";
    const kiwi = await enrolDevice(admin, (await createEmployee(admin, { timezone: zone })).id);
    await setCorrectionPolicy({ monthlyLimit: 1, windowDays: 60 });
    // The first local midnight of a month at least two days back: just before it is last month, just after it this month,
    // though both instants fall in the same UTC month.
    const month = localDate(Date.now() - 2 * DAY, zone).slice(0, 7);
    const boundary = zonedInstant(`${month}-01`, "00:00", zone);
    const [before, after] = [boundary - HOUR, boundary + 60_000];
    expect(new Date(before).toISOString().slice(0, 7)).toBe(new Date(after).toISOString().slice(0, 7));
    const req = (time: number, kind: string) => file(kiwi, { date: localDate(time, zone), kind, time, reason: "x" });
    expect((await req(before, "in")).status).toBe(201);
    expect((await req(after, "in")).status).toBe(201);
    expectError(await req(before + 60_000, "out"), 429, "CORRECTION_LIMIT_REACHED");
    await setCorrectionPolicy({ monthlyLimit: 3, windowDays: 30 });
  });
});

describe("a reviewer decides", () => {
  it("approval adds an accepted correction punch at the claimed time, linked both ways; the absent day becomes present", async () => {
    const bob = await enrolDevice(admin, (await createEmployee(admin, { name: "Bob", timezone: ZONE })).id);
    const date = pastWeekday(2);
    expect(await dayStatus(bob.employeeId, date)).toBe("absent");
    const ins = (await file(bob, { date, kind: "in", time: at(date, "09:00"), reason: "VPN down" })).json.correction;
    const outs = (await file(bob, { date, kind: "out", time: at(date, "18:00"), reason: "VPN down" })).json.correction;
    const approved = await adminCall(admin, "POST", `/api/admin/corrections/${ins.id}/decision`, { approve: true, comment: "ok" });
    expect(approved.status).toBe(200);
    expect(approved.json.correction).toMatchObject({ status: "approved", decidedBy: admin.id, comment: "ok", punchId: expect.any(String) });
    await adminCall(admin, "POST", `/api/admin/corrections/${outs.id}/decision`, { approve: true, comment: "" });
    const punch = await env.DB.prepare("SELECT mode, status, effective_time, correction_id, created_by FROM punches WHERE id = ?").bind(approved.json.correction.punchId).first();
    expect(punch).toEqual({ mode: "correction", status: "accepted", effective_time: at(date, "09:00"), correction_id: ins.id, created_by: admin.id });
    expect(await dayStatus(bob.employeeId, date)).toBe("present");
    // The employee sees it in their history, with its receipt payload naming the mode.
    const history = await call("GET", `/api/me/punches?from=${date}&to=${date}`, { token: bob.token });
    expect(history.json.items.map((p: { mode: string; correctionId: string }) => [p.mode, p.correctionId])).toEqual([
      ["correction", ins.id],
      ["correction", outs.id],
    ]);
    // A second decision, either way: 409, and no second punch.
    expectError(await adminCall(admin, "POST", `/api/admin/corrections/${ins.id}/decision`, { approve: false, comment: "" }), 409, "CORRECTION_ALREADY_DECIDED");
    expect(await count("SELECT count(*) AS n FROM punches WHERE correction_id = ?", ins.id)).toBe(1);
    const entries = await count("SELECT count(*) AS n FROM audit_log WHERE action = 'correction.approved' AND subject_id = ?", ins.id);
    expect(entries).toBe(1);
  });

  it("two approvals at once make one punch and one audit entry; the other answers 409", async () => {
    const date = pastWeekday(7);
    const req = (await file(mei, { date, kind: "out", time: at(date, "17:30"), reason: "race" })).json.correction;
    const second = await consoleSessionFor(admin, (await createEmployee(admin, { role: "admin" })).id);
    const results = await Promise.all([
      adminCall(admin, "POST", `/api/admin/corrections/${req.id}/decision`, { approve: true, comment: "a" }),
      adminCall(second, "POST", `/api/admin/corrections/${req.id}/decision`, { approve: true, comment: "b" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await count("SELECT count(*) AS n FROM punches WHERE correction_id = ?", req.id)).toBe(1);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'correction.approved' AND subject_id = ?", req.id)).toBe(1);
  });

  it("nobody decides their own request: 403", async () => {
    const own = await enrolDevice(admin, admin.id);
    const date = pastWeekday(3);
    const req = await file(own, { date, kind: "in", time: at(date, "09:00"), reason: "mine" });
    expect(req.status).toBe(201);
    expectError(await adminCall(admin, "POST", `/api/admin/corrections/${req.json.correction.id}/decision`, { approve: true, comment: "" }), 403, "FORBIDDEN");
  });

  it("managers decide for their team only; auditors read and cannot decide; evidence downloads as its detected type", async () => {
    const manager = await createEmployee(admin, { role: "manager" });
    const managerSession = await consoleSessionFor(admin, manager.id);
    const auditor = await consoleSessionFor(admin, (await createEmployee(admin, { role: "auditor" })).id);
    const report = await enrolDevice(admin, (await createEmployee(admin, { managerId: manager.id, timezone: ZONE })).id);
    const date = pastWeekday(3);
    const mine = await fileMultipart(report, { date, kind: "in", time: at(date, "09:00"), reason: "team" }, [{ name: "p.png", bytes: PNG, type: "text/html" }]);
    const stranger = await enrolDevice(admin, (await createEmployee(admin, { timezone: ZONE })).id);
    const outsider = (await file(stranger, { date, kind: "out", time: at(date, "18:00"), reason: "outside" })).json.correction;

    const list = await adminCall(managerSession, "GET", "/api/admin/corrections?status=pending");
    expect(list.json.items.map((c: { id: string }) => c.id)).toEqual([mine.json.correction.id]);
    expectError(await adminCall(managerSession, "POST", `/api/admin/corrections/${outsider.id}/decision`, { approve: true, comment: "" }), 404, "NOT_FOUND");
    expectError(await adminCall(managerSession, "GET", `/api/admin/corrections/${outsider.id}`), 404, "NOT_FOUND");

    const evidence = mine.json.correction.evidence[0];
    const download = await fetchWorker("GET", `/api/admin/corrections/${mine.json.correction.id}/evidence/${evidence.id}`, { headers: { Cookie: managerSession.cookie } });
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Type")).toBe("image/png");
    expect(download.headers.get("Content-Disposition")).toMatch(/^attachment;/);
    expect(download.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect([...download.bytes]).toEqual([...PNG]);
    const outsideEvidence = await fetchWorker("GET", `/api/admin/corrections/${outsider.id}/evidence/x`, { headers: { Cookie: managerSession.cookie } });
    expect(outsideEvidence.status).toBe(404);

    expect((await adminCall(auditor, "GET", "/api/admin/corrections")).status).toBe(200);
    expectError(await adminCall(auditor, "POST", `/api/admin/corrections/${mine.json.correction.id}/decision`, { approve: true, comment: "" }), 403, "FORBIDDEN");
    const decided = await adminCall(managerSession, "POST", `/api/admin/corrections/${mine.json.correction.id}/decision`, { approve: false, comment: "no proof" });
    expect(decided.json.correction).toMatchObject({ status: "rejected", comment: "no proof" });
    expect(decided.json.correction.punchId).toBeUndefined();
    // The employee sees the decision and the comment.
    const theirs = await call("GET", "/api/me/corrections", { token: report.token });
    expect(theirs.json.items[0]).toMatchObject({ status: "rejected", comment: "no proof" });
  });
});

describe("flagged punches are reviewed", () => {
  it("accept keeps the rules' verdict and reasons beside the decision; a second review or an unflagged punch is 409", async () => {
    const queued = await sign(mei, makePunch(mei, { nonce: null, clientTime: Date.now() - HOUR, kind: "in" }));
    const punch = (await call("POST", "/api/punches", { body: queued })).json.punch;
    expect(punch.status).toBe("flagged");
    const res = await adminCall(admin, "POST", `/api/admin/punches/${punch.id}/review`, { decision: "accept", comment: "was on a train" });
    expect(res.status).toBe(200);
    expect(res.json.punch).toMatchObject({ status: "accepted", reasons: punch.reasons, review: { decision: "accept", by: admin.id, comment: "was on a train", at: expect.any(Number) } });
    expectError(await adminCall(admin, "POST", `/api/admin/punches/${punch.id}/review`, { decision: "reject", comment: "" }), 409, "PUNCH_NOT_REVIEWABLE");
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'punch.reviewed' AND subject_id = ?", punch.id)).toBe(1);
  });

  it("a rejected review takes the punch out of the day: the timesheet follows", async () => {
    const eve = await enrolDevice(admin, (await createEmployee(admin, { timezone: ZONE })).id);
    // Queued since the last working day, which may be a weekend ago.
    expect((await adminCall(admin, "PATCH", "/api/admin/settings", { offlineWindowHours: 24 * 7 })).status).toBe(200);
    const date = pastWeekday(1);
    const sent = [];
    for (const [kind, time] of [["in", "09:00"], ["out", "18:00"]] as const) {
      const body = await sign(eve, makePunch(eve, { nonce: null, clientTime: at(date, time), kind, tz: ZONE }));
      sent.push((await call("POST", "/api/punches", { body })).json.punch);
    }
    expect(sent.map((p) => p.status)).toEqual(["flagged", "flagged"]);
    expect(await dayStatus(eve.employeeId, date)).toBe("present");
    await adminCall(admin, "POST", `/api/admin/punches/${sent[0].id}/review`, { decision: "reject", comment: "not at work" });
    expect(await dayStatus(eve.employeeId, date)).toBe("incomplete");
    await adminCall(admin, "PATCH", "/api/admin/settings", { offlineWindowHours: 72 });
  });

  it("managers review their team only, auditors not at all, nobody their own punch", async () => {
    const manager = await createEmployee(admin, { role: "manager" });
    const managerSession = await consoleSessionFor(admin, manager.id);
    const flagged = (await call("POST", "/api/punches", { body: await sign(mei, makePunch(mei, { nonce: null, clientTime: Date.now() - 2 * HOUR })) })).json.punch;
    expectError(await adminCall(managerSession, "POST", `/api/admin/punches/${flagged.id}/review`, { decision: "accept", comment: "" }), 404, "NOT_FOUND");
    const auditor = await consoleSessionFor(admin, (await createEmployee(admin, { role: "auditor" })).id);
    expectError(await adminCall(auditor, "POST", `/api/admin/punches/${flagged.id}/review`, { decision: "accept", comment: "" }), 403, "FORBIDDEN");
    const own = await enrolDevice(admin, admin.id);
    const mine = (await call("POST", "/api/punches", { body: await sign(own, makePunch(own, { nonce: null, clientTime: Date.now() - HOUR })) })).json.punch;
    expectError(await adminCall(admin, "POST", `/api/admin/punches/${mine.id}/review`, { decision: "accept", comment: "" }), 403, "FORBIDDEN");
  });
});

describe("manual punches", () => {
  it("an admin enters one with a reason: accepted, mode manual, audited; it counts in the day", async () => {
    const fay = await createEmployee(admin, { timezone: ZONE });
    const date = pastWeekday(2);
    const res = await adminCall(admin, "POST", "/api/admin/punches", { employeeId: fay.id, kind: "in", time: at(date, "09:00"), reason: "Badge reader log" });
    expect(res.status).toBe(201);
    expect(res.json.punch).toMatchObject({ mode: "manual", status: "accepted", effectiveTime: at(date, "09:00"), note: "Badge reader log", createdBy: admin.id, localDate: date });
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'punch.entered' AND subject_id = ?", res.json.punch.id)).toBe(1);
    expect(await dayStatus(fay.id, date)).toBe("incomplete");
  });

  it("a retry with the same Idempotency-Key enters the punch once, even two at once; the key cannot be reused for another punch", async () => {
    const gus = await createEmployee(admin, { timezone: ZONE });
    const date = pastWeekday(3);
    const body = { employeeId: gus.id, kind: "in", time: at(date, "08:30"), reason: "Paper sheet" };
    const enter = (key: string, b: unknown = body) => call("POST", "/api/admin/punches", { body: b, cookie: admin.cookie, origin: env.CONSOLE_ORIGIN, headers: { "Idempotency-Key": key } });
    const first = await enter("form-1");
    expect(first.status).toBe(201);
    const again = await enter("form-1");
    expect(again.status).toBe(200);
    expect(again.json.punch.id).toBe(first.json.punch.id);
    const [a, b] = await Promise.all([enter("form-2", { ...body, kind: "out", time: at(date, "17:30") }), enter("form-2", { ...body, kind: "out", time: at(date, "17:30") })]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.json.punch.id).toBe(b.json.punch.id);
    expect(await count("SELECT count(*) AS n FROM punches WHERE employee_id = ?", gus.id)).toBe(2);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'punch.entered' AND subject_id IN (?, ?)", first.json.punch.id, a.json.punch.id)).toBe(2);
    expectError(await enter("form-1", { ...body, reason: "Something else" }), 409, "CONFLICT");
    expectError(await enter("bad key with spaces"), 400, "VALIDATION_FAILED");
  });

  it("not for oneself, not by auditors, not for another team, not in the future", async () => {
    const future = Date.now() + HOUR;
    expectError(await adminCall(admin, "POST", "/api/admin/punches", { employeeId: admin.id, kind: "in", time: Date.now() - HOUR, reason: "me" }), 403, "FORBIDDEN");
    const auditor = await consoleSessionFor(admin, (await createEmployee(admin, { role: "auditor" })).id);
    expectError(await adminCall(auditor, "POST", "/api/admin/punches", { employeeId: mei.employeeId, kind: "in", time: Date.now() - HOUR, reason: "x" }), 403, "FORBIDDEN");
    const manager = await consoleSessionFor(admin, (await createEmployee(admin, { role: "manager" })).id);
    expectError(await adminCall(manager, "POST", "/api/admin/punches", { employeeId: mei.employeeId, kind: "in", time: Date.now() - HOUR, reason: "x" }), 404, "NOT_FOUND");
    expectError(await adminCall(admin, "POST", "/api/admin/punches", { employeeId: mei.employeeId, kind: "in", time: future, reason: "x" }), 422, "CLOCK_OUT_OF_RANGE");
    expectError(await adminCall(admin, "POST", "/api/admin/punches", { employeeId: mei.employeeId, kind: "in", time: Date.now() - HOUR, reason: "" }), 400, "VALIDATION_FAILED");
  });
});
