/**
 * Faults survived, nothing lost: D1 failing on the nth statement of a punch, R2 failing during a
 * correction upload. Each answers 503 STORAGE_UNAVAILABLE with Retry-After, writes nothing, and
 * the same request sent again succeeds.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { BASE, call, createEmployee, enrolDevice, expectError, makePunch, nonce, setUpFirstAdmin, sign, type Admin, type EnrolledDevice } from "./helpers";

let admin: Admin;
let ana: EnrolledDevice;

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  ana = await enrolDevice(admin, (await createEmployee(admin)).id);
});

/** D1 whose `n`th statement (counting every statement of a batch) fails as an unreachable database does. */
function failingD1(n: number): D1Database {
  let seen = 0;
  const fail = () => {
    seen += 1;
    if (seen === n) throw new Error("D1_ERROR: Network connection lost.");
  };
  return {
    prepare: (query: string) => {
      const wrap = (statement: D1PreparedStatement): D1PreparedStatement =>
        ({
          bind: (...values: unknown[]) => wrap(statement.bind(...values)),
          first: async (column?: string) => (fail(), statement.first(column as string)),
          run: async () => (fail(), statement.run()),
          all: async () => (fail(), statement.all()),
          raw: async (options?: { columnNames?: boolean }) => (fail(), statement.raw(options as { columnNames: true })),
          inner: statement,
        }) as unknown as D1PreparedStatement;
      return wrap(env.DB.prepare(query));
    },
    batch: async (statements: (D1PreparedStatement & { inner?: D1PreparedStatement })[]) => {
      for (let i = 0; i < statements.length; i++) fail();
      return env.DB.batch(statements.map((s) => s.inner ?? s));
    },
    exec: (query: string) => env.DB.exec(query),
    withSession: env.DB.withSession?.bind(env.DB),
    dump: env.DB.dump?.bind(env.DB),
  } as unknown as D1Database;
}

async function send(path: string, body: unknown, override: Partial<Env>) {
  const res = await worker.fetch(new Request(BASE + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }), { ...env, ...override }, createExecutionContext());
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
}

const count = async (sql: string) => (await env.DB.prepare(sql).first<{ n: number }>())!.n;

describe("D1 failing on a punch", () => {
  // Statement 1 is the punch's one read, statement 2 its one write.
  it.each([1, 2])("statement %i fails: 503 STORAGE_UNAVAILABLE with Retry-After, nothing written; sent again, recorded once", async (n) => {
    const signed = await sign(ana, makePunch(ana, { nonce: await nonce() }));
    const [punches, audit] = [await count("SELECT count(*) AS n FROM punches"), await count("SELECT count(*) AS n FROM audit_log")];
    const res = await send("/api/punches", signed, { DB: failingD1(n) });
    expectError(res, 503, "STORAGE_UNAVAILABLE");
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect([await count("SELECT count(*) AS n FROM punches"), await count("SELECT count(*) AS n FROM audit_log")]).toEqual([punches, audit]);
    const again = await call("POST", "/api/punches", { body: signed });
    expect(again.status).toBe(201);
    expect(await count("SELECT count(*) AS n FROM punches")).toBe(punches + 1);
  });

  it("in the batch route too: the whole request waits, so the extension keeps every item and sends it later", async () => {
    const items = [await sign(ana, makePunch(ana, { nonce: null, clientTime: Date.now() - 60_000 })), await sign(ana, makePunch(ana, { nonce: null, clientTime: Date.now() - 30_000, kind: "out" }))];
    const before = await count("SELECT count(*) AS n FROM punches");
    expectError(await send("/api/punches/batch", { items }, { DB: failingD1(2) }), 503, "STORAGE_UNAVAILABLE");
    expect(await count("SELECT count(*) AS n FROM punches")).toBe(before);
    const again = await call("POST", "/api/punches/batch", { body: { items } });
    expect(again.json.results.map((r: { status: number }) => r.status)).toEqual([201, 201]);
  });
});

describe("R2 failing during a correction upload", () => {
  it("the request is refused with 503, no request is stored and no file is left in R2", async () => {
    const date = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const form = new FormData();
    for (const [k, v] of Object.entries({ date, kind: "in", time: String(Date.parse(`${date}T12:00:00Z`)), reason: "network" })) form.append(k, v);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7]);
    form.append("evidence", new File([png], "one.png"));
    form.append("evidence", new File([png], "two.png"));
    let puts = 0;
    const flaky = {
      put: async (key: string, value: Uint8Array, options: R2PutOptions) => {
        if (++puts === 2) throw new Error("R2 put failed: internal error");
        return env.EVIDENCE.put(key, value, options);
      },
      delete: (keys: string | string[]) => env.EVIDENCE.delete(keys),
      get: (key: string) => env.EVIDENCE.get(key),
    } as unknown as R2Bucket;
    const [rows, objects] = [await count("SELECT count(*) AS n FROM corrections"), (await env.EVIDENCE.list()).objects.length];
    const res = await worker.fetch(
      new Request(`${BASE}/api/me/corrections`, { method: "POST", body: form, headers: { Authorization: `Bearer ${ana.token}` } }),
      { ...env, EVIDENCE: flaky },
      createExecutionContext(),
    );
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("STORAGE_UNAVAILABLE");
    expect(await count("SELECT count(*) AS n FROM corrections")).toBe(rows);
    expect((await env.EVIDENCE.list()).objects.length).toBe(objects);
  });
});
