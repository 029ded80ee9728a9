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

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  const employee = await createEmployee(admin);
  const device = await enrolDevice(admin, employee.id);
  // A well-formed signed punch from a device that is then revoked: no mutation of it can be recorded.
  const signed = await sign(device, makePunch(device, { nonce: await nonce() }));
  const devices = await adminCall(admin, "GET", `/api/admin/employees/${employee.id}/devices`);
  await adminCall(admin, "DELETE", `/api/admin/devices/${devices.json.items[0].id}`);
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
  });
});

describe.each([
  "setup",
  "enrollOptions",
  "enrollVerify",
  "punch",
  "batch",
  "consoleEnrollOptions",
  "consoleEnrollVerify",
  "consoleLoginOptions",
  "consoleLoginVerify",
  "createEmployee",
  "enrollmentCode",
  "updateEmployee",
])("%s", (name) => {
  it(`answers ${RUNS} malformed bodies with a 4xx in the error shape and records nothing`, async () => {
    const route = seeds[name]!;
    const [punches, employees] = [await punchCount(), await employeeCount()];
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
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(await punchCount()).toBe(punches);
    expect(await employeeCount()).toBe(employees);
  }, 120_000);
});
