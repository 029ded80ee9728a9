import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../shared/settings";
import { adminCall, call, consoleSessionFor, createEmployee, expectError, setUpFirstAdmin, type Admin } from "./helpers";

let admin: Admin;
let manager: Admin;
let auditor: Admin;
let report: { id: string };
let outsider: { id: string };

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  const m = await createEmployee(admin, { name: "Mona Manager", role: "manager" });
  report = await createEmployee(admin, { name: "Rita Report", managerId: m.id });
  outsider = await createEmployee(admin, { name: "Otto Outsider" });
  manager = await consoleSessionFor(admin, m.id);
  auditor = await consoleSessionFor(admin, (await createEmployee(admin, { name: "Aud Itor", role: "auditor" })).id);
});

/** The audit entries about one subject, oldest first. */
async function auditOf(subjectId: string) {
  const { results } = await env.DB.prepare("SELECT action, actor_id, data FROM audit_log WHERE subject_id = ? ORDER BY seq").bind(subjectId).all<{ action: string; actor_id: string; data: string }>();
  return results.map((r) => ({ action: r.action, actorId: r.actor_id, data: JSON.parse(r.data) }));
}

/** The issue paths of a 400 VALIDATION_FAILED answer. */
function issuePaths(res: { status: number; json: any }) {
  expectError(res, 400, "VALIDATION_FAILED");
  return (res.json.error.details?.issues ?? []).map((i: { path: string }) => i.path);
}

const office = { name: "Berlin office", lat: 52.52, lon: 13.405, radiusM: 150 };

describe("sites", () => {
  it("are created, listed by name, read, changed and deleted, each write audited", async () => {
    const created = await adminCall(admin, "POST", "/api/admin/sites", office);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ ...office, employeeIds: null });
    const id = created.json.id;
    const chosen = await adminCall(admin, "POST", "/api/admin/sites", { ...office, name: "Annex", employeeIds: [report.id, report.id, outsider.id] });
    expect(chosen.json.employeeIds).toEqual([report.id, outsider.id]);

    const list = await adminCall(admin, "GET", "/api/admin/sites");
    expect(list.json.items.map((s: { name: string }) => s.name)).toEqual(["Annex", "Berlin office"]);
    expect((await adminCall(admin, "GET", `/api/admin/sites/${id}`)).json).toEqual(created.json);

    const patched = await adminCall(admin, "PATCH", `/api/admin/sites/${id}`, { radiusM: 300, employeeIds: [report.id] });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ ...office, radiusM: 300, employeeIds: [report.id] });
    const everyone = await adminCall(admin, "PATCH", `/api/admin/sites/${id}`, { employeeIds: null });
    expect(everyone.json.employeeIds).toBeNull();

    const deleted = await adminCall(admin, "DELETE", `/api/admin/sites/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.json.id).toBe(id);
    expectError(await adminCall(admin, "GET", `/api/admin/sites/${id}`), 404, "NOT_FOUND");
    expectError(await adminCall(admin, "PATCH", `/api/admin/sites/${id}`, { name: "Ghost" }), 404, "NOT_FOUND");
    expectError(await adminCall(admin, "DELETE", `/api/admin/sites/${id}`), 404, "NOT_FOUND");

    const audit = await auditOf(id);
    expect(audit.map((e) => e.action)).toEqual(["site.created", "site.updated", "site.updated", "site.deleted"]);
    expect(audit.every((e) => e.actorId === admin.id)).toBe(true);
    expect(audit[1]!.data).toEqual({ radiusM: 300, employeeIds: [report.id] });
  });

  it("refuse bad coordinates, a zero radius and unknown employees, naming the field", async () => {
    expect(issuePaths(await adminCall(admin, "POST", "/api/admin/sites", { ...office, lat: 91 }))).toContain("lat");
    expect(issuePaths(await adminCall(admin, "POST", "/api/admin/sites", { ...office, lon: -181 }))).toContain("lon");
    expect(issuePaths(await adminCall(admin, "POST", "/api/admin/sites", { ...office, radiusM: 0 }))).toContain("radiusM");
    expect(issuePaths(await adminCall(admin, "POST", "/api/admin/sites", { ...office, employeeIds: [report.id, "nobody"] }))).toEqual(["employeeIds.1"]);
    expect(issuePaths(await adminCall(admin, "POST", "/api/admin/sites", { ...office, extra: 1 }))).toEqual([""]);
    expect(issuePaths(await adminCall(admin, "PATCH", "/api/admin/sites/anything", {}))).toEqual([""]);
    const site = await adminCall(admin, "POST", "/api/admin/sites", { ...office, name: "Kept" });
    expect(issuePaths(await adminCall(admin, "PATCH", `/api/admin/sites/${site.json.id}`, { employeeIds: ["nobody"] }))).toEqual(["employeeIds.0"]);
    expect((await adminCall(admin, "GET", `/api/admin/sites/${site.json.id}`)).json.employeeIds).toBeNull();
  });

  it("are read by managers and auditors, changed only by admins", async () => {
    const site = await adminCall(admin, "POST", "/api/admin/sites", { ...office, name: "Roles" });
    for (const who of [manager, auditor]) {
      expect((await adminCall(who, "GET", "/api/admin/sites")).status).toBe(200);
      expect((await adminCall(who, "GET", `/api/admin/sites/${site.json.id}`)).status).toBe(200);
      expectError(await adminCall(who, "POST", "/api/admin/sites", office), 403, "FORBIDDEN");
      expectError(await adminCall(who, "PATCH", `/api/admin/sites/${site.json.id}`, { name: "Mine" }), 403, "FORBIDDEN");
      expectError(await adminCall(who, "DELETE", `/api/admin/sites/${site.json.id}`), 403, "FORBIDDEN");
    }
    expect((await adminCall(admin, "GET", `/api/admin/sites/${site.json.id}`)).json.name).toBe("Roles");
    expect((await auditOf(site.json.id)).map((e) => e.action)).toEqual(["site.created"]);
  });
});

describe("employee locations", () => {
  it("are added, listed, changed and removed for one employee, each write audited", async () => {
    const base = `/api/admin/employees/${report.id}/locations`;
    const home = { name: "Home", lat: 48.1374, lon: 11.5755, radiusM: 50 };
    const created = await adminCall(admin, "POST", base, home);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ ...home, employeeId: report.id });
    await adminCall(admin, "POST", base, { ...home, name: "Cabin" });
    expect((await adminCall(admin, "GET", base)).json.items.map((l: { name: string }) => l.name)).toEqual(["Cabin", "Home"]);
    expect((await adminCall(admin, "GET", `/api/admin/employees/${outsider.id}/locations`)).json.items).toEqual([]);

    const id = created.json.id;
    const patched = await adminCall(admin, "PATCH", `${base}/${id}`, { radiusM: 80 });
    expect(patched.json).toMatchObject({ ...home, radiusM: 80 });
    // The location belongs to its employee: another employee's path does not reach it.
    expectError(await adminCall(admin, "PATCH", `/api/admin/employees/${outsider.id}/locations/${id}`, { radiusM: 1 }), 404, "NOT_FOUND");
    expect(issuePaths(await adminCall(admin, "PATCH", `${base}/${id}`, { lat: -90.5 }))).toContain("lat");
    expect(issuePaths(await adminCall(admin, "POST", base, { ...home, radiusM: 0 }))).toContain("radiusM");

    expect((await adminCall(admin, "DELETE", `${base}/${id}`)).json.id).toBe(id);
    expectError(await adminCall(admin, "DELETE", `${base}/${id}`), 404, "NOT_FOUND");
    expectError(await adminCall(admin, "GET", "/api/admin/employees/nobody/locations"), 404, "NOT_FOUND");
    expectError(await adminCall(admin, "POST", "/api/admin/employees/nobody/locations", home), 404, "NOT_FOUND");
    expect((await auditOf(id)).map((e) => e.action)).toEqual(["location.created", "location.updated", "location.deleted"]);
  });

  it("a manager manages their reports' locations only; an auditor reads", async () => {
    const home = { name: "Flat", lat: 1, lon: 2, radiusM: 10 };
    const mine = await adminCall(manager, "POST", `/api/admin/employees/${report.id}/locations`, home);
    expect(mine.status).toBe(201);
    expect((await adminCall(manager, "PATCH", `/api/admin/employees/${report.id}/locations/${mine.json.id}`, { name: "Flat 2" })).status).toBe(200);
    expectError(await adminCall(manager, "POST", `/api/admin/employees/${outsider.id}/locations`, home), 404, "NOT_FOUND");
    expectError(await adminCall(manager, "GET", `/api/admin/employees/${outsider.id}/locations`), 404, "NOT_FOUND");
    expect((await adminCall(auditor, "GET", `/api/admin/employees/${report.id}/locations`)).json.items.length).toBeGreaterThan(0);
    expectError(await adminCall(auditor, "POST", `/api/admin/employees/${report.id}/locations`, home), 403, "FORBIDDEN");
    expectError(await adminCall(auditor, "DELETE", `/api/admin/employees/${report.id}/locations/${mine.json.id}`), 403, "FORBIDDEN");
  });
});

describe("networks", () => {
  it("are created with the range normalised, listed, changed and deleted, each write audited", async () => {
    const v6 = await adminCall(admin, "POST", "/api/admin/networks", { name: "VPN v6", cidr: "2001:DB8:0:0:1::/48" });
    expect(v6.status).toBe(201);
    expect(v6.json).toMatchObject({ name: "VPN v6", cidr: "2001:db8::/48", employeeIds: null });
    const v4 = await adminCall(admin, "POST", "/api/admin/networks", { name: "Office", cidr: " 203.0.113.77/24 ", employeeIds: [report.id] });
    expect(v4.json).toMatchObject({ cidr: "203.0.113.0/24", employeeIds: [report.id] });
    expect((await adminCall(admin, "GET", "/api/admin/networks")).json.items.map((n: { name: string }) => n.name)).toEqual(["Office", "VPN v6"]);
    expect((await adminCall(admin, "GET", `/api/admin/networks/${v4.json.id}`)).json).toEqual(v4.json);

    const patched = await adminCall(admin, "PATCH", `/api/admin/networks/${v4.json.id}`, { cidr: "198.51.100.9/32" });
    expect(patched.json).toMatchObject({ name: "Office", cidr: "198.51.100.9/32", employeeIds: [report.id] });
    expect((await adminCall(admin, "DELETE", `/api/admin/networks/${v6.json.id}`)).status).toBe(200);
    expectError(await adminCall(admin, "GET", `/api/admin/networks/${v6.json.id}`), 404, "NOT_FOUND");
    expect((await auditOf(v6.json.id)).map((e) => e.action)).toEqual(["network.created", "network.deleted"]);
    expect((await auditOf(v4.json.id)).map((e) => e.data.cidr)).toEqual(["203.0.113.0/24", "198.51.100.9/32"]);
  });

  it("refuse ranges that are not CIDR and unknown employees", async () => {
    for (const cidr of ["10.0.0.0/33", "not-an-ip", "10.0.0.1", "2001:db8::/129", ""]) {
      expect(issuePaths(await adminCall(admin, "POST", "/api/admin/networks", { name: "Bad", cidr })), cidr).toContain("cidr");
    }
    expect(issuePaths(await adminCall(admin, "POST", "/api/admin/networks", { name: "Bad", cidr: "10.0.0.0/8", employeeIds: ["ghost"] }))).toEqual(["employeeIds.0"]);
    expectError(await adminCall(manager, "POST", "/api/admin/networks", { name: "M", cidr: "10.0.0.0/8" }), 403, "FORBIDDEN");
    expect((await adminCall(manager, "GET", "/api/admin/networks")).status).toBe(200);
  });
});

describe("sites and networks read by a manager", () => {
  it.each([
    ["sites", office],
    ["networks", { name: "Office", cidr: "192.0.2.0/24" }],
  ])("%s show only the manager's reports among their employees", async (path, body) => {
    const base = `/api/admin/${path}`;
    const mixed = (await adminCall(admin, "POST", base, { ...body, name: "Mixed", employeeIds: [outsider.id, report.id] })).json;
    const others = (await adminCall(admin, "POST", base, { ...body, name: "Others", employeeIds: [outsider.id] })).json;
    const everyone = (await adminCall(admin, "POST", base, { ...body, name: "Everyone" })).json;

    const list = await adminCall(manager, "GET", base);
    const seen = new Map(list.json.items.map((r: { id: string; employeeIds: string[] | null }) => [r.id, r.employeeIds]));
    expect([seen.get(mixed.id), seen.get(others.id), seen.get(everyone.id)]).toEqual([[report.id], [], null]);
    expect(list.text).not.toContain(outsider.id);
    const one = await adminCall(manager, "GET", `${base}/${mixed.id}`);
    expect(one.json.employeeIds).toEqual([report.id]);
    expect(one.text).not.toContain(outsider.id);

    // Admins and auditors read every employee.
    for (const who of [admin, auditor]) {
      expect((await adminCall(who, "GET", `${base}/${mixed.id}`)).json.employeeIds).toEqual([outsider.id, report.id]);
      const all = await adminCall(who, "GET", base);
      expect(all.json.items.find((r: { id: string }) => r.id === others.id).employeeIds).toEqual([outsider.id]);
    }
  });
});

const nineToFive = {
  name: "Office hours",
  kind: "fixed",
  days: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "09:00", end: "17:00" })),
  graceLateMin: 5,
  graceEarlyMin: 5,
  earliestInMin: 60,
};

describe("schedules", () => {
  it("are created with defaults filled in, listed, changed and deleted, each write audited", async () => {
    const created = await adminCall(admin, "POST", "/api/admin/schedules", nineToFive);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ ...nineToFive, timezone: null, coreStart: null, coreEnd: null, requiredMinutes: null, restDayWorkAllowed: false });
    const night = await adminCall(admin, "POST", "/api/admin/schedules", {
      ...nineToFive,
      name: "Night shift",
      timezone: "Asia/Tokyo",
      days: [{ weekday: 7, start: "22:00", end: "06:00" }],
    });
    expect(night.json.days).toEqual([{ weekday: 7, start: "22:00", end: "06:00" }]);
    expect((await adminCall(auditor, "GET", "/api/admin/schedules")).json.items.map((s: { name: string }) => s.name)).toEqual(["Night shift", "Office hours"]);

    const id = created.json.id;
    const flexible = await adminCall(admin, "PATCH", `/api/admin/schedules/${id}`, { kind: "flexible", coreStart: "10:00", coreEnd: "15:00", requiredMinutes: 420 });
    expect(flexible.status).toBe(200);
    expect(flexible.json).toMatchObject({ ...nineToFive, kind: "flexible", coreStart: "10:00", coreEnd: "15:00", requiredMinutes: 420 });
    expect((await adminCall(admin, "GET", `/api/admin/schedules/${id}`)).json).toEqual(flexible.json);

    expect((await adminCall(admin, "DELETE", `/api/admin/schedules/${night.json.id}`)).status).toBe(200);
    expectError(await adminCall(admin, "GET", `/api/admin/schedules/${night.json.id}`), 404, "NOT_FOUND");
    expect((await auditOf(id)).map((e) => e.action)).toEqual(["schedule.created", "schedule.updated"]);
    expect((await auditOf(night.json.id)).map((e) => e.action)).toEqual(["schedule.created", "schedule.deleted"]);
  });

  it.each([
    ["a weekday twice", { days: [{ weekday: 1, start: "09:00", end: "17:00" }, { weekday: 1, start: "18:00", end: "19:00" }] }, "days.1.weekday"],
    ["start equal to end", { days: [{ weekday: 2, start: "09:00", end: "09:00" }] }, "days.0.end"],
    ["coreStart without coreEnd", { kind: "flexible", coreStart: "10:00" }, "coreEnd"],
    ["an unknown time zone", { timezone: "Mars/Olympus_Mons" }, "timezone"],
    ["a time that is not HH:MM", { days: [{ weekday: 3, start: "9:00", end: "17:00" }] }, "days.0.start"],
    ["a weekday out of range", { days: [{ weekday: 0, start: "09:00", end: "17:00" }] }, "days.0.weekday"],
  ])("refuse %s, on create and on change", async (_what, fields, path) => {
    expect(issuePaths(await adminCall(admin, "POST", "/api/admin/schedules", { ...nineToFive, ...fields }))).toContain(path);
    const stored = await adminCall(admin, "POST", "/api/admin/schedules", { ...nineToFive, name: `Patch target ${path}` });
    expect(issuePaths(await adminCall(admin, "PATCH", `/api/admin/schedules/${stored.json.id}`, fields))).toContain(path);
    expect((await adminCall(admin, "GET", `/api/admin/schedules/${stored.json.id}`)).json).toEqual(stored.json);
  });

  it("a change is checked together with the stored schedule", async () => {
    const stored = await adminCall(admin, "POST", "/api/admin/schedules", { ...nineToFive, name: "Core", kind: "flexible", coreStart: "10:00", coreEnd: "15:00" });
    expect(issuePaths(await adminCall(admin, "PATCH", `/api/admin/schedules/${stored.json.id}`, { coreEnd: null }))).toContain("coreEnd");
    const cleared = await adminCall(admin, "PATCH", `/api/admin/schedules/${stored.json.id}`, { coreStart: null, coreEnd: null });
    expect(cleared.json).toMatchObject({ coreStart: null, coreEnd: null, name: "Core" });
  });

  it("one that employees follow cannot be deleted; an unknown one cannot be assigned", async () => {
    const schedule = await adminCall(admin, "POST", "/api/admin/schedules", { ...nineToFive, name: "Assigned" });
    const id = schedule.json.id;
    const a = await createEmployee(admin);
    const b = await createEmployee(admin);
    for (const e of [a, b]) expect((await adminCall(admin, "PATCH", `/api/admin/employees/${e.id}`, { scheduleId: id })).json.scheduleId).toBe(id);
    const refused = await adminCall(admin, "DELETE", `/api/admin/schedules/${id}`);
    expectError(refused, 409, "CONFLICT");
    expect(refused.json.error.message).toMatch(/^2 employees/);
    expect(refused.json.error.details).toEqual({ employees: 2 });

    expect(issuePaths(await adminCall(admin, "PATCH", `/api/admin/employees/${a.id}`, { scheduleId: "no-such-schedule" }))).toEqual(["scheduleId"]);
    expect((await adminCall(admin, "GET", `/api/admin/employees/${a.id}`)).json.scheduleId).toBe(id);
    for (const e of [a, b]) await adminCall(admin, "PATCH", `/api/admin/employees/${e.id}`, { scheduleId: null });
    expect((await adminCall(admin, "DELETE", `/api/admin/schedules/${id}`)).status).toBe(200);
  });

  it("are changed only by admins", async () => {
    expectError(await adminCall(manager, "POST", "/api/admin/schedules", nineToFive), 403, "FORBIDDEN");
    expectError(await adminCall(auditor, "POST", "/api/admin/schedules", nineToFive), 403, "FORBIDDEN");
    expect((await adminCall(manager, "GET", "/api/admin/schedules")).status).toBe(200);
  });
});

describe("holidays", () => {
  it("are added one per date, listed by date and year, renamed, moved and removed, each write audited", async () => {
    const newYear = await adminCall(admin, "POST", "/api/admin/holidays", { date: "2027-01-01", name: "New Year" });
    expect(newYear.status).toBe(201);
    expect(newYear.json).toMatchObject({ date: "2027-01-01", name: "New Year" });
    await adminCall(admin, "POST", "/api/admin/holidays", { date: "2026-12-25", name: "Christmas" });
    await adminCall(admin, "POST", "/api/admin/holidays", { date: "2026-05-01", name: "Labour Day" });
    const taken = await adminCall(admin, "POST", "/api/admin/holidays", { date: "2026-12-25", name: "Again" });
    expectError(taken, 409, "CONFLICT");

    expect((await adminCall(auditor, "GET", "/api/admin/holidays")).json.items.map((h: { date: string }) => h.date)).toEqual(["2026-05-01", "2026-12-25", "2027-01-01"]);
    expect((await adminCall(manager, "GET", "/api/admin/holidays?year=2026")).json.items.map((h: { name: string }) => h.name)).toEqual(["Labour Day", "Christmas"]);
    expectError(await adminCall(admin, "GET", "/api/admin/holidays?year=26"), 400, "VALIDATION_FAILED");

    const id = newYear.json.id;
    expect((await adminCall(admin, "PATCH", `/api/admin/holidays/${id}`, { name: "Neujahr" })).json).toMatchObject({ date: "2027-01-01", name: "Neujahr" });
    expectError(await adminCall(admin, "PATCH", `/api/admin/holidays/${id}`, { date: "2026-05-01" }), 409, "CONFLICT");
    expect((await adminCall(admin, "PATCH", `/api/admin/holidays/${id}`, { date: "2027-01-02" })).json.date).toBe("2027-01-02");
    expect((await adminCall(admin, "DELETE", `/api/admin/holidays/${id}`)).json.id).toBe(id);
    expectError(await adminCall(admin, "DELETE", `/api/admin/holidays/${id}`), 404, "NOT_FOUND");
    expect((await auditOf(id)).map((e) => e.action)).toEqual(["holiday.created", "holiday.updated", "holiday.updated", "holiday.deleted"]);
  });

  it("refuse dates that are not on the calendar and writes by non-admins", async () => {
    for (const date of ["2026-02-30", "2026-13-01", "26-01-01", "2026/01/01", "2025-02-29"]) {
      expect(issuePaths(await adminCall(admin, "POST", "/api/admin/holidays", { date, name: "Bad" })), date).toEqual(["date"]);
    }
    expect((await adminCall(admin, "POST", "/api/admin/holidays", { date: "2028-02-29", name: "Leap" })).status).toBe(201);
    expect(issuePaths(await adminCall(admin, "POST", "/api/admin/holidays/import", { items: [{ date: "2026-04-31", name: "Bad" }] }))).toEqual(["items.0.date"]);
    expectError(await adminCall(manager, "POST", "/api/admin/holidays", { date: "2026-07-04", name: "M" }), 403, "FORBIDDEN");
    expectError(await adminCall(manager, "POST", "/api/admin/holidays/import", { items: [{ date: "2026-07-04", name: "M" }] }), 403, "FORBIDDEN");
  });

  it("import adds new dates and renames existing ones; replaceYears also removes the rest of those years", async () => {
    await adminCall(admin, "POST", "/api/admin/holidays", { date: "2030-01-01", name: "New Year" });
    await adminCall(admin, "POST", "/api/admin/holidays", { date: "2030-10-03", name: "Unity Day" });
    await adminCall(admin, "POST", "/api/admin/holidays", { date: "2031-01-01", name: "Next year" });
    const keptId = (await adminCall(admin, "GET", "/api/admin/holidays?year=2030")).json.items[0].id;

    const merged = await adminCall(admin, "POST", "/api/admin/holidays/import", {
      items: [
        { date: "2030-01-01", name: "Neujahr" },
        { date: "2030-10-03", name: "Unity Day" },
        { date: "2030-12-25", name: "Weihnachten" },
      ],
    });
    expect(merged.status).toBe(200);
    expect(merged.json).toEqual({ created: 1, updated: 1, deleted: 0 });
    const after = (await adminCall(admin, "GET", "/api/admin/holidays?year=2030")).json.items;
    expect(after.map((h: { name: string }) => h.name)).toEqual(["Neujahr", "Unity Day", "Weihnachten"]);
    expect(after[0].id).toBe(keptId);

    const replaced = await adminCall(admin, "POST", "/api/admin/holidays/import", {
      items: [
        { date: "2030-12-25", name: "Christmas" },
        { date: "2030-12-26", name: "Boxing Day" },
      ],
      replaceYears: true,
    });
    expect(replaced.json).toEqual({ created: 1, updated: 1, deleted: 2 });
    expect((await adminCall(admin, "GET", "/api/admin/holidays?year=2030")).json.items.map((h: { name: string }) => h.name)).toEqual(["Christmas", "Boxing Day"]);
    // Years the list does not cover are left alone.
    expect((await adminCall(admin, "GET", "/api/admin/holidays?year=2031")).json.items).toHaveLength(1);

    const again = await adminCall(admin, "POST", "/api/admin/holidays/import", { items: [{ date: "2030-12-26", name: "Boxing Day" }] });
    expect(again.json).toEqual({ created: 0, updated: 0, deleted: 0 });
    expect(issuePaths(await adminCall(admin, "POST", "/api/admin/holidays/import", { items: [{ date: "2030-05-01", name: "A" }, { date: "2030-05-01", name: "B" }] }))).toEqual(["items.1.date"]);

    const { results } = await env.DB.prepare("SELECT data FROM audit_log WHERE action = 'holiday.imported' ORDER BY seq").all<{ data: string }>();
    expect(results).toHaveLength(2);
    expect(JSON.parse(results[1]!.data)).toMatchObject({
      replaceYears: true,
      years: ["2030"],
      created: [{ date: "2030-12-26", name: "Boxing Day" }],
      renamed: [{ date: "2030-12-25", name: "Christmas", was: "Weihnachten" }],
      deleted: [{ date: "2030-01-01" }, { date: "2030-10-03" }],
    });
  });

  it("import handles a list longer than D1 binds parameters", async () => {
    const items = Array.from({ length: 365 }, (_, i) => ({ date: new Date(Date.UTC(2040, 0, 1 + i)).toISOString().slice(0, 10), name: `Day ${i}` }));
    expect((await adminCall(admin, "POST", "/api/admin/holidays/import", { items })).json).toEqual({ created: 365, updated: 0, deleted: 0 });
    const renamed = items.map((item) => ({ ...item, name: `${item.name}!` }));
    expect((await adminCall(admin, "POST", "/api/admin/holidays/import", { items: renamed.slice(0, 200), replaceYears: true })).json).toEqual({ created: 0, updated: 200, deleted: 165 });
    expect((await adminCall(admin, "GET", "/api/admin/holidays?year=2040")).json.items).toHaveLength(200);
  });
});

describe("settings", () => {
  it("read as the defaults before anything is stored", async () => {
    const res = await adminCall(admin, "GET", "/api/admin/settings");
    expect(res.status).toBe(200);
    expect(res.json).toEqual(DEFAULT_SETTINGS);
    expect((await adminCall(auditor, "GET", "/api/admin/settings")).json).toEqual(DEFAULT_SETTINGS);
  });

  it("a change merges with what is stored (outcomes per reason), answers the settings in force and is audited", async () => {
    const first = await adminCall(admin, "PATCH", "/api/admin/settings", { outcomes: { outside_geofence: "reject" }, offlineWindowHours: 24 });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ ...DEFAULT_SETTINGS, offlineWindowHours: 24, outcomes: { ...DEFAULT_SETTINGS.outcomes, outside_geofence: "reject" } });
    const second = await adminCall(admin, "PATCH", "/api/admin/settings", { outcomes: { low_accuracy: "flag" }, allowedCountries: ["DE", "AT"] });
    const expected = {
      ...DEFAULT_SETTINGS,
      offlineWindowHours: 24,
      allowedCountries: ["DE", "AT"],
      outcomes: { ...DEFAULT_SETTINGS.outcomes, outside_geofence: "reject", low_accuracy: "flag" },
    };
    expect(second.json).toEqual(expected);
    expect((await adminCall(admin, "GET", "/api/admin/settings")).json).toEqual(expected);
    const audit = await auditOf("1");
    expect(audit.map((e) => [e.action, e.data])).toEqual([
      ["settings.updated", { outcomes: { outside_geofence: "reject" }, offlineWindowHours: 24 }],
      ["settings.updated", { outcomes: { low_accuracy: "flag" }, allowedCountries: ["DE", "AT"] }],
    ]);
  });

  it.each([
    ["nothing", {}],
    ["an unknown setting", { colour: "blue" }],
    ["an unknown reason", { outcomes: { sunspots: "reject" } }],
    ["an unknown outcome", { outcomes: { offline: "shrug" } }],
    ["an out-of-range number", { offlineWindowHours: 0 }],
    ["an unknown time zone", { defaultTimezone: "Atlantis/Capital" }],
    ["a lower-case country", { allowedCountries: ["de"] }],
    ["half a workday", { workday: { start: "08:00" } }],
  ])("refuse %s with 400 and keep what is stored", async (_what, body) => {
    const before = (await adminCall(admin, "GET", "/api/admin/settings")).json;
    expectError(await adminCall(admin, "PATCH", "/api/admin/settings", body), 400, "VALIDATION_FAILED");
    expect((await adminCall(admin, "GET", "/api/admin/settings")).json).toEqual(before);
  });

  it("managers neither read nor change them; auditors read only", async () => {
    const denied = await adminCall(manager, "GET", "/api/admin/settings");
    expectError(denied, 403, "FORBIDDEN");
    expect(denied.json.error.message).toMatch(/settings/);
    expectError(await adminCall(manager, "PATCH", "/api/admin/settings", { offlineWindowHours: 1 }), 403, "FORBIDDEN");
    expectError(await adminCall(auditor, "PATCH", "/api/admin/settings", { offlineWindowHours: 1 }), 403, "FORBIDDEN");
    expect((await adminCall(admin, "GET", "/api/admin/settings")).json.offlineWindowHours).not.toBe(1);
  });
});

describe("the console's rule configuration as a whole", () => {
  it("needs a console session or API key", async () => {
    for (const path of ["/api/admin/sites", "/api/admin/networks", "/api/admin/schedules", "/api/admin/holidays", "/api/admin/settings"]) {
      expectError(await call("GET", path), 401, "UNAUTHENTICATED");
    }
  });

  it("is listed in the OpenAPI document", async () => {
    const doc = (await call("GET", "/api/openapi.json")).json;
    const methods = (path: string) => Object.keys(doc.paths[path] ?? {}).sort();
    expect(methods("/api/admin/sites")).toEqual(["get", "post"]);
    expect(methods("/api/admin/sites/{id}")).toEqual(["delete", "get", "patch"]);
    expect(methods("/api/admin/networks")).toEqual(["get", "post"]);
    expect(methods("/api/admin/networks/{id}")).toEqual(["delete", "get", "patch"]);
    expect(methods("/api/admin/schedules")).toEqual(["get", "post"]);
    expect(methods("/api/admin/schedules/{id}")).toEqual(["delete", "get", "patch"]);
    expect(methods("/api/admin/holidays")).toEqual(["get", "post"]);
    expect(methods("/api/admin/holidays/import")).toEqual(["post"]);
    expect(methods("/api/admin/holidays/{id}")).toEqual(["delete", "patch"]);
    expect(methods("/api/admin/settings")).toEqual(["get", "patch"]);
    expect(methods("/api/admin/employees/{id}/locations")).toEqual(["get", "post"]);
    expect(methods("/api/admin/employees/{id}/locations/{locationId}")).toEqual(["delete", "patch"]);
    const siteBody = doc.paths["/api/admin/sites"].post.requestBody.content["application/json"].schema;
    expect(siteBody.required).toEqual(expect.arrayContaining(["name", "lat", "lon", "radiusM"]));
    expect(doc.paths["/api/admin/holidays"].get.parameters.map((p: { name: string }) => p.name)).toContain("year");
  });
});
