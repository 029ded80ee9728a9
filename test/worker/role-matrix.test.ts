/**
 * Every role on every route: each route of /api/openapi.json, with each kind of caller, gets the
 * decision written down here. A route the table has no decision for fails the test, so a new
 * route cannot ship without one. Write routes get valid bodies, so that the role check (not
 * validation) decides; resources a call may change or remove are made fresh for each caller.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  adminCall,
  call,
  consoleSessionFor,
  createEmployee,
  enrolDevice,
  makePunch,
  setUpFirstAdmin,
  sign,
  type Admin,
} from "./helpers";

const CALLERS = ["anon", "employee", "managerIn", "managerOut", "auditor", "admin", "keyAdmin", "keyManager", "keyAuditor", "foreignOrigin"] as const;
type Caller = (typeof CALLERS)[number];
/** "ok": anything but 401, 403, 404 or a 5xx (a 400 or 409 means the role check let it through). */
type Expected = "ok" | 401 | 403 | 404;

let admin: Admin;
let manager: Admin;
let auditor: Admin;
let employeeToken: string;
const keys: Partial<Record<"admin" | "manager" | "auditor", string>> = {};

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  const managerRow = await createEmployee(admin, { role: "manager", name: "Team Lead" });
  manager = await consoleSessionFor(admin, managerRow.id);
  auditor = await consoleSessionFor(admin, (await createEmployee(admin, { role: "auditor" })).id);
  employeeToken = (await enrolDevice(admin, (await createEmployee(admin, { managerId: managerRow.id })).id)).token;
  for (const role of ["admin", "manager", "auditor"] as const) {
    keys[role] = (await adminCall(admin, "POST", "/api/admin/api-keys", { label: `matrix ${role}`, role })).json.key;
  }
}, 120_000);

// ---- fresh resources ---------------------------------------------------------------------

let counter = 0;
const unique = () => `${Date.now().toString(36)}-${++counter}`;

/** An employee in the manager's team (for every caller but managerOut and keyManager) or outside it. */
async function person(caller: Caller) {
  const outside = caller === "managerOut" || caller === "keyManager";
  return createEmployee(admin, { name: `Person ${unique()}`, ...(outside ? {} : { managerId: manager.id }) });
}

async function personWithDevice(caller: Caller) {
  const p = await person(caller);
  return { person: p, device: await enrolDevice(admin, p.id) };
}

async function flaggedPunch(caller: Caller) {
  const { device } = await personWithDevice(caller);
  const res = await call("POST", "/api/punches", { body: await sign(device, makePunch(device, { nonce: null, clientTime: Date.now() - 60_000 })) });
  return res.json.punch.id as string;
}

async function correction(caller: Caller, withEvidence = false) {
  const { device } = await personWithDevice(caller);
  const date = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
  const fields = { date, kind: "in", time: Date.parse(`${date}T12:00:00Z`), reason: "matrix" };
  if (!withEvidence) return (await call("POST", "/api/me/corrections", { body: fields, token: device.token })).json.correction;
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, String(v));
  form.append("evidence", new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], "e.png"));
  const worker = (await import("../../worker/index")).default;
  const { createExecutionContext } = await import("cloudflare:test");
  const res = await worker.fetch(
    new Request("http://localhost:8787/api/me/corrections", { method: "POST", body: form, headers: { Authorization: `Bearer ${device.token}` } }),
    env,
    createExecutionContext(),
  );
  return ((await res.json()) as { correction: { id: string; evidence: { id: string }[] } }).correction;
}

/** A pending correction of the employee whose token the "employee" caller uses. */
let owned: string | undefined;
async function ownCorrection(): Promise<string> {
  const date = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  owned ??= (await call("POST", "/api/me/corrections", { body: { date, kind: "out", time: Date.parse(`${date}T12:00:00Z`), reason: "matrix" }, token: employeeToken })).json.correction.id;
  return owned!;
}

async function created(path: string, body: unknown): Promise<string> {
  const res = await adminCall(admin, "POST", path, body);
  if (res.status !== 201) throw new Error(`setup ${path}: ${res.status} ${res.text}`);
  return res.json.id;
}

const site = () => created("/api/admin/sites", { name: `Site ${unique()}`, lat: 1, lon: 2, radiusM: 100 });
const network = () => created("/api/admin/networks", { name: `Net ${unique()}`, cidr: "10.0.0.0/8" });
const schedule = () =>
  created("/api/admin/schedules", { name: `Shift ${unique()}`, kind: "fixed", days: [{ weekday: 1, start: "09:00", end: "17:00" }], graceLateMin: 0, graceEarlyMin: 0, earliestInMin: 60 });
const holiday = () => created("/api/admin/holidays", { date: `2031-${String((counter % 12) + 1).padStart(2, "0")}-${String((counter % 27) + 1).padStart(2, "0")}`, name: `Day ${unique()}` });
async function location(caller: Caller) {
  const p = await person(caller);
  return { id: p.id, locationId: await created(`/api/admin/employees/${p.id}/locations`, { name: "Home", lat: 1, lon: 2, radiusM: 50 }) };
}

// ---- decisions ------------------------------------------------------------------------------

type Decision = Partial<Record<Caller, Expected>> & { default: Expected };

/** Routes that work without signing in: nobody's role matters (no 5xx for anyone). */
const PUBLIC = "public" as const;
const ME: Decision = { default: 401, employee: "ok" };
const adminBase: Decision = { default: "ok", anon: 401, employee: 401 };
/** Read, scoped: lists are filtered; one thing outside the manager's team is hidden. */
const READ_LIST: Decision = { ...adminBase };
const READ_ONE: Decision = { ...adminBase, managerOut: 404, keyManager: 404 };
/** Admins, and auditors reading. */
const AUDIT_READ: Decision = { ...adminBase, managerIn: 403, managerOut: 403, keyManager: 403 };
/** Company-wide configuration: everyone reads, admins change. */
const CONFIG_READ: Decision = { ...adminBase };
const SETTINGS_READ: Decision = { ...adminBase, managerIn: 403, managerOut: 403, keyManager: 403 };
const ADMIN_WRITE: Decision = { ...adminBase, managerIn: 403, managerOut: 403, keyManager: 403, auditor: 403, keyAuditor: 403, foreignOrigin: 403 };
const ADMIN_ONLY_READ: Decision = { ...ADMIN_WRITE, foreignOrigin: "ok" };
/** Changing someone: admins anyone, managers their team's employees, auditors nobody. */
const SCOPED_WRITE: Decision = { ...adminBase, managerOut: 404, keyManager: 404, auditor: 403, keyAuditor: 403, foreignOrigin: 403 };

interface Route {
  decision: Decision | typeof PUBLIC;
  asAnonymous?: boolean;
  /** Path parameters, made for each caller. */
  params?: (caller: Caller) => Promise<Record<string, string>>;
  body?: (caller: Caller) => unknown;
}

const today = new Date().toISOString().slice(0, 10);

const ROUTES: Record<string, Route> = {
  "GET /api/health": { decision: PUBLIC },
  "GET /api/receipts/key": { decision: PUBLIC },
  "POST /api/setup": { decision: PUBLIC, body: () => ({ token: "x", name: "X", email: "x@example.com" }) },
  "POST /api/enroll/options": { decision: PUBLIC, body: () => ({ code: "ABCDE-FGHJK" }) },
  "POST /api/enroll/verify": { decision: PUBLIC, body: () => ({}) },
  "GET /api/punch/nonce": { decision: PUBLIC },
  "POST /api/punches": { decision: PUBLIC, body: () => ({}) },
  "POST /api/punches/batch": { decision: PUBLIC, body: () => ({ items: [{}] }) },
  "POST /api/console/enroll/options": { decision: PUBLIC, body: () => ({ code: "ABCDE-FGHJK" }) },
  "POST /api/console/enroll/verify": { decision: PUBLIC, body: () => ({}) },
  "POST /api/console/login/options": { decision: PUBLIC, body: () => ({}) },
  "POST /api/console/login/verify": { decision: PUBLIC, body: () => ({}) },
  // Sent without the callers' cookies: signing out would end the sessions the other routes use.
  "POST /api/console/logout": { decision: PUBLIC, asAnonymous: true },
  "GET /api/console/session": { decision: { default: "ok", anon: 401, employee: 401, keyAdmin: 401, keyManager: 401, keyAuditor: 401 } },

  "POST /api/me/corrections": { decision: ME, body: () => ({ date: today, kind: "in", time: Date.now() - 1000, reason: "matrix" }) },
  "GET /api/me/corrections": { decision: ME },
  "DELETE /api/me/corrections/{id}": { decision: ME, params: async () => ({ id: await ownCorrection() }) },
  "GET /api/me": { decision: ME },
  "GET /api/me/punches": { decision: ME },
  "GET /api/me/export": { decision: ME },

  "GET /api/admin/employees": { decision: READ_LIST },
  "POST /api/admin/employees": { decision: ADMIN_WRITE, body: () => ({ name: "New", email: `new-${unique()}@example.com` }) },
  "POST /api/admin/employees/import": { decision: ADMIN_WRITE, body: () => ({ rows: [{ name: "Imp", email: `imp-${unique()}@example.com` }], dryRun: true }) },
  "GET /api/admin/employees/{id}": { decision: READ_ONE, params: async (c) => ({ id: (await person(c)).id }) },
  "PATCH /api/admin/employees/{id}": { decision: SCOPED_WRITE, params: async (c) => ({ id: (await person(c)).id }), body: () => ({ name: "Renamed" }) },
  "DELETE /api/admin/employees/{id}": { decision: SCOPED_WRITE, params: async (c) => ({ id: (await person(c)).id }) },
  "POST /api/admin/employees/{id}/enrollment-codes": { decision: SCOPED_WRITE, params: async (c) => ({ id: (await person(c)).id }), body: () => ({ purpose: "extension" }) },
  "GET /api/admin/employees/{id}/devices": { decision: READ_ONE, params: async (c) => ({ id: (await person(c)).id }) },
  "GET /api/admin/employees/{id}/locations": { decision: READ_ONE, params: async (c) => ({ id: (await person(c)).id }) },
  "POST /api/admin/employees/{id}/locations": { decision: SCOPED_WRITE, params: async (c) => ({ id: (await person(c)).id }), body: () => ({ name: "Home", lat: 1, lon: 2, radiusM: 50 }) },
  "PATCH /api/admin/employees/{id}/locations/{locationId}": { decision: SCOPED_WRITE, params: location, body: () => ({ radiusM: 80 }) },
  "DELETE /api/admin/employees/{id}/locations/{locationId}": { decision: SCOPED_WRITE, params: location },
  "DELETE /api/admin/devices/{id}": {
    decision: SCOPED_WRITE,
    params: async (c) => {
      const { person: p } = await personWithDevice(c);
      return { id: (await adminCall(admin, "GET", `/api/admin/employees/${p.id}/devices`)).json.items[0].id };
    },
  },
  "GET /api/admin/punches": { decision: READ_LIST },
  "POST /api/admin/punches": { decision: SCOPED_WRITE, body: () => ({ employeeId: "set-in-params", kind: "in", time: Date.now() - 60_000, reason: "matrix" }), params: async (c) => ({ employeeId: (await person(c)).id }) },
  "GET /api/admin/punches/proofs": { decision: READ_LIST },
  "GET /api/admin/punches/{id}": { decision: READ_ONE, params: async (c) => ({ id: await flaggedPunch(c) }) },
  "POST /api/admin/punches/{id}/review": { decision: SCOPED_WRITE, params: async (c) => ({ id: await flaggedPunch(c) }), body: () => ({ decision: "accept", comment: "ok" }) },
  "GET /api/admin/sites": { decision: CONFIG_READ },
  "POST /api/admin/sites": { decision: ADMIN_WRITE, body: () => ({ name: "S", lat: 1, lon: 2, radiusM: 100 }) },
  "GET /api/admin/sites/{id}": { decision: CONFIG_READ, params: async () => ({ id: await site() }) },
  "PATCH /api/admin/sites/{id}": { decision: ADMIN_WRITE, params: async () => ({ id: await site() }), body: () => ({ radiusM: 150 }) },
  "DELETE /api/admin/sites/{id}": { decision: ADMIN_WRITE, params: async () => ({ id: await site() }) },
  "GET /api/admin/networks": { decision: CONFIG_READ },
  "POST /api/admin/networks": { decision: ADMIN_WRITE, body: () => ({ name: "N", cidr: "192.0.2.0/24" }) },
  "GET /api/admin/networks/{id}": { decision: CONFIG_READ, params: async () => ({ id: await network() }) },
  "PATCH /api/admin/networks/{id}": { decision: ADMIN_WRITE, params: async () => ({ id: await network() }), body: () => ({ name: "N2" }) },
  "DELETE /api/admin/networks/{id}": { decision: ADMIN_WRITE, params: async () => ({ id: await network() }) },
  "GET /api/admin/schedules": { decision: CONFIG_READ },
  "POST /api/admin/schedules": {
    decision: ADMIN_WRITE,
    body: () => ({ name: `Shift ${unique()}`, kind: "fixed", days: [{ weekday: 2, start: "08:00", end: "16:00" }], graceLateMin: 0, graceEarlyMin: 0, earliestInMin: 30 }),
  },
  "GET /api/admin/schedules/{id}": { decision: CONFIG_READ, params: async () => ({ id: await schedule() }) },
  "PATCH /api/admin/schedules/{id}": { decision: ADMIN_WRITE, params: async () => ({ id: await schedule() }), body: () => ({ name: `Renamed ${unique()}` }) },
  "DELETE /api/admin/schedules/{id}": { decision: ADMIN_WRITE, params: async () => ({ id: await schedule() }) },
  "GET /api/admin/holidays": { decision: CONFIG_READ },
  "POST /api/admin/holidays": { decision: ADMIN_WRITE, body: () => ({ date: `2032-01-${String((counter % 27) + 1).padStart(2, "0")}`, name: `H ${unique()}` }) },
  "POST /api/admin/holidays/import": { decision: ADMIN_WRITE, body: () => ({ items: [{ date: "2033-05-01", name: "Labour Day" }] }) },
  "PATCH /api/admin/holidays/{id}": { decision: ADMIN_WRITE, params: async () => ({ id: await holiday() }), body: () => ({ name: `Renamed ${unique()}` }) },
  "DELETE /api/admin/holidays/{id}": { decision: ADMIN_WRITE, params: async () => ({ id: await holiday() }) },
  "GET /api/admin/settings": { decision: SETTINGS_READ },
  "PATCH /api/admin/settings": { decision: ADMIN_WRITE, body: () => ({ offlineWindowHours: 72 }) },
  "GET /api/admin/reports/timesheet": { decision: READ_LIST },
  "GET /api/admin/reports/summary": { decision: READ_LIST },
  "POST /api/admin/maintenance": { decision: ADMIN_WRITE },
  "GET /api/admin/corrections": { decision: READ_LIST },
  "GET /api/admin/corrections/{id}": { decision: READ_ONE, params: async (c) => ({ id: (await correction(c)).id }) },
  "GET /api/admin/corrections/{id}/evidence/{evidenceId}": {
    decision: READ_ONE,
    params: async (c) => {
      const made = await correction(c, true);
      return { id: made.id, evidenceId: made.evidence[0]!.id };
    },
  },
  "POST /api/admin/corrections/{id}/decision": { decision: SCOPED_WRITE, params: async (c) => ({ id: (await correction(c)).id }), body: () => ({ approve: false, comment: "matrix" }) },
  "GET /api/admin/today": { decision: READ_LIST },
  "GET /api/admin/api-keys": { decision: ADMIN_ONLY_READ },
  "POST /api/admin/api-keys": { decision: ADMIN_WRITE, body: () => ({ label: "K", role: "auditor" }) },
  "DELETE /api/admin/api-keys/{id}": { decision: ADMIN_WRITE, params: async () => ({ id: await created("/api/admin/api-keys", { label: "Doomed", role: "auditor" }) }) },
  "GET /api/admin/audit": { decision: AUDIT_READ },
  "GET /api/admin/audit/verify": { decision: AUDIT_READ },
  "GET /api/admin/audit/checkpoints": { decision: AUDIT_READ },
  "GET /api/admin/archive": { decision: AUDIT_READ },
  // No month is archived here: whoever may read archives learns that (404); the others are refused first.
  "GET /api/admin/archive/{month}": { decision: { ...AUDIT_READ, default: 404 }, params: async () => ({ month: "2001-01" }) },
};

/** Query strings some reads need to be valid. */
const QUERY: Record<string, string> = {
  "GET /api/admin/reports/timesheet": `?from=${today}&to=${today}`,
  "GET /api/admin/reports/summary": `?from=${today}&to=${today}`,
};

function request(caller: Caller, method: string, path: string, body: unknown) {
  switch (caller) {
    case "anon":
      return call(method, path, { body });
    case "employee":
      return call(method, path, { body, token: employeeToken });
    case "managerIn":
    case "managerOut":
      return adminCall(manager, method, path, body);
    case "auditor":
      return adminCall(auditor, method, path, body);
    case "admin":
      return adminCall(admin, method, path, body);
    case "keyAdmin":
      return call(method, path, { body, token: keys.admin });
    case "keyManager":
      return call(method, path, { body, token: keys.manager });
    case "keyAuditor":
      return call(method, path, { body, token: keys.auditor });
    case "foreignOrigin":
      return call(method, path, { body, cookie: admin.cookie, origin: "https://evil.example" });
  }
}

const classify = (status: number): Expected | "5xx" => (status >= 500 ? "5xx" : status === 401 || status === 403 || status === 404 ? status : "ok");

describe("every role on every route", () => {
  it("every route in the OpenAPI document has a decision here, and every decision a route", async () => {
    const doc = (await call("GET", "/api/openapi.json")).json;
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.filter((r) => !(r in ROUTES))).toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !documented.includes(r))).toEqual([]);
  });

  it.each(Object.keys(ROUTES))("%s", async (key) => {
    const route = ROUTES[key]!;
    const [method, template] = key.split(" ") as [string, string];
    const got: Partial<Record<Caller, Expected | "5xx">> = {};
    const want: Partial<Record<Caller, Expected | "no 5xx">> = {};
    for (const caller of CALLERS) {
      const params = route.params ? await route.params(caller) : {};
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? "none")) + (QUERY[key] ?? "");
      let body = route.body?.(caller);
      if (body && typeof body === "object" && "employeeId" in body && params.employeeId) body = { ...body, employeeId: params.employeeId };
      const res = await request(route.asAnonymous ? "anon" : caller, method, path, body);
      const seen = classify(res.status);
      if (route.decision === PUBLIC) {
        got[caller] = seen === "5xx" ? "5xx" : "ok";
        want[caller] = "no 5xx";
        if (seen !== "5xx") got[caller] = undefined;
        if (seen !== "5xx") want[caller] = undefined;
      } else {
        got[caller] = seen;
        want[caller] = route.decision[caller] ?? route.decision.default;
      }
    }
    expect(got).toEqual(want);
  }, 60_000);
});
