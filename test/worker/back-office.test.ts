/**
 * The routes the console's back-office pages stand on: today's board, the month summary, punch
 * filters, detail and CSV, employee search and import, API keys, and the audit log.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays, isoWeekday, zonedInstant } from "../../shared/schedule";
import { localDate } from "../../shared/time";
import {
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

const ZONE = "Asia/Shanghai";
const DAY = 86_400_000;
let admin: Admin;
let lin: EnrolledDevice;

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  lin = await enrolDevice(admin, (await createEmployee(admin, { name: "Lin Wei", timezone: ZONE })).id);
});

function lastWeekday(back: number): string {
  let date = localDate(Date.now() - back * DAY, ZONE);
  while (isoWeekday(date) > 5) date = addDays(date, -1);
  return date;
}

describe("today's board", () => {
  it("says who is in and who has not come, each on their own day, with counts", async () => {
    const absentee = await createEmployee(admin, { name: "Zhang San", timezone: ZONE });
    const res = await call("POST", "/api/punches", { body: await sign(lin, makePunch(lin, { nonce: await nonce(), kind: "in" })) });
    expect(res.status).toBe(201);
    const today = await adminCall(admin, "GET", "/api/admin/today");
    expect(today.status).toBe(200);
    const byName = new Map(today.json.items.map((i: { employeeName: string }) => [i.employeeName, i]));
    expect(byName.get("Lin Wei")).toMatchObject({ state: "in", timezone: ZONE, lastPunch: { id: res.json.punch.id, kind: "in" } });
    expect(byName.get("Zhang San")).toMatchObject({ employeeId: absentee.id, state: "none", lastPunch: null });
    expect(today.json.counts.in).toBeGreaterThanOrEqual(1);
    const statuses = Object.values(today.json.counts.byStatus as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(statuses).toBe(today.json.items.length);
  });

  it("a manager sees their team only", async () => {
    const manager = await createEmployee(admin, { role: "manager", name: "Manager" });
    const report = await createEmployee(admin, { managerId: manager.id, name: "Report" });
    const session = await consoleSessionFor(admin, manager.id);
    const today = await adminCall(session, "GET", "/api/admin/today");
    expect(today.json.items.map((i: { employeeId: string }) => i.employeeId)).toEqual([report.id]);
  });
});

describe("the month summary for payroll", () => {
  it("sums the timesheet's days per employee: days present, late count and minutes, absences, worked hours; CSV for Excel", async () => {
    const wen = await enrolDevice(admin, (await createEmployee(admin, { name: "Wen", timezone: ZONE })).id);
    const ontime = lastWeekday(2);
    let late = addDays(ontime, -1);
    while (isoWeekday(late) > 5) late = addDays(late, -1);
    expect((await adminCall(admin, "PATCH", "/api/admin/settings", { offlineWindowHours: 24 * 7 })).status).toBe(200);
    for (const [date, inAt, outAt] of [[late, "09:40", "18:00"], [ontime, "08:55", "18:10"]] as const) {
      for (const [kind, time] of [["in", inAt], ["out", outAt]] as const) {
        const body = await sign(wen, makePunch(wen, { nonce: null, clientTime: zonedInstant(date, time, ZONE), kind, tz: ZONE }));
        expect((await call("POST", "/api/punches", { body })).status).toBe(201);
      }
    }
    await adminCall(admin, "PATCH", "/api/admin/settings", { offlineWindowHours: 72 });
    const [from, to] = [late < ontime ? late : ontime, late < ontime ? ontime : late];
    const res = await adminCall(admin, "GET", `/api/admin/reports/summary?from=${from}&to=${to}&employeeId=${wen.employeeId}`);
    expect(res.status).toBe(200);
    const [row] = res.json.items;
    const sheet = await adminCall(admin, "GET", `/api/admin/reports/timesheet?from=${from}&to=${to}&employeeId=${wen.employeeId}`);
    const days = sheet.json.items as { status: string; workedMinutes: number; lateMinutes: number }[];
    expect(row).toMatchObject({
      employeeId: wen.employeeId,
      from,
      to,
      daysPresent: days.filter((d) => ["present", "late", "early_leave"].includes(d.status)).length,
      lateCount: days.filter((d) => d.lateMinutes > 0).length,
      lateMinutes: days.reduce((n, d) => n + d.lateMinutes, 0),
      workedMinutes: days.reduce((n, d) => n + d.workedMinutes, 0),
    });
    expect(row.daysPresent).toBe(2);
    expect(row.lateCount).toBe(1);
    expect(row.lateMinutes).toBe(40);
    const csv = await adminCall(admin, "GET", `/api/admin/reports/summary?from=${from}&to=${to}&employeeId=${wen.employeeId}&format=csv`);
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    const [header, line] = csv.text.slice(1).split("\r\n");
    expect(header).toContain("workedHours");
    expect(line).toContain('"Wen"');
  });
});

describe("punches for the back office", () => {
  it("filters by mode and reason, opens one with its receipt and device, exports the filter as CSV", async () => {
    const queued = await sign(lin, makePunch(lin, { nonce: null, clientTime: Date.now() - 3_600_000, kind: "out" }));
    const offline = (await call("POST", "/api/punches", { body: queued })).json.punch;
    const byMode = await adminCall(admin, "GET", `/api/admin/punches?mode=offline&employeeId=${lin.employeeId}`);
    expect(byMode.json.items.map((p: { id: string }) => p.id)).toContain(offline.id);
    expect(byMode.json.items.every((p: { mode: string }) => p.mode === "offline")).toBe(true);
    const byReason = await adminCall(admin, "GET", `/api/admin/punches?reason=offline`);
    expect(byReason.json.items.every((p: { reasons: string[] }) => p.reasons.includes("offline"))).toBe(true);
    expect((await adminCall(admin, "GET", `/api/admin/punches?reason=not_a_reason`)).status).toBe(400);

    const detail = await adminCall(admin, "GET", `/api/admin/punches/${offline.id}`);
    expect(detail.json).toMatchObject({ punch: { id: offline.id }, employee: { id: lin.employeeId, name: "Lin Wei" }, device: { kind: "extension" }, receipt: { payload: expect.any(String) } });
    expect(JSON.parse(detail.json.receipt.payload)).toMatchObject({ punchId: offline.id });

    const csv = await adminCall(admin, "GET", `/api/admin/punches?employeeId=${lin.employeeId}&from=${Date.now() - 365 * DAY}&to=${Date.now() + DAY}&format=csv`);
    expect(csv.headers.get("Content-Type")).toMatch(/text\/csv/);
    const lines = csv.text.slice(1).trim().split("\r\n");
    expect(lines[0]).toMatch(/^id,employeeId,employeeName,kind,status,mode/);
    expect(lines.length - 1).toBe(byMode.json.items.length + (await adminCall(admin, "GET", `/api/admin/punches?mode=online&employeeId=${lin.employeeId}`)).json.items.length);
    expect(lines.some((l) => l.startsWith(`"${offline.id}"`))).toBe(true);
  });

  it("a report on someone outside a manager's team is refused with 404 before anything is sent, in JSON and CSV", async () => {
    const session = await consoleSessionFor(admin, (await createEmployee(admin, { role: "manager" })).id);
    const range = `from=${localDate(Date.now() - 7 * DAY, ZONE)}&to=${localDate(Date.now(), ZONE)}&employeeId=${lin.employeeId}`;
    for (const route of ["timesheet", "summary"]) {
      for (const format of ["json", "csv"]) {
        expectError(await adminCall(session, "GET", `/api/admin/reports/${route}?${range}&format=${format}`), 404, "NOT_FOUND");
      }
    }
  });

  it("a manager cannot open another team's punch", async () => {
    const punch = (await adminCall(admin, "GET", `/api/admin/punches?employeeId=${lin.employeeId}`)).json.items[0];
    const session = await consoleSessionFor(admin, (await createEmployee(admin, { role: "manager" })).id);
    expectError(await adminCall(session, "GET", `/api/admin/punches/${punch.id}`), 404, "NOT_FOUND");
  });
});

describe("employees: search and import", () => {
  it("finds by part of a name or email", async () => {
    await createEmployee(admin, { name: "Searchable Sue", email: "sue.find@example.com" });
    const byName = await adminCall(admin, "GET", "/api/admin/employees?q=searchable");
    expect(byName.json.items.map((e: { name: string }) => e.name)).toEqual(["Searchable Sue"]);
    expect((await adminCall(admin, "GET", "/api/admin/employees?q=SUE.FIND")).json.items).toHaveLength(1);
    expect((await adminCall(admin, "GET", "/api/admin/employees?q=%25")).json.items).toHaveLength(0);
  });

  it("a dry run marks each bad row and writes nothing; a clean import writes all rows at once, managers before reports", async () => {
    const schedule = await adminCall(admin, "POST", "/api/admin/schedules", {
      name: "Office",
      kind: "fixed",
      days: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "09:00", end: "18:00" })),
      graceLateMin: 5,
      graceEarlyMin: 5,
      earliestInMin: 60,
    });
    expect(schedule.status).toBe(201);
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM employees").first<{ n: number }>())!.n;
    const rows = [
      { name: "Ana Lead", email: "ana.lead@example.com", role: "manager", scheduleName: "Office", timezone: "Europe/Lisbon" },
      { name: "Ben Report", email: "ben@example.com", managerEmail: "ana.lead@example.com" },
      { name: "", email: "not-an-email" },
      { name: "Dup", email: "ben@example.com" },
      { name: "Cat", email: "cat@example.com", role: "boss", scheduleName: "Nope", timezone: "Mars/Base", managerEmail: "ghost@example.com" },
    ];
    const preview = await adminCall(admin, "POST", "/api/admin/employees/import", { rows, dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.json.rows.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, false, false, false]);
    expect(preview.json.rows[2].errors.map((e: { field: string }) => e.field)).toEqual(["name", "email"]);
    expect(preview.json.rows[3].errors).toEqual([{ field: "email", message: "also on row 2" }]);
    expect(preview.json.rows[4].errors.map((e: { field: string }) => e.field).sort()).toEqual(["managerEmail", "role", "scheduleName", "timezone"]);
    // Not a dry run, but with bad rows: all or nothing.
    const refused = await adminCall(admin, "POST", "/api/admin/employees/import", { rows, dryRun: false });
    expect(refused.json.created).toEqual([]);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM employees").first<{ n: number }>())!.n).toBe(before);

    const clean = [rows[1]!, rows[0]!];
    const done = await adminCall(admin, "POST", "/api/admin/employees/import", { rows: clean, dryRun: false });
    expect(done.json.created).toHaveLength(2);
    const ana = done.json.created.find((e: { email: string }) => e.email === "ana.lead@example.com");
    const ben = done.json.created.find((e: { email: string }) => e.email === "ben@example.com");
    expect(ana).toMatchObject({ role: "manager", timezone: "Europe/Lisbon", scheduleId: schedule.json.id });
    expect(ben).toMatchObject({ role: "employee", managerId: ana.id });
    const audit = await env.DB.prepare("SELECT data FROM audit_log WHERE action = 'employees.imported'").first<{ data: string }>();
    expect(JSON.parse(audit!.data).count).toBe(2);
  });

  it("only admins import", async () => {
    const session = await consoleSessionFor(admin, (await createEmployee(admin, { role: "manager" })).id);
    expectError(await adminCall(session, "POST", "/api/admin/employees/import", { rows: [{ name: "X", email: "x@example.com" }], dryRun: true }), 403, "FORBIDDEN");
  });
});

describe("API keys", () => {
  it("an admin creates one (the key shown once, stored hashed), it works as a bearer for its role, and revoking it ends it", async () => {
    const created = await adminCall(admin, "POST", "/api/admin/api-keys", { label: "Payroll", role: "auditor" });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ label: "Payroll", role: "auditor", revokedAt: null, key: expect.stringMatching(/^cwk_/) });
    const stored = await env.DB.prepare("SELECT key_hash FROM api_keys WHERE id = ?").bind(created.json.id).first<{ key_hash: string }>();
    expect(stored!.key_hash).not.toContain(created.json.key);
    const list = await adminCall(admin, "GET", "/api/admin/api-keys");
    expect(JSON.stringify(list.json)).not.toContain(created.json.key);
    expect(list.json.items.map((k: { id: string }) => k.id)).toContain(created.json.id);

    const asKey = (method: string, path: string, body?: unknown) => call(method, path, { token: created.json.key, body });
    expect((await asKey("GET", "/api/admin/reports/timesheet?from=2026-11-02&to=2026-11-02")).status).toBe(200);
    expectError(await asKey("POST", "/api/admin/employees", { name: "Y", email: "y@example.com" }), 403, "FORBIDDEN");
    expectError(await asKey("GET", "/api/admin/api-keys"), 403, "FORBIDDEN");

    const revoked = await adminCall(admin, "DELETE", `/api/admin/api-keys/${created.json.id}`);
    expect(revoked.json.revokedAt).toEqual(expect.any(Number));
    expectError(await asKey("GET", "/api/admin/reports/timesheet?from=2026-11-02&to=2026-11-02"), 401, "UNAUTHENTICATED");
    const entries = await env.DB.prepare("SELECT action FROM audit_log WHERE subject_id = ? ORDER BY seq").bind(created.json.id).all<{ action: string }>();
    expect(entries.results.map((e) => e.action)).toEqual(["api_key.created", "api_key.revoked"]);
  });

  it("managers and auditors cannot manage keys", async () => {
    for (const role of ["manager", "auditor"]) {
      const session = await consoleSessionFor(admin, (await createEmployee(admin, { role })).id);
      expectError(await adminCall(session, "GET", "/api/admin/api-keys"), 403, "FORBIDDEN");
    }
  });
});

describe("the audit log", () => {
  it("newest first, filtered by actor, action prefix and target, paged, with chain hashes once sealed", async () => {
    const page = await adminCall(admin, "GET", "/api/admin/audit?limit=5");
    expect(page.status).toBe(200);
    const seqs = page.json.items.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a: number, b: number) => b - a));
    const next = await adminCall(admin, "GET", `/api/admin/audit?limit=5&cursor=${page.json.nextCursor}`);
    expect(next.json.items[0].seq).toBeLessThan(seqs[seqs.length - 1]);

    const mine = await adminCall(admin, "GET", `/api/admin/audit?actor=${admin.id}`);
    expect(mine.json.items.length).toBeGreaterThan(0);
    expect(mine.json.items.every((e: { actorId: string }) => e.actorId === admin.id)).toBe(true);
    const apiKeyEntries = await adminCall(admin, "GET", "/api/admin/audit?action=api_key.");
    expect(apiKeyEntries.json.items.length).toBeGreaterThan(0);
    expect(apiKeyEntries.json.items.every((e: { action: string }) => e.action.startsWith("api_key."))).toBe(true);
    // A prefix is the actions under it, and no others (LIKE's wildcards are plain characters here).
    const punchEntries = await adminCall(admin, "GET", "/api/admin/audit?action=punch.&limit=50");
    expect(new Set(punchEntries.json.items.map((e: { action: string }) => e.action))).toContain("punch.recorded");
    expect(punchEntries.json.items.every((e: { action: string }) => e.action.startsWith("punch."))).toBe(true);
    expect((await adminCall(admin, "GET", "/api/admin/audit?action=api%25.")).json.items).toEqual([]);
    // One action exactly: any action, also the one every punch writes (kept out of the action index).
    for (const action of ["employee.created", "punch.recorded"]) {
      const entries = await adminCall(admin, "GET", `/api/admin/audit?action=${action}&limit=3`);
      expect(entries.json.items.length).toBeGreaterThan(0);
      expect(entries.json.items.map((e: { action: string }) => e.action)).toEqual(entries.json.items.map(() => action));
    }
    const target = await adminCall(admin, "GET", `/api/admin/audit?target=${lin.employeeId}`);
    expect(target.json.items.every((e: { subjectId: string }) => e.subjectId === lin.employeeId)).toBe(true);

    await adminCall(admin, "POST", "/api/admin/maintenance");
    const sealed = await adminCall(admin, "GET", "/api/admin/audit?limit=1");
    expect(sealed.json.items[0]).toMatchObject({ hash: expect.any(String), prevHash: expect.any(String) });
  });

  it("auditors read it; managers do not", async () => {
    const auditor = await consoleSessionFor(admin, (await createEmployee(admin, { role: "auditor" })).id);
    expect((await adminCall(auditor, "GET", "/api/admin/audit")).status).toBe(200);
    const manager = await consoleSessionFor(admin, (await createEmployee(admin, { role: "manager" })).id);
    expectError(await adminCall(manager, "GET", "/api/admin/audit"), 403, "FORBIDDEN");
  });
});
