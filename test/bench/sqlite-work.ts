/**
 * SQLite's own work for a punch: the statements the product ran for recorded punches (captured by
 * sql-timing-worker.ts with their values), run again by workerd's SQLite alone, on a copy of the
 * product's database, in a Durable Object that prepares each statement once and runs them in a
 * loop. `npm run bench`, capacity phase (capacity.ts); see test/bench/README.md.
 *
 * Why: the local D1 reports in `meta.duration` the time around its own handling of each
 * statement (reading the database size, a second statement for the change count, converting
 * parameters and rows), so its figure is SQLite's work plus that handling. Which share of that
 * handling Cloudflare's D1 has is not known here; this gives the database's work alone, the lower
 * bound of what a punch costs D1, beside the local D1's figure, the upper one.
 *
 * Each round is one transaction that is rolled back, so every round starts from the same
 * database. The punch's id is replaced by a new one in every value (the read's claims and the
 * insert), so that each round inserts a new punch with its audit entry, as the original did.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { percentile, round } from "./load";
import type { RanStatement } from "./ran-statement";

export interface SqliteWork {
  punches: number;
  rounds: number;
  /** Medians over the rounds, ms per punch. */
  readMs: number;
  writeMs: number;
  totalMs: number;
  punchesPerSecond: number;
}

const LOOP_SCRIPT = `
export class SqlLoop {
  constructor(state) { this.state = state; }
  async fetch(request) {
    if (request.method !== "POST") { this.state.storage.sql.exec("SELECT 1"); return new Response("ready"); }
    const { punches, rounds } = await request.json();
    const sql = this.state.storage.sql;
    const out = [];
    for (let r = 0; r < rounds; r++) {
      let read = 0, write = 0;
      try {
        this.state.storage.transactionSync(() => {
          for (const statements of punches) {
            const insert = statements.find((s) => s.label === "INSERT INTO punches");
            const id = insert ? String(insert.params[0]) : null;
            for (const s of statements) {
              const params = id ? s.params.map((v) => (typeof v === "string" ? v.split(id).join(id + "~" + r) : v)) : s.params;
              const t0 = performance.now();
              for (const _ of sql.exec(s.sql, ...params)) {}
              const ms = performance.now() - t0;
              if (s.batch) write += ms; else read += ms;
            }
          }
          throw new Error("roll back");
        });
      } catch (error) {
        if (error.message !== "roll back") return new Response(String(error.stack ?? error), { status: 500 });
      }
      out.push({ read: read / punches.length, write: write / punches.length });
    }
    return Response.json(out);
  }
}
export default { fetch(request, env) { return env.LOOP.get(env.LOOP.idFromName("punches")).fetch(request); } };`;

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

/** The local D1 database file of a `--persist-to` state directory (the only one the bench creates). */
export function d1File(state: string): string {
  const dir = join(state, "v3", "d1", "miniflare-D1DatabaseObject");
  const files = readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (files.length !== 1) throw new Error(`expected one D1 database in ${dir}, found ${files.length}`);
  return join(dir, files[0]!);
}

export async function sqliteWork(o: { database: string; dir: string; punches: RanStatement[][]; rounds: number }): Promise<SqliteWork> {
  rmSync(o.dir, { recursive: true, force: true });
  mkdirSync(o.dir, { recursive: true });
  const start = () =>
    new Miniflare({ modules: true, script: LOOP_SCRIPT, durableObjects: { LOOP: { className: "SqlLoop", useSQLite: true } }, durableObjectsPersist: o.dir });
  // The object's own database file first, then the product's database in its place.
  let mf = start();
  await (await mf.dispatchFetch("http://bench/")).text();
  await mf.dispose();
  const objects = join(o.dir, readdirSync(o.dir)[0]!);
  const own = readdirSync(objects).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!own) throw new Error(`no Durable Object database in ${objects}`);
  const target = join(objects, own);
  for (const suffix of ["-wal", "-shm"]) rmSync(target + suffix, { force: true });
  copyFileSync(o.database, target);
  if (existsSync(o.database + "-wal")) copyFileSync(o.database + "-wal", target + "-wal");

  mf = start();
  try {
    const res = await mf.dispatchFetch("http://bench/", { method: "POST", body: JSON.stringify({ punches: o.punches, rounds: o.rounds }) });
    if (!res.ok) throw new Error(`SQLite work: ${await res.text()}`);
    const rounds = (await res.json()) as { read: number; write: number }[];
    const readMs = median(rounds.map((r) => r.read));
    const writeMs = median(rounds.map((r) => r.write));
    const totalMs = median(rounds.map((r) => r.read + r.write));
    return {
      punches: o.punches.length,
      rounds: o.rounds,
      readMs: round(readMs, 3),
      writeMs: round(writeMs, 3),
      totalMs: round(totalMs, 3),
      punchesPerSecond: Math.round(1000 / totalMs),
    };
  } finally {
    await mf.dispose();
  }
}
