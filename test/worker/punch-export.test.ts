import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_PUNCH_EXPORT_DAYS } from "../../shared/api";
import { DAY_MS } from "../../shared/time";
import { adminCall, CONSOLE_ORIGIN, call, consoleSessionFor, createEmployee, expectError, setUpFirstAdmin, type Admin } from "./helpers";

const LIMIT_MS = MAX_PUNCH_EXPORT_DAYS * DAY_MS;
// A year-and-a-bit span that ended well before today: manual punches may be entered for any past time.
const FROM = Date.UTC(2024, 0, 10, 8, 0);
const TO = FROM + LIMIT_MS;

let admin: Admin;
let employeeId: string;

/** A manual punch at `time`; `reasons` as the rules would have left on a punch they judged. */
async function punchAt(time: number, reasons: string[] = []) {
  const res = await adminCall(admin, "POST", "/api/admin/punches", { employeeId, kind: "in", time, reason: "entered for the export test" });
  expect(res.status).toBe(201);
  if (reasons.length > 0) await env.DB.prepare("UPDATE punches SET reasons = ? WHERE id = ?").bind(JSON.stringify(reasons), res.json.punch.id).run();
  return res.json.punch.id as string;
}

/** The D1 binding, noting the SQL and parameters of each statement the Worker binds. */
function recording(statements: { text: string; params: unknown[] }[]): D1Database {
  return new Proxy(env.DB, {
    get(db, key) {
      if (key === "prepare") {
        return (text: string) => {
          // The real statement (batches take no stand-ins), its bind noted on the way.
          const statement = db.prepare(text);
          const bind = statement.bind.bind(statement);
          statement.bind = (...params: unknown[]) => (statements.push({ text, params }), bind(...params));
          return statement;
        };
      }
      const value = Reflect.get(db, key, db) as unknown;
      return typeof value === "function" ? value.bind(db) : value;
    },
  });
}

const exportOf = (query: string) => adminCall(admin, "GET", `/api/admin/punches?format=csv&employeeId=${employeeId}&${query}`);

/** The CSV's data rows as their first cell (the punch id), in file order. */
function idsIn(text: string): string[] {
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const lines = text.slice(1).split("\r\n").filter((line) => line !== "");
  expect(lines[0]).toMatch(/^id,employeeId,employeeName,kind,status,mode,effectiveTime/);
  return lines.slice(1).map((line) => JSON.parse(line.slice(0, line.indexOf(","))) as string);
}

/** A refusal in API.md's shape, answered before any CSV was sent. */
function expectRefused(res: Awaited<ReturnType<typeof exportOf>>) {
  expectError(res, 400, "VALIDATION_FAILED");
  expect(res.json.error.message).toContain(`${MAX_PUNCH_EXPORT_DAYS} days`);
  expect(res.headers.get("Content-Type")).toMatch(/application\/json/);
  expect(res.headers.get("Content-Disposition")).toBeNull();
  expect(res.text.charCodeAt(0)).not.toBe(0xfeff);
}

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  employeeId = (await createEmployee(admin)).id;
});

describe("the punch CSV export's time span", () => {
  it(`takes from and to exactly ${MAX_PUNCH_EXPORT_DAYS} days apart with every punch between them, both ends included, and not a millisecond more`, async () => {
    const before = await punchAt(FROM - 1);
    const first = await punchAt(FROM);
    const middle = await punchAt(FROM + 100 * DAY_MS);
    const last = await punchAt(TO);
    const after = await punchAt(TO + 1);

    const res = await exportOf(`from=${FROM}&to=${TO}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/text\/csv/);
    expect(idsIn(res.text)).toEqual([last, middle, first]);
    expect(idsIn(res.text)).not.toContain(before);
    expect(idsIn(res.text)).not.toContain(after);

    expectRefused(await exportOf(`from=${FROM}&to=${TO + 1}`));
    expectRefused(await exportOf(`from=${FROM - 1}&to=${TO}`));
  });

  it("answers a span without punches with the header alone, and ends", async () => {
    const res = await exportOf(`from=${FROM - 3 * LIMIT_MS}&to=${FROM - 2 * LIMIT_MS}`);
    expect(res.status).toBe(200);
    expect(idsIn(res.text)).toEqual([]);
  }, 15_000);

  it.each([
    ["neither from nor to", ""],
    ["only from", `from=${FROM}`],
    ["only to", `to=${TO}`],
    ["ten years", `from=${FROM}&to=${FROM + 3653 * DAY_MS}`],
  ])("refuses %s with 400 and the limit in words, before any CSV is sent", async (_, query) => {
    expectRefused(await exportOf(query));
  });
});

describe("the punch CSV export filtered by reason", () => {
  it("gives the punches with that reason between from and to, and needs both", async () => {
    const inside = await punchAt(FROM + 10 * DAY_MS, ["offline"]);
    const otherReason = await punchAt(FROM + 11 * DAY_MS, ["clock_skew"]);
    const outside = await punchAt(TO + DAY_MS, ["offline"]);

    const res = await exportOf(`from=${FROM}&to=${TO}&reason=offline`);
    expect(res.status).toBe(200);
    const ids = idsIn(res.text);
    expect(ids).toEqual([inside]);
    expect(ids).not.toContain(otherReason);
    expect(ids).not.toContain(outside);

    expectRefused(await exportOf("reason=offline"));
  });

  it.each([
    ["an admin", "admin"],
    ["a manager", "manager"],
  ])("reads punches for %s only through an index range on effective_time, whatever the export is asked", async (_, role) => {
    const session = role === "admin" ? admin : await consoleSessionFor(admin, (await createEmployee(admin, { role: "manager" })).id);
    const plans: string[][] = [];
    for (const query of ["reason=offline", `from=${FROM}&reason=offline`, `from=${FROM}&to=${TO}&reason=offline`]) {
      const statements: { text: string; params: unknown[] }[] = [];
      await call("GET", `/api/admin/punches?format=csv&${query}`, { cookie: session.cookie, origin: CONSOLE_ORIGIN, env: { DB: recording(statements) } });
      for (const { text, params } of statements.filter((s) => /\bfrom "punches"/i.test(s.text))) {
        const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${text}`).bind(...params).all<{ detail: string }>();
        plans.push(plan.results.map((r) => r.detail));
      }
    }
    // The export with from and to read its punches; the others read none.
    expect(plans.length).toBeGreaterThan(0);
    for (const steps of plans) {
      const onPunches = steps.filter((step) => /^(SCAN|SEARCH) punches\b/.test(step));
      expect(onPunches, steps.join("\n")).toHaveLength(1);
      expect(onPunches[0]).toMatch(/^SEARCH punches USING (COVERING )?INDEX \w+ \(.*effective_time>\? AND effective_time<\?\)$/);
      // The reason is looked for in each punch of that range, not across the table.
      expect(steps.some((step) => step.includes("json_each"))).toBe(true);
    }
  }, 15_000);
});

describe("the review queue", () => {
  it("lists flagged punches through the index of exceptions, not by walking every punch", async () => {
    const statements: { text: string; params: unknown[] }[] = [];
    const res = await call("GET", "/api/admin/punches?status=flagged&limit=20", { cookie: admin.cookie, origin: CONSOLE_ORIGIN, env: { DB: recording(statements) } });
    expect(res.status).toBe(200);
    const list = statements.find((s) => /\bfrom "punches"/i.test(s.text))!;
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${list.text}`).bind(...list.params).all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join("\n")).toMatch(/SEARCH punches USING INDEX punches_exceptions_idx \(status=\?\)/);
  });
});

describe("the punch CSV export when D1 fails", () => {
  it("answers 503 STORAGE_UNAVAILABLE with its error body when the first read fails, not a 200 cut after the header", async () => {
    // D1 whose reads of punches fail, as an unreachable database does; the session's own read works.
    const failing = new Proxy(env.DB, {
      get(db, key) {
        if (key === "prepare") {
          return (text: string) => {
            const statement = db.prepare(text);
            if (!/\bfrom "punches"/i.test(text)) return statement;
            const bind = statement.bind.bind(statement);
            statement.bind = (...params: unknown[]) => {
              const bound = bind(...params);
              bound.all = async () => {
                throw new Error("D1_ERROR: Network connection lost.");
              };
              bound.raw = bound.all as never;
              return bound;
            };
            return statement;
          };
        }
        const value = Reflect.get(db, key, db) as unknown;
        return typeof value === "function" ? value.bind(db) : value;
      },
    });
    const res = await call("GET", `/api/admin/punches?format=csv&from=${FROM}&to=${TO}`, { cookie: admin.cookie, origin: CONSOLE_ORIGIN, env: { DB: failing } });
    expectError(res, 503, "STORAGE_UNAVAILABLE");
  });
});
