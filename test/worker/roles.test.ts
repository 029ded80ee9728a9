import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../shared/api";
import { adminCall, consoleSessionFor, createEmployee, enrolDevice, expectError, setUpFirstAdmin, type Admin } from "./helpers";

// DESIGN.md §6: a manager changes only people whose role is `employee` (their reports);
// an auditor changes nothing; nobody grants a role above their own.

let admin: Admin;
let manager: Admin;
let auditor: Admin;
let outsider: { id: string; email: string };

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  manager = await consoleSessionFor(admin, (await createEmployee(admin, { name: "Mona Manager", role: "manager" })).id);
  auditor = await consoleSessionFor(admin, (await createEmployee(admin, { name: "Aud Itor", role: "auditor" })).id);
  outsider = await createEmployee(admin, { name: "Otto Outsider" });
});

type Actor = "admin" | "manager" | "auditor";
const actor = (who: Actor) => ({ admin, manager, auditor })[who];

/** Everything about one employee that a write could change, read straight from D1. */
async function stateOf(employeeId: string) {
  const all = async (query: string) => (await env.DB.prepare(query).bind(employeeId).all()).results;
  const employee = await all("SELECT name, email, role, manager_id, active, updated_at FROM employees WHERE id = ?");
  const codes = await all("SELECT id FROM enrollment_codes WHERE employee_id = ? ORDER BY id");
  const locations = await all("SELECT id, name, lat, lon, radius_m, updated_at FROM employee_locations WHERE employee_id = ? ORDER BY id");
  const devices = await all("SELECT id, revoked_at FROM devices WHERE employee_id = ? ORDER BY id");
  const subjects = [employeeId, ...locations.map((l) => l.id), ...devices.map((d) => d.id)] as string[];
  const audit = (
    await env.DB.prepare(`SELECT seq FROM audit_log WHERE subject_id IN (${subjects.map(() => "?").join(",")})`)
      .bind(...subjects)
      .all()
  ).results;
  return { employee, codes, locations, devices, audit: audit.length };
}

const home = { name: "Home", lat: 48.1374, lon: 11.5755, radiusM: 50 };

interface Action {
  /** Set the target up as the action needs it (by the admin); what `run` needs to know. */
  prepare?: (targetId: string) => Promise<string>;
  run: (who: Admin, targetId: string, prepared: string) => ReturnType<typeof adminCall>;
}

const ACTIONS = {
  "change the name": { run: (who, id) => adminCall(who, "PATCH", `/api/admin/employees/${id}`, { name: "Renamed" }) },
  "change the email": { run: (who, id) => adminCall(who, "PATCH", `/api/admin/employees/${id}`, { email: `new-${id}@example.com` }) },
  deactivate: { run: (who, id) => adminCall(who, "DELETE", `/api/admin/employees/${id}`) },
  reactivate: {
    prepare: async (id) => {
      expect((await adminCall(admin, "DELETE", `/api/admin/employees/${id}`)).status).toBe(200);
      return "";
    },
    run: (who, id) => adminCall(who, "PATCH", `/api/admin/employees/${id}`, { active: true }),
  },
  "issue an extension code": { run: (who, id) => adminCall(who, "POST", `/api/admin/employees/${id}/enrollment-codes`, { purpose: "extension" }) },
  "add a location": { run: (who, id) => adminCall(who, "POST", `/api/admin/employees/${id}/locations`, home) },
  "change a location": {
    prepare: async (id) => (await adminCall(admin, "POST", `/api/admin/employees/${id}/locations`, home)).json.id,
    run: (who, id, locationId) => adminCall(who, "PATCH", `/api/admin/employees/${id}/locations/${locationId}`, { radiusM: 500 }),
  },
  "remove a location": {
    prepare: async (id) => (await adminCall(admin, "POST", `/api/admin/employees/${id}/locations`, home)).json.id,
    run: (who, id, locationId) => adminCall(who, "DELETE", `/api/admin/employees/${id}/locations/${locationId}`),
  },
  "revoke a device": {
    prepare: async (id) => {
      await enrolDevice(admin, id);
      return (await adminCall(admin, "GET", `/api/admin/employees/${id}/devices`)).json.items[0].id;
    },
    run: (who, _id, deviceId) => adminCall(who, "DELETE", `/api/admin/devices/${deviceId}`),
  },
} satisfies Record<string, Action>;
type ActionName = keyof typeof ACTIONS;

// The expected answer of each action (in ACTIONS order) by actor and target role.
// Every target reports to the manager, so a manager's refusals are about roles, not scope.
//            name email deact react code  +loc  ~loc  -loc  revoke
const OK = [200, 200, 200, 200, 201, 201, 200, 200, 200];
const NO = [403, 403, 403, 403, 403, 403, 403, 403, 403];
const EXPECTED: Record<Actor, Record<Role, number[]>> = {
  admin: { employee: OK, manager: OK, auditor: OK, admin: OK },
  // Email changes are admin-only: a manager must not learn which addresses are taken.
  manager: { employee: [200, 403, 200, 200, 201, 201, 200, 200, 200], manager: NO, auditor: NO, admin: NO },
  auditor: { employee: NO, manager: NO, auditor: NO, admin: NO },
};

const cases = (Object.keys(EXPECTED) as Actor[]).flatMap((who) =>
  (Object.keys(EXPECTED[who]) as Role[]).flatMap((role) =>
    (Object.keys(ACTIONS) as ActionName[]).map((action, i) => ({ who, role, action, status: EXPECTED[who][role][i]! })),
  ),
);

describe("who may change whom", () => {
  it("the table covers every action", () => {
    for (const row of Object.values(EXPECTED).flatMap((byRole) => Object.values(byRole))) expect(row).toHaveLength(Object.keys(ACTIONS).length);
  });

  it.each(cases)("$who → $action of a $role under the manager: $status", async ({ who, role, action, status }) => {
    const target = await createEmployee(admin, { role, managerId: manager.id });
    const { prepare, run } = ACTIONS[action] as Action;
    const prepared = prepare ? await prepare(target.id) : "";
    const before = await stateOf(target.id);
    const res = await run(actor(who), target.id, prepared);
    if (status === 403) {
      expectError(res, 403, "FORBIDDEN");
      expect(await stateOf(target.id)).toEqual(before);
    } else {
      expect(res.status, JSON.stringify(res.json)).toBe(status);
      expect(await stateOf(target.id)).not.toEqual(before);
    }
  });
});

describe("roles granted", () => {
  it("a manager gives no role but employee; an admin gives any", async () => {
    const report = await createEmployee(admin, { managerId: manager.id });
    for (const role of ["manager", "auditor", "admin"] as const) {
      const before = await stateOf(report.id);
      expectError(await adminCall(manager, "PATCH", `/api/admin/employees/${report.id}`, { role }), 403, "FORBIDDEN");
      expect(await stateOf(report.id)).toEqual(before);
    }
    // Restating the role it has is no grant.
    expect((await adminCall(manager, "PATCH", `/api/admin/employees/${report.id}`, { role: "employee", name: "Still Employee" })).status).toBe(200);
    for (const role of ["manager", "auditor", "admin", "employee"] as const) {
      const res = await adminCall(admin, "PATCH", `/api/admin/employees/${report.id}`, { role });
      expect(res.status).toBe(200);
      expect(res.json.role).toBe(role);
    }
  });

  it("an admin still cannot deactivate themselves or change their own role", async () => {
    const before = await stateOf(admin.id);
    expectError(await adminCall(admin, "DELETE", `/api/admin/employees/${admin.id}`), 400, "VALIDATION_FAILED");
    expectError(await adminCall(admin, "PATCH", `/api/admin/employees/${admin.id}`, { active: false }), 400, "VALIDATION_FAILED");
    expectError(await adminCall(admin, "PATCH", `/api/admin/employees/${admin.id}`, { role: "manager" }), 400, "VALIDATION_FAILED");
    expect(await stateOf(admin.id)).toEqual(before);
  });
});

describe("emails", () => {
  it("a manager cannot add employees, whatever the email, so cannot probe which are taken", async () => {
    const count = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM employees").first<{ n: number }>())!.n;
    const before = await count();
    for (const email of [outsider.email, "fresh-hire@example.com"]) {
      expectError(await adminCall(manager, "POST", "/api/admin/employees", { name: "New Hire", email }), 403, "FORBIDDEN");
    }
    // Refused before the body is looked at, too.
    expectError(await adminCall(manager, "POST", "/api/admin/employees", { name: "New Hire", email: "not-an-email" }), 403, "FORBIDDEN");
    expect(await count()).toBe(before);
    // An admin learns that the address is taken.
    expectError(await adminCall(admin, "POST", "/api/admin/employees", { name: "Dup", email: outsider.email }), 409, "EMAIL_TAKEN");
  });

  it("a manager cannot change a report's email, taken or not", async () => {
    const report = await createEmployee(admin, { managerId: manager.id });
    const before = await stateOf(report.id);
    for (const email of [outsider.email, "free-address@example.com"]) {
      expectError(await adminCall(manager, "PATCH", `/api/admin/employees/${report.id}`, { email }), 403, "FORBIDDEN");
    }
    expect(await stateOf(report.id)).toEqual(before);
    expectError(await adminCall(admin, "PATCH", `/api/admin/employees/${report.id}`, { email: outsider.email }), 409, "EMAIL_TAKEN");
  });
});
