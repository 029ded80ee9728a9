import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { SoftAuthenticator } from "../support/soft-authenticator";
import {
  CONSOLE_ORIGIN,
  EXT_ORIGIN,
  adminCall,
  call,
  createEmployee,
  enrolDevice,
  makePunch,
  nonce,
  setUpFirstAdmin,
  sign,
  type Admin,
} from "./helpers";

const RUNS = 500;
/** Every POST route gets RUNS; the rule-configuration PATCH routes share their POSTs' schemas, so fewer keep the file quick. */
const RULE_RUNS = 200;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path into a JSON value, for targeted mutations. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function mutate(seed: Json, path: (string | number)[], action: "replace" | "delete" | "extra", replacement: Json): Json {
  if (path.length === 0) return action === "extra" && seed && typeof seed === "object" && !Array.isArray(seed) ? { ...seed, __extra: replacement } : replacement;
  const copy = structuredClone(seed) as Record<string | number, Json>;
  let parent: Record<string | number, Json> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (action === "delete") {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (action === "extra" && parent[last] && typeof parent[last] === "object" && !Array.isArray(parent[last])) {
    (parent[last] as Record<string, Json>).__extra = replacement;
  } else {
    parent[last] = replacement;
  }
  return copy;
}

const jsonValue = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;

/** Bad bodies: arbitrary JSON, broken JSON text, and a valid-looking request with one part broken. */
function badBody(seed: Json) {
  const all = paths(seed);
  return fc.oneof(
    jsonValue.map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
    fc.constantFrom("", "{", "[1,2", '{"a":}', "null", "\u0000", '{"__proto__":{"x":1}}'),
    fc
      .tuple(fc.constantFrom(...all), fc.constantFrom("replace", "delete", "extra") as fc.Arbitrary<"replace" | "delete" | "extra">, jsonValue)
      .map(([path, action, value]) => JSON.stringify(mutate(seed, path, action, value))),
  );
}

let admin: Admin;
const seeds: Record<string, { method: string; path: string; seed: Json; auth?: "admin"; origin?: string }> = {};
let ip = 0;

async function punchCount() {
  return (await env.DB.prepare("SELECT count(*) AS n FROM punches").first<{ n: number }>())!.n;
}
async function employeeCount() {
  return (await env.DB.prepare("SELECT count(*) AS n FROM employees").first<{ n: number }>())!.n;
}
/** The rule configuration as stored: a changed or added row changes it. */
async function configSnapshot() {
  const tables = ["sites", "employee_locations", "networks", "schedules", "holidays", "settings"];
  return Promise.all(tables.map(async (t) => (await env.DB.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()).results));
}

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  const employee = await createEmployee(admin);
  const device = await enrolDevice(admin, employee.id);
  // A well-formed signed punch from a device that is then revoked: no mutation of it can be recorded.
  const signed = await sign(device, makePunch(device, { nonce: await nonce() }));
  const devices = await adminCall(admin, "GET", `/api/admin/employees/${employee.id}/devices`);
  await adminCall(admin, "DELETE", `/api/admin/devices/${devices.json.items[0].id}`);
  // One of each rule-configuration record, for the PATCH routes to aim at.
  const site = await adminCall(admin, "POST", "/api/admin/sites", { name: "Office", lat: 1, lon: 2, radiusM: 100 });
  const location = await adminCall(admin, "POST", `/api/admin/employees/${employee.id}/locations`, { name: "Home", lat: 1, lon: 2, radiusM: 50 });
  const network = await adminCall(admin, "POST", "/api/admin/networks", { name: "Office", cidr: "203.0.113.0/24" });
  const schedule = { name: "Day", kind: "fixed", days: [{ weekday: 1, start: "09:00", end: "17:00" }], graceLateMin: 5, graceEarlyMin: 5, earliestInMin: 60 };
  const storedSchedule = await adminCall(admin, "POST", "/api/admin/schedules", schedule);
  const holiday = await adminCall(admin, "POST", "/api/admin/holidays", { date: "2026-12-25", name: "Christmas" });
  const stored = await adminCall(admin, "PATCH", "/api/admin/settings", { offlineWindowHours: 48 });
  expect([site, location, network, storedSchedule, holiday, stored].map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 200]);
  const registration = await new SoftAuthenticator(EXT_ORIGIN, EXT_ORIGIN).register({ challenge: "Y2hhbGxlbmdl" });
  const flowId = "01234567-89ab-7def-8123-456789abcdef";
  Object.assign(seeds, {
    setup: { method: "POST", path: "/api/setup", seed: { token: "wrong", name: "N", email: "n@example.com" } },
    enrollOptions: { method: "POST", path: "/api/enroll/options", seed: { code: "AAAAA-AAAAA" }, origin: EXT_ORIGIN },
    enrollVerify: { method: "POST", path: "/api/enroll/verify", seed: { flowId, code: "AAAAA-AAAAA", response: registration, deviceLabel: "x" }, origin: EXT_ORIGIN },
    punch: { method: "POST", path: "/api/punches", seed: signed },
    batch: { method: "POST", path: "/api/punches/batch", seed: { items: [signed, signed] } },
    consoleEnrollOptions: { method: "POST", path: "/api/console/enroll/options", seed: { code: "AAAAA-AAAAA" }, origin: CONSOLE_ORIGIN },
    consoleEnrollVerify: { method: "POST", path: "/api/console/enroll/verify", seed: { flowId, code: "AAAAA-AAAAA", response: registration }, origin: CONSOLE_ORIGIN },
    consoleLoginOptions: { method: "POST", path: "/api/console/login/options", seed: { unexpected: true }, origin: CONSOLE_ORIGIN },
    consoleLoginVerify: { method: "POST", path: "/api/console/login/verify", seed: { flowId, response: signed.assertion }, origin: CONSOLE_ORIGIN },
    createEmployee: { method: "POST", path: "/api/admin/employees", seed: { name: "Dup", email: employee.email }, auth: "admin" },
    enrollmentCode: { method: "POST", path: `/api/admin/employees/${employee.id}/enrollment-codes`, seed: { purpose: "neither" }, auth: "admin" },
    updateEmployee: { method: "PATCH", path: `/api/admin/employees/${employee.id}`, seed: { email: admin.id }, auth: "admin" },
    // Each seed is wrong in two places, so that no single mutation makes it valid.
    createSite: { method: "POST", path: "/api/admin/sites", seed: { name: "S", lat: 91, lon: 181, radiusM: 0, employeeIds: ["nobody"] }, auth: "admin" },
    updateSite: { method: "PATCH", path: `/api/admin/sites/${site.json.id}`, seed: { lat: 91, lon: 181 }, auth: "admin" },
    createLocation: { method: "POST", path: `/api/admin/employees/${employee.id}/locations`, seed: { name: "", lat: 91, lon: 181, radiusM: 0 }, auth: "admin" },
    updateLocation: { method: "PATCH", path: `/api/admin/employees/${employee.id}/locations/${location.json.id}`, seed: { lat: 91, radiusM: 0 }, auth: "admin" },
    createNetwork: { method: "POST", path: "/api/admin/networks", seed: { name: "", cidr: "10.0.0.0/33", employeeIds: ["nobody"] }, auth: "admin" },
    updateNetwork: { method: "PATCH", path: `/api/admin/networks/${network.json.id}`, seed: { cidr: "not-an-ip", employeeIds: ["nobody"] }, auth: "admin" },
    createSchedule: {
      method: "POST",
      path: "/api/admin/schedules",
      seed: { ...schedule, timezone: "Mars/Base", graceLateMin: -1, days: [{ weekday: 1, start: "09:00", end: "09:00" }, { weekday: 1, start: "10:00", end: "11:00" }] },
      auth: "admin",
    },
    updateSchedule: { method: "PATCH", path: `/api/admin/schedules/${storedSchedule.json.id}`, seed: { timezone: "Mars/Base", graceLateMin: -1 }, auth: "admin" },
    createHoliday: { method: "POST", path: "/api/admin/holidays", seed: { date: "2026-02-30", name: "" }, auth: "admin" },
    updateHoliday: { method: "PATCH", path: `/api/admin/holidays/${holiday.json.id}`, seed: { date: "2026-02-30", name: "" }, auth: "admin" },
    importHolidays: {
      method: "POST",
      path: "/api/admin/holidays/import",
      seed: { items: [{ date: "2026-02-30", name: "A" }, { date: "2026-03-01", name: "" }], replaceYears: "yes" },
      auth: "admin",
    },
    updateSettings: { method: "PATCH", path: "/api/admin/settings", seed: { offlineWindowHours: 0, maxDevicesPerEmployee: 0 }, auth: "admin" },
  });
});

describe.each([
  ["setup", RUNS],
  ["enrollOptions", RUNS],
  ["enrollVerify", RUNS],
  ["punch", RUNS],
  ["batch", RUNS],
  ["consoleEnrollOptions", RUNS],
  ["consoleEnrollVerify", RUNS],
  ["consoleLoginOptions", RUNS],
  ["consoleLoginVerify", RUNS],
  ["createEmployee", RUNS],
  ["enrollmentCode", RUNS],
  ["updateEmployee", RUNS],
  ["createSite", RUNS],
  ["updateSite", RULE_RUNS],
  ["createLocation", RUNS],
  ["updateLocation", RULE_RUNS],
  ["createNetwork", RUNS],
  ["updateNetwork", RULE_RUNS],
  ["createSchedule", RUNS],
  ["updateSchedule", RULE_RUNS],
  ["createHoliday", RUNS],
  ["updateHoliday", RULE_RUNS],
  ["importHolidays", RUNS],
  ["updateSettings", RULE_RUNS],
] as const)("%s", (name, runs) => {
  it(`answers ${runs} malformed bodies with a 4xx in the error shape and records nothing`, async () => {
    const route = seeds[name]!;
    const [punches, employees, config] = [await punchCount(), await employeeCount(), await configSnapshot()];
    await fc.assert(
      fc.asyncProperty(badBody(route.seed), async (raw) => {
        // The one well-formed body a mutation can reach: sign-in options take an empty object.
        fc.pre(!(name === "consoleLoginOptions" && /^\{\s*\}$/.test(raw)));
        ip += 1;
        const res = await call(route.method, route.path, {
          raw,
          cookie: route.auth ? admin.cookie : undefined,
          origin: route.auth ? CONSOLE_ORIGIN : route.origin,
          headers: { "CF-Connecting-IP": `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}` },
        });
        if (name === "batch" && res.status === 200) {
          // A well-formed batch answers 200 with each item's own status: none may be recorded.
          for (const result of res.json.results) {
            expect(result.status).toBeGreaterThanOrEqual(400);
            expect(result.status).toBeLessThan(500);
            expect(result.error.code).toMatch(/^[A-Z_]+$/);
          }
          return;
        }
        expect(res.status, `${raw} → ${res.text}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${raw} → ${res.text}`).toBeLessThan(500);
        expect(res.json?.error?.code, res.text).toMatch(/^[A-Z_]+$/);
        expect(typeof res.json.error.message).toBe("string");
      }),
      { numRuns: runs, endOnFailure: true },
    );
    expect(await punchCount()).toBe(punches);
    expect(await employeeCount()).toBe(employees);
    expect(await configSnapshot()).toEqual(config);
  }, 120_000);
});
