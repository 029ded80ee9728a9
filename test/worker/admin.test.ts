import { beforeAll, describe, expect, it } from "vitest";
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

let admin: Admin;
let manager: Admin;
let auditor: Admin;
let plain: Admin;
let report: { id: string };
let indirectReport: { id: string };
let outsider: { id: string };

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  const m = await createEmployee(admin, { name: "Mona Manager", role: "manager" });
  const lead = await createEmployee(admin, { name: "Lee Lead", role: "manager", managerId: m.id });
  report = await createEmployee(admin, { name: "Rita Report", managerId: m.id });
  indirectReport = await createEmployee(admin, { name: "Ivan Indirect", managerId: lead.id });
  outsider = await createEmployee(admin, { name: "Otto Outsider" });
  manager = await consoleSessionFor(admin, m.id);
  auditor = await consoleSessionFor(admin, (await createEmployee(admin, { name: "Aud Itor", role: "auditor" })).id);
  plain = await consoleSessionFor(admin, (await createEmployee(admin, { name: "Emma Employee" })).id);
});

describe("console session rules", () => {
  it("an unsafe request with the cookie but a foreign or missing Origin is refused", async () => {
    const body = { name: "X", email: "x@example.com" };
    expectError(await call("POST", "/api/admin/employees", { body, cookie: admin.cookie, origin: "https://evil.example" }), 403, "ORIGIN_NOT_ALLOWED");
    expectError(await call("POST", "/api/admin/employees", { body, cookie: admin.cookie }), 403, "ORIGIN_NOT_ALLOWED");
    // Reads need no Origin (top-level navigation sends none).
    expect((await call("GET", "/api/admin/employees", { cookie: admin.cookie })).status).toBe(200);
  });

  it("no session: 401 UNAUTHENTICATED; an employee-role session: 403 FORBIDDEN", async () => {
    expectError(await call("GET", "/api/admin/employees"), 401, "UNAUTHENTICATED");
    expectError(await adminCall(plain, "GET", "/api/admin/employees"), 403, "FORBIDDEN");
    expectError(await adminCall(plain, "GET", "/api/admin/punches"), 403, "FORBIDDEN");
  });

  it("an extension employee token does not open the admin API", async () => {
    const device = await enrolDevice(admin, (await createEmployee(admin)).id);
    expectError(await call("GET", "/api/admin/employees", { token: device.token }), 401, "UNAUTHENTICATED");
  });
});

describe("roles", () => {
  it("an auditor reads everything and changes nothing", async () => {
    const list = await adminCall(auditor, "GET", "/api/admin/employees");
    expect(list.json.items.length).toBeGreaterThanOrEqual(7);
    expect((await adminCall(auditor, "GET", `/api/admin/employees/${outsider.id}`)).status).toBe(200);
    expectError(await adminCall(auditor, "POST", "/api/admin/employees", { name: "New", email: "new@example.com" }), 403, "FORBIDDEN");
    expectError(await adminCall(auditor, "PATCH", `/api/admin/employees/${outsider.id}`, { name: "Renamed" }), 403, "FORBIDDEN");
    expectError(await adminCall(auditor, "DELETE", `/api/admin/employees/${outsider.id}`), 403, "FORBIDDEN");
    expectError(await adminCall(auditor, "POST", `/api/admin/employees/${outsider.id}/enrollment-codes`, { purpose: "extension" }), 403, "FORBIDDEN");
  });

  it("a manager sees and manages their reports, direct and indirect, and nobody else", async () => {
    const list = await adminCall(manager, "GET", "/api/admin/employees");
    const names = list.json.items.map((e: { name: string }) => e.name).sort();
    expect(names).toEqual(["Ivan Indirect", "Lee Lead", "Rita Report"]);
    expect((await adminCall(manager, "GET", `/api/admin/employees/${indirectReport.id}`)).status).toBe(200);
    expectError(await adminCall(manager, "GET", `/api/admin/employees/${outsider.id}`), 404, "NOT_FOUND");
    expectError(await adminCall(manager, "PATCH", `/api/admin/employees/${outsider.id}`, { name: "Hijacked" }), 404, "NOT_FOUND");
    expect((await adminCall(manager, "POST", `/api/admin/employees/${report.id}/enrollment-codes`, { purpose: "extension" })).status).toBe(201);
    expectError(await adminCall(manager, "POST", `/api/admin/employees/${report.id}/enrollment-codes`, { purpose: "console" }), 403, "FORBIDDEN");
    expectError(await adminCall(manager, "PATCH", `/api/admin/employees/${report.id}`, { role: "admin" }), 403, "FORBIDDEN");
  });

  it("only admins add employees (a manager could otherwise probe which emails are taken)", async () => {
    expectError(await adminCall(manager, "POST", "/api/admin/employees", { name: "New Hire", email: "hire@example.com" }), 403, "FORBIDDEN");
    expectError(await adminCall(manager, "POST", "/api/admin/employees", { name: "Boss", email: "boss@example.com", role: "admin" }), 403, "FORBIDDEN");
    const created = await adminCall(admin, "POST", "/api/admin/employees", { name: "New Hire", email: "hire@example.com", managerId: manager.id });
    expect(created.status).toBe(201);
    expect(created.json.managerId).toBe(manager.id);
  });

  it("a manager sees only their reports' punches", async () => {
    const mine = await enrolDevice(admin, report.id);
    const theirs = await enrolDevice(admin, outsider.id);
    await call("POST", "/api/punches", { body: await sign(mine, makePunch(mine, { nonce: await nonce() })) });
    await call("POST", "/api/punches", { body: await sign(theirs, makePunch(theirs, { nonce: await nonce() })) });
    const page = await adminCall(manager, "GET", "/api/admin/punches");
    expect(page.json.items.map((p: { employeeId: string }) => p.employeeId)).toEqual([report.id]);
    const all = await adminCall(auditor, "GET", "/api/admin/punches");
    expect(all.json.items).toHaveLength(2);
  });
});

describe("employee records", () => {
  it("creates, reads, updates and deactivates with validation", async () => {
    const created = await adminCall(admin, "POST", "/api/admin/employees", { name: "  Wang Fang  ", email: "Wang.Fang@Example.com", timezone: "Asia/Shanghai" });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: "Wang Fang", email: "wang.fang@example.com", role: "employee", timezone: "Asia/Shanghai", active: true, managerId: null, scheduleId: null });
    expectError(await adminCall(admin, "POST", "/api/admin/employees", { name: "Dup", email: "wang.fang@example.com" }), 409, "EMAIL_TAKEN");
    expectError(await adminCall(admin, "POST", "/api/admin/employees", { name: "Bad", email: "bad@example.com", timezone: "Mars/Olympus" }), 400, "VALIDATION_FAILED");
    expectError(await adminCall(admin, "POST", "/api/admin/employees", { name: "Bad", email: "not-an-email" }), 400, "VALIDATION_FAILED");
    expectError(await adminCall(admin, "POST", "/api/admin/employees", { name: "Bad", email: "b2@example.com", managerId: "nobody" }), 400, "VALIDATION_FAILED");

    const id = created.json.id;
    const patched = await adminCall(admin, "PATCH", `/api/admin/employees/${id}`, { timezone: "Asia/Kolkata", managerId: manager.id });
    expect(patched.json).toMatchObject({ timezone: "Asia/Kolkata", managerId: manager.id, name: "Wang Fang" });
    expectError(await adminCall(admin, "PATCH", `/api/admin/employees/${id}`, {}), 400, "VALIDATION_FAILED");
    expectError(await adminCall(admin, "PATCH", `/api/admin/employees/${manager.id}`, { managerId: manager.id }), 400, "VALIDATION_FAILED");
    expectError(await adminCall(admin, "GET", "/api/admin/employees/does-not-exist"), 404, "NOT_FOUND");

    const gone = await adminCall(admin, "DELETE", `/api/admin/employees/${id}`);
    expect(gone.json.active).toBe(false);
    const inactive = await adminCall(admin, "GET", "/api/admin/employees?active=false");
    expect(inactive.json.items.map((e: { id: string }) => e.id)).toContain(id);
    expectError(await adminCall(admin, "POST", `/api/admin/employees/${id}/enrollment-codes`, { purpose: "extension" }), 400, "VALIDATION_FAILED");
  });

  it("an admin cannot deactivate themselves or drop their own role", async () => {
    expectError(await adminCall(admin, "DELETE", `/api/admin/employees/${admin.id}`), 400, "VALIDATION_FAILED");
    expectError(await adminCall(admin, "PATCH", `/api/admin/employees/${admin.id}`, { role: "employee" }), 400, "VALIDATION_FAILED");
  });

  it("a deactivated manager's console session ends at once", async () => {
    const m2 = await consoleSessionFor(admin, (await createEmployee(admin, { role: "manager" })).id);
    expect((await adminCall(m2, "GET", "/api/admin/employees")).status).toBe(200);
    await adminCall(admin, "PATCH", `/api/admin/employees/${m2.id}`, { active: false });
    expectError(await adminCall(m2, "GET", "/api/admin/employees"), 401, "UNAUTHENTICATED");
  });

  it("rejects a malformed paging cursor with 400", async () => {
    expectError(await adminCall(admin, "GET", "/api/admin/punches?cursor=!!!"), 400, "VALIDATION_FAILED");
    expectError(await adminCall(admin, "GET", "/api/admin/punches?limit=0"), 400, "VALIDATION_FAILED");
    expectError(await adminCall(admin, "GET", "/api/admin/punches?status=maybe"), 400, "VALIDATION_FAILED");
  });
});

describe("unknown routes", () => {
  it("answer 404 in the error shape, never HTML", async () => {
    const res = await call("GET", "/api/nothing-here");
    expectError(res, 404, "NOT_FOUND");
    expect(res.headers.get("Content-Type")).toMatch(/application\/json/);
    void CONSOLE_ORIGIN;
  });
});
