/**
 * What one D1 database can take, measured on the product's punch path (`npm run bench`, after the
 * product's runs; see test/bench/README.md, "Capacity").
 *
 * The model: D1 executes one statement at a time per database (Cloudflare's D1 limits FAQ: "If
 * your average query takes 1 ms, you can run approximately 1,000 queries per second"). Workers
 * scale out; the database does not. So one database takes about
 *     punches/s ≈ 1000 ms / (SQL ms per punch)
 * where SQL ms per punch is the sum of `meta.duration` over a punch's statements: D1's own time
 * executing them, without the network or the Worker. The bench reads it through
 * sql-timing-worker.ts (the product, unchanged, with each statement's `meta` in Server-Timing).
 *
 * Two phases, on the product's database as the earlier runs left it (their punches and 30 days of
 * history):
 *  1. SQL time: punches one at a time (no queueing anywhere), for D1's time, statements, rows and
 *     bytes per punch, and each statement's share.
 *  2. The burst (BENCH_BURST=1): 4 punches from each of 5,000 employees at concurrency 200, one
 *     wave per round (every employee's 1st punch, then every 2nd ...), each wave signed with a
 *     fresh nonce just before it is sent; p50/p99, failures, and D1's time per punch under that
 *     load. Employees beyond the enrolled ones are written straight into D1, with the rows
 *     enrolment writes (an employee with consent and schedule, a device with a fresh passkey's
 *     COSE key), so that setting them up takes seconds instead of enrolling 4,000 through the API.
 *
 * Unlike the other phases, these run the Worker in miniflare itself (the same workerd and local
 * D1 that `wrangler dev` starts, configured from the same wrangler.toml), not behind
 * `wrangler dev`: at concurrency 200 wrangler dev's proxy loses its connection to workerd for
 * about a third of the requests and answers them 503 "Your worker restarted mid-request"
 * (measured: 5,764 of 20,000), which is the local runtime failing, not the Worker. Even without
 * the proxy, workerd resets kept-alive connections with a request in flight under this load, so
 * the burst sends each punch on a connection of its own (see the burst below).
 */
import { performance } from "node:perf_hooks";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Log, LogLevel, Miniflare } from "miniflare";
import { v7 as uuidv7 } from "uuid";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { decodeAttestationObject, isoCBOR, parseAuthenticatorData } from "@simplewebauthn/server/helpers";
import { fromBase64Url, toBase64Url } from "../../shared/encoding";
import { Api, type Employee, ipFor, type SignedPunch, signPunch } from "../support/api-client";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { freePort, ROOT, wranglerRun } from "../support/wrangler";
import { type LoadRequest, percentile, round, runLoad, type Sample, type Summary, summarise } from "./load";
import type { RanStatement } from "./ran-statement";
import { d1File, sqliteWork } from "./sqlite-work";

/** The burst's target: the morning of a 100,000-person company in under two minutes. */
export const TARGET_PUNCHES_PER_SECOND = 1000;
const MORNING_EMPLOYEES = 100_000;
/** Rounds of phase 3 (SQLite's own work); the median is reported. */
const SQLITE_ROUNDS = 5;
/** D1's limit on one database (Workers Paid). */
const D1_DATABASE_BYTES = 10e9;

export interface CapacityParameters {
  /** Punches sent one at a time for phase 1. */
  sqlPunches: number;
  /** Phase 2, or null to skip it. */
  burst: { employees: number; punchesPerEmployee: number; concurrency: number } | null;
}

/** Bundles the SQL-timing wrapper like `wrangler deploy` would, with the product's wrangler.toml. */
export async function buildSqlTimedProduct(config: string, outdir: string, logFile: string): Promise<string> {
  await wranglerRun(["deploy", "--dry-run", "--outdir", outdir, "--config", config, "test/bench/sql-timing-worker.ts"], logFile);
  return join(outdir, "sql-timing-worker.js");
}

const q = (value: string | number | null) => (value === null ? "NULL" : typeof value === "number" ? String(value) : `'${value.replace(/'/g, "''")}'`);

/**
 * Employees `from`..`to - 1` as enrolment would leave them, with a fresh software passkey each,
 * and the SQL that writes them: the employee (time zone, schedule, consent) and the device (the
 * passkey's COSE public key, counter 0, the extension origin as RP ID).
 */
export async function seededEmployees(from: number, to: number, extensionOrigin: string, scheduleId: string) {
  const now = Date.now();
  const employees: Employee[] = [];
  const rows: { employee: string; device: string }[] = [];
  for (let index = from; index < to; index++) {
    const passkey = new SoftAuthenticator(extensionOrigin, extensionOrigin);
    const registration = await passkey.register({ challenge: toBase64Url(crypto.getRandomValues(new Uint8Array(16))) });
    const attestation = decodeAttestationObject(fromBase64Url(registration.response.attestationObject) as Uint8Array<ArrayBuffer>);
    const cose = parseAuthenticatorData(attestation.get("authData")).credentialPublicKey!;
    const key = isoCBOR.decodeFirst<Map<number, Uint8Array>>(cose);
    const id = uuidv7();
    employees.push({
      index,
      id,
      ip: ipFor(index),
      passkey,
      credentialId: passkey.credentialId,
      publicKey: { kty: "EC", crv: "P-256", x: toBase64Url(key.get(-2)!), y: toBase64Url(key.get(-3)!) },
    });
    rows.push({
      employee: `(${q(id)}, ${q(`Bench Employee ${index}`)}, ${q(`bench-${index}@example.com`)}, 'employee', 'Europe/Berlin', ${q(scheduleId)}, 1, ${now}, ${now}, ${now})`,
      device: `(${q(uuidv7())}, ${q(id)}, 'extension', ${q(passkey.credentialId)}, ${q(toBase64Url(cose))}, 0, ${now}, '["internal"]', 0, ${q(extensionOrigin)}, 'Bench laptop', ${now})`,
    });
  }
  const lines: string[] = [];
  for (let i = 0; i < rows.length; i += 100) {
    const chunk = rows.slice(i, i + 100);
    lines.push(`INSERT INTO employees (id, name, email, role, timezone, schedule_id, active, consent_at, created_at, updated_at) VALUES\n${chunk.map((r) => r.employee).join(",\n")};`);
    lines.push(
      `INSERT INTO devices (id, employee_id, kind, credential_id, public_key, counter, counter_time, transports, backed_up, rp_id, label, created_at) VALUES\n${chunk.map((r) => r.device).join(",\n")};`,
    );
  }
  return { employees, sql: lines.join("\n") };
}

export interface SqlSummary {
  punches: number;
  /** Mean over 201 answers of the sum of the statements' `meta.duration` (ms): D1's time per punch. */
  sqlMsPerPunch: number;
  /**
   * The same, robust to the machine's other load: the median of the means of consecutive groups
   * of 20 punches. A statement whose thread another process interrupted reports the wait as its
   * duration; such interruptions are rare and long, so they move a few groups' means and not
   * the median, while each group's mean still averages out the 1 ms clock.
   */
  sqlMsPerPunchRobust: number;
  sqlMsP50: number;
  sqlMsP99: number;
  statementsPerPunch: number;
  untimedStatements: number;
  /** The Worker's wait for D1 per punch (its clock): SQL time plus everything around it. */
  d1WaitMsPerPunch: number;
  rowsReadPerPunch: number;
  rowsWrittenPerPunch: number;
  /** Database growth per punch (`meta.size_after`, largest minus smallest seen, over the punches between). */
  bytesPerPunch: number | null;
  /** Each statement (by label): how often per punch, and D1's mean time for it. */
  statements: { label: string; perPunch: number; msMean: number; msPerPunch: number }[];
}

/** D1's time and work per punch, from the SQL-timing wrapper's Server-Timing entries. */
export function sqlSummary(samples: readonly Sample[]): SqlSummary | null {
  const timed = samples.filter((s) => s.status === 201 && s.d1?.sql);
  if (timed.length === 0) return null;
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const sql = timed.map((s) => s.d1!.sql!);
  const sorted = sql.map((t) => t.ms).sort((a, b) => a - b);
  const sizes = sql.map((t) => t.sizeAfter).filter((b): b is number => b !== null);
  const byLabel = new Map<string, number[]>();
  for (const t of sql) for (const { label, ms } of t.each) byLabel.set(label, [...(byLabel.get(label) ?? []), ms]);
  return {
    punches: timed.length,
    sqlMsPerPunch: round(mean(sorted), 3),
    sqlMsPerPunchRobust: round(medianOfGroupMeans(sql.map((t) => t.ms), 20), 3),
    sqlMsP50: percentile(sorted, 50),
    sqlMsP99: percentile(sorted, 99),
    statementsPerPunch: round(mean(sql.map((t) => t.statements)), 2),
    untimedStatements: sql.reduce((n, t) => n + t.untimed, 0),
    d1WaitMsPerPunch: round(mean(timed.map((s) => s.d1!.ms)), 2),
    rowsReadPerPunch: round(mean(timed.map((s) => s.d1!.rows?.read ?? 0)), 2),
    rowsWrittenPerPunch: round(mean(timed.map((s) => s.d1!.rows?.written ?? 0)), 2),
    bytesPerPunch: sizes.length > 1 ? round((Math.max(...sizes) - Math.min(...sizes)) / (sizes.length - 1), 0) : null,
    statements: [...byLabel]
      .map(([label, ms]) => ({ label, perPunch: round(ms.length / timed.length, 2), msMean: round(mean(ms), 3), msPerPunch: round(ms.reduce((a, b) => a + b, 0) / timed.length, 3) }))
      .sort((a, b) => b.msPerPunch - a.msPerPunch),
  };
}

function medianOfGroupMeans(values: readonly number[], size: number): number {
  const means: number[] = [];
  for (let i = 0; i + size <= values.length; i += size) means.push(values.slice(i, i + size).reduce((a, b) => a + b, 0) / size);
  if (means.length === 0) return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  means.sort((a, b) => a - b);
  const mid = means.length >> 1;
  return means.length % 2 ? means[mid]! : (means[mid - 1]! + means[mid]!) / 2;
}

/** The model: one database executes one statement at a time. */
export function punchesPerSecond(sqlMsPerPunch: number): number {
  return sqlMsPerPunch > 0 ? round(1000 / sqlMsPerPunch, 0) : Infinity;
}

interface CapacityContext {
  tmp: string;
  config: string;
  bundle: string;
  assets: string;
  state: string;
  envFile: string;
  logFile: string;
  /** The enrolled employees; the burst adds seeded ones after them. */
  employees: Employee[];
  extensionOrigin: string;
  scheduleId: string;
  /** The next kind (in, out, in ...) for an employee, shared with the earlier runs. */
  nextKind: (e: Employee) => "in" | "out";
  toRequest: (p: SignedPunch) => LoadRequest;
  log: (message: string) => void;
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** KEY=value lines of a dotenv file (values may be quoted), as the bench writes its secrets. */
function readDotenv(file: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = line.match(/^([A-Z_][A-Z0-9_]*)=(.*)$/);
    if (!match) continue;
    const value = match[2]!;
    vars[match[1]!] = /^(['"]).*\1$/.test(value) ? value.slice(1, -1) : value;
  }
  return vars;
}

/**
 * The bundle in miniflare, with the options wrangler derives from the config (bindings, vars,
 * compatibility, assets routing), the secrets of `envFile`, `vars` on top, and the persisted
 * state of `wrangler dev --persist-to <state>` (wrangler keeps it under <state>/v3).
 */
async function startInMiniflare(o: { config: string; bundle: string; assets: string; state: string; envFile: string; vars: (port: number) => Record<string, string> }) {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, o.config)) as { workerOptions: Record<string, any> };
  const port = await freePort();
  const mf = new Miniflare({
    ...workerOptions,
    name: "clockwork",
    modules: true,
    scriptPath: o.bundle,
    // Module names are paths relative to modulesRoot, by default the working directory: the
    // bundle is under the temporary directory, and workerd refuses names that start with "..".
    modulesRoot: dirname(o.bundle),
    bindings: { ...workerOptions.bindings, ...readDotenv(o.envFile), ...o.vars(port) },
    ...(workerOptions.assets ? { assets: { ...workerOptions.assets, directory: o.assets } } : {}),
    defaultPersistRoot: join(o.state, "v3"),
    host: "127.0.0.1",
    port,
    // BENCH_MINIFLARE_LOG=debug (or info, warn ...) shows what the runtime says; off by default.
    ...(process.env.BENCH_MINIFLARE_LOG ? { log: new Log(LogLevel[process.env.BENCH_MINIFLARE_LOG.toUpperCase() as keyof typeof LogLevel]) } : {}),
  } as ConstructorParameters<typeof Miniflare>[0]);
  try {
    await mf.ready;
  } catch (error) {
    // A runtime that failed to start still holds the loopback server and its process: without
    // this, the bench would print its failure and never exit.
    await mf.dispose().catch(() => {});
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, stop: () => mf.dispose() };
}

export async function capacityBench(o: CapacityContext, p: CapacityParameters) {
  const { log } = o;
  let t = performance.now();
  let employees = o.employees;
  let seeded = 0;
  if (p.burst && p.burst.employees > employees.length) {
    const extra = await seededEmployees(employees.length, p.burst.employees, o.extensionOrigin, o.scheduleId);
    const file = join(o.tmp, "burst-employees.sql");
    writeFileSync(file, extra.sql);
    await wranglerRun(["d1", "execute", "DB", "--local", "--persist-to", o.state, "--config", o.config, "--file", file, "--yes"], o.logFile);
    employees = [...employees, ...extra.employees];
    seeded = extra.employees.length;
    log(`capacity: ${seeded} more employees (with passkeys, devices and the schedule) written into D1 in ${seconds(t)}`);
  }

  t = performance.now();
  const server = await startInMiniflare({
    config: o.config,
    bundle: o.bundle,
    assets: o.assets,
    state: o.state,
    envFile: o.envFile,
    vars: (port) => ({ CONSOLE_ORIGIN: `http://localhost:${port}`, SERVER_TIMING: "on" }),
  });
  log(`capacity: the product with D1's statement times up in miniflare at ${server.url} in ${seconds(t)}`);
  const url = `${server.url}/api/punches`;
  const describe = (json: any) => `${json.punch?.mode}/${json.punch?.status}`;
  const nonce = async () => (await new Api(server.url).expect(200, "GET", "/api/punch/nonce")).json.nonce as string;
  const sign = async (list: readonly Employee[], n: string) => {
    const signed: LoadRequest[] = [];
    for (const e of list) signed.push(o.toRequest(await signPunch(e, o.nextKind(e), n)));
    return signed;
  };

  // Phases 1 and 2 against the product; their figures and what phase 1's punches ran.
  const measure = async () => {
    // ---- 1. one punch at a time: D1's own time per punch, nothing queued ----------------------
    let n = await nonce();
    const sqlEmployees = Array.from({ length: p.sqlPunches }, (_, i) => o.employees[i % o.employees.length]!);
    const warm = await runLoad(url, await sign(o.employees.slice(0, 20), n), 1, describe);
    const oneAtATime = await runLoad(url, await sign(sqlEmployees, n), 1, describe);
    const sequential = { ...summarise(oneAtATime.samples, oneAtATime.wallMs), sql: sqlSummary(oneAtATime.samples) };
    log(`capacity: ${p.sqlPunches} punches one at a time in ${(oneAtATime.wallMs / 1000).toFixed(1)} s (${warm.samples.length} warm-up), ${sequential.ok} × 201`);
    if (sequential.errors > 0) for (const example of sequential.errorExamples) log(`  ${example}`);
    if (!sequential.sql) throw new Error("capacity: no statement times in the answers (is the SQL-timing wrapper running?)");
    // What those punches ran, with their values, for SQLite's own work (phase 3).
    const ran = (await (await fetch(`${server.url}/__bench/statements`)).json()) as RanStatement[][];

    // ---- 2. the burst: every employee's punch, round after round, 200 in flight ---------------
    let burst: (Summary & { waves: { seconds: number; ok: number }[]; sql: SqlSummary | null; employees: number; seeded: number; concurrency: number }) | null = null;
    if (p.burst) {
      const crowd = employees.slice(0, p.burst.employees);
      const samples: Sample[] = [];
      const waves: { seconds: number; ok: number }[] = [];
      let wallMs = 0;
      for (let wave = 0; wave < p.burst.punchesPerEmployee; wave++) {
        t = performance.now();
        // A fresh nonce per wave: a wave takes minutes here, and a punch is online for 5.
        n = await nonce();
        const requests = await sign(crowd, n);
        const signedIn = seconds(t);
        // Each punch on a connection of its own, as from 5,000 browsers. Through fetch's pool of
        // 200 kept-alive connections, workerd closed some of them under this load with a request
        // in flight ("other side closed", ECONNRESET; about 6 % of the punches, nothing logged),
        // which is the local runtime's HTTP server, not the Worker.
        const run = await runLoad(url, requests, p.burst.concurrency, describe, { connection: "new" });
        samples.push(...run.samples);
        wallMs += run.wallMs;
        const ok = run.samples.filter((s) => s.status === 201).length;
        waves.push({ seconds: round(run.wallMs / 1000, 1), ok });
        log(`capacity: burst wave ${wave + 1}/${p.burst.punchesPerEmployee}: ${requests.length} punches signed in ${signedIn}, sent in ${(run.wallMs / 1000).toFixed(1)} s, ${ok} × 201`);
      }
      burst = { ...summarise(samples, wallMs), waves, sql: sqlSummary(samples), employees: crowd.length, seeded, concurrency: p.burst.concurrency };
      if (burst.errors > 0) {
        log(`capacity: burst failures by status ${JSON.stringify(burst.errorsByStatus)}; first ones:`);
        for (const example of burst.errorExamples) log(`  ${example}`);
      }
    }
    // The estimate uses the robust figure; the mean, with the machine's interruptions, is printed beside it.
    const sqlMs = sequential.sql.sqlMsPerPunchRobust;
    const perSecond = punchesPerSecond(sqlMs);
    const result = {
      model: "one D1 database executes one statement at a time: punches/s ≈ 1000 ms / (SQL ms per punch), SQL ms = sum of the punch's statements' meta.duration",
      parameters: { ...p, dbBytesLimit: D1_DATABASE_BYTES },
      sequential,
      burst,
      estimate: {
        sqlMsPerPunch: sqlMs,
        punchesPerSecond: perSecond,
        punchesPerSecondFromMean: punchesPerSecond(sequential.sql.sqlMsPerPunch),
        target: TARGET_PUNCHES_PER_SECOND,
        met: perSecond >= TARGET_PUNCHES_PER_SECOND,
        morningSeconds: round(MORNING_EMPLOYEES / perSecond, 0),
        // The pessimistic bound: as if all of the Worker's wait for D1 (here a local hop) kept the database busy.
        punchesPerSecondFromD1Wait: punchesPerSecond(sequential.sql.d1WaitMsPerPunch),
        punchesPerSecondUnderBurst: burst?.sql ? punchesPerSecond(burst.sql.sqlMsPerPunchRobust) : null,
        bytesPerPunch: burst?.sql?.bytesPerPunch ?? sequential.sql.bytesPerPunch,
      },
    };
    return { result, ran };
  };
  let measured: Awaited<ReturnType<typeof measure>>;
  try {
    measured = await measure();
  } finally {
    await server.stop();
    log("capacity: product stopped");
  }
  const { result, ran } = measured;

  // ---- 3. SQLite's own work: the same statements on a copy of the database, nothing around them -
  t = performance.now();
  const sqlite = await sqliteWork({ database: d1File(o.state), dir: join(o.tmp, "sqlite-work"), punches: ran, rounds: SQLITE_ROUNDS });
  log(`capacity: SQLite's own work for ${sqlite.punches} punches × ${sqlite.rounds} rounds in ${seconds(t)}`);
  return { ...result, sqlite, estimate: { ...result.estimate, sqlitePunchesPerSecond: sqlite.punchesPerSecond, sqliteMet: sqlite.punchesPerSecond >= TARGET_PUNCHES_PER_SECOND } };
}

export type CapacityResult = Awaited<ReturnType<typeof capacityBench>>;

function printRows(rows: string[][]) {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("   "));
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("   "));
  }
}

export function printCapacity(r: CapacityResult) {
  const s = r.sequential.sql!;
  const b = r.burst;
  const e = r.estimate;
  const ms = (x: number) => x.toFixed(3);
  console.log(`\nCapacity of one D1 database (model: ${r.model}):\n`);
  printRows([
    ["per punch", `one at a time (${s.punches})`, ...(b?.sql ? [`burst (${b.sql.punches}, concurrency ${b.concurrency})`] : [])],
    ["D1 SQL time, mean (ms)", ms(s.sqlMsPerPunch), ...(b?.sql ? [ms(b.sql.sqlMsPerPunch)] : [])],
    ["D1 SQL time, robust (ms)", ms(s.sqlMsPerPunchRobust), ...(b?.sql ? [ms(b.sql.sqlMsPerPunchRobust)] : [])],
    ["D1 SQL time, p50 / p99 (ms)", `${s.sqlMsP50} / ${s.sqlMsP99}`, ...(b?.sql ? [`${b.sql.sqlMsP50} / ${b.sql.sqlMsP99}`] : [])],
    ["statements", String(s.statementsPerPunch), ...(b?.sql ? [String(b.sql.statementsPerPunch)] : [])],
    ["rows read / written", `${s.rowsReadPerPunch} / ${s.rowsWrittenPerPunch}`, ...(b?.sql ? [`${b.sql.rowsReadPerPunch} / ${b.sql.rowsWrittenPerPunch}`] : [])],
    ["Worker's wait for D1 (ms)", s.d1WaitMsPerPunch.toFixed(2), ...(b?.sql ? [b.sql.d1WaitMsPerPunch.toFixed(2)] : [])],
    ["database growth (bytes)", String(s.bytesPerPunch ?? "n/a"), ...(b?.sql ? [String(b.sql.bytesPerPunch ?? "n/a")] : [])],
    ["→ punches/s one database takes", String(punchesPerSecond(s.sqlMsPerPunchRobust)), ...(b?.sql ? [String(punchesPerSecond(b.sql.sqlMsPerPunchRobust))] : [])],
  ]);
  console.log("\nD1's time per statement, one at a time (local meta.duration has 1 ms resolution: single values are 0 or 1, means over many are what count):\n");
  printRows([["statement", "per punch", "mean ms", "ms per punch"], ...s.statements.map((x) => [x.label, String(x.perPunch), ms(x.msMean), ms(x.msPerPunch)])]);
  console.log(
    `\nEstimate: ${e.sqlMsPerPunch} ms of SQL per punch (robust; the plain mean gives ${e.punchesPerSecondFromMean}/s) → about ${e.punchesPerSecond} punches/s on one database ` +
      `(target ${e.target}/s: ${e.met ? "met" : "MISSED"} by the local D1's figure); 100,000 employees' morning punch in about ${e.morningSeconds} s. ` +
      `Counting all of the Worker's wait for D1 as busy database (a pessimistic bound): ${e.punchesPerSecondFromD1Wait}/s.`,
  );
  const q = r.sqlite;
  console.log(
    `\nSQLite's own work per punch (the same statements of ${q.punches} punches, run again by workerd's SQLite on a copy of the database, ` +
      `each prepared once, median of ${q.rounds} rounds): read ${ms(q.readMs)} ms, write ${ms(q.writeMs)} ms, ${ms(q.totalMs)} ms in all → ` +
      `about ${q.punchesPerSecond} punches/s (target ${e.target}/s: ${e.sqliteMet ? "met" : "MISSED"} by SQLite's own work). Cloudflare documents D1's ` +
      `meta.duration as the SQL execution only; the local D1's figure above is this plus its own handling of each statement ` +
      `(${ms(Math.max(0, e.sqlMsPerPunch - q.totalMs))} ms per punch here), which also keeps a database busy: the two bound what one database takes.`,
  );
  if (e.bytesPerPunch) console.log(`Storage: about ${e.bytesPerPunch} bytes per punch (row, indexes, audit entry), so 10 GB holds about ${Math.round(D1_DATABASE_BYTES / e.bytesPerPunch / 1e6)} million punches.`);
  if (b) {
    console.log(
      `\nBurst: ${b.requests} punches from ${b.employees} employees (${b.seeded} written into D1 for it) at concurrency ${b.concurrency}, ` +
        `${b.waves.length} waves: ${b.ok} × 201, ${b.errors} failed; ${b.throughput} punches/s on this machine; ` +
        `latency p50 ${b.latencyMs.p50.toFixed(0)} ms, p99 ${b.latencyMs.p99.toFixed(0)} ms, max ${b.latencyMs.max.toFixed(0)} ms.`,
    );
    if (Object.keys(b.outcomes).length) console.log(`burst verdicts (mode/status): ${JSON.stringify(b.outcomes)}`);
    console.log("Locally the Worker, D1 and the load generator share this machine's cores: the burst's throughput is the machine's, not D1's.");
  } else {
    console.log("\n(The 20,000-punch burst did not run: BENCH_BURST=1 runs it.)");
  }
  console.log("");
}
