/**
 * `npm run bench`: the punch path of the real Worker under `wrangler dev`, against the floor of a
 * punch with one read and one write, and a baseline Worker that only verifies one signature and
 * inserts one row (test/bench/baseline-worker.ts); then the product again over a long history,
 * for its D1 rows per punch; then what one D1 database can take (D1's own time per punch, and a
 * 20,000-punch burst: test/bench/capacity.ts). See test/bench/README.md for what it measures and
 * how to read it.
 *
 * Exits non-zero only when the bench cannot run (a server does not start, setup fails, no
 * request succeeds); missed targets and failed punches are reported, not fatal.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { v7 as uuidv7 } from "uuid";
import { addDays, zonedInstant } from "../../shared/schedule";
import { localDate, utcDate } from "../../shared/time";
import { Api, createEnrolledEmployee, type Employee, mapConcurrent, setUpFirstAdmin, type SignedPunch, signPunch } from "../support/api-client";
import { type LoadRequest, round, runLoad, type Summary, summarise } from "./load";
import { LIMITS, measureBundle } from "../../worker/deploy.mjs";
import { buildSqlTimedProduct, capacityBench, type CapacityResult, printCapacity } from "./capacity";
import { cpuMs, workerdPids } from "./procs";
import { CpuProfiler } from "./profile";
import { printTimesheet, timesheetBench } from "./timesheet";
import { buildWorker, DevServer, freePort, killAllNow, ROOT, stopAll, wranglerRun } from "../support/wrangler";

// ---- parameters (environment overrides are for quick trial runs; defaults are the bench) ----

const int = (name: string, fallback: number) => {
  const value = process.env[name];
  return value ? Number.parseInt(value, 10) : fallback;
};
const EMPLOYEES = int("BENCH_EMPLOYEES", 1000);
const PUNCHES_PER_EMPLOYEE = int("BENCH_PUNCHES_PER_EMPLOYEE", 5);
const SETUP_CONCURRENCY = int("BENCH_SETUP_CONCURRENCY", 20);
const LOAD_CONCURRENCY = int("BENCH_CONCURRENCY", 50);
const WARMUP = int("BENCH_WARMUP", 200);
/** The product's second, shorter run: after this many days of history (2 punches a day per employee) ... */
const HISTORY_DAYS = int("BENCH_HISTORY_DAYS", 30);
/** ... it measures this many punches per employee, for the D1 rows per punch. */
const HISTORY_PUNCHES_PER_EMPLOYEE = int("BENCH_HISTORY_PUNCHES_PER_EMPLOYEE", 2);
/** Capacity: punches sent one at a time for D1's own time per punch ... */
const SQL_PUNCHES = int("BENCH_SQL_PUNCHES", 500);
/** ... and, with BENCH_BURST=1 (about 10 more minutes here), the burst: every employee's punch, round after round, this many in flight. */
const BURST = process.env.BENCH_BURST === "1";
const BURST_EMPLOYEES = int("BENCH_BURST_EMPLOYEES", 5000);
const BURST_PUNCHES_PER_EMPLOYEE = int("BENCH_BURST_PUNCHES_PER_EMPLOYEE", 4);
const BURST_CONCURRENCY = int("BENCH_BURST_CONCURRENCY", 200);
const TIMESHEET_EMPLOYEES = int("BENCH_TIMESHEET_EMPLOYEES", 1000);
const TIMESHEET_REPEATS = int("BENCH_TIMESHEET_REPEATS", 3);
/** `punches` or `timesheet` runs one half of the bench; unset runs both. */
const ONLY = process.env.BENCH_ONLY ?? "";
/** `BENCH_PROFILE=1`: CPU profiles of the product and the floor during their measured punch runs (test/bench/profile.ts). */
const PROFILE = process.env.BENCH_PROFILE === "1";
if (!["", "punches", "timesheet"].includes(ONLY)) throw new Error("BENCH_ONLY must be punches or timesheet");
for (const [name, value] of Object.entries({ EMPLOYEES, PUNCHES_PER_EMPLOYEE, SETUP_CONCURRENCY, LOAD_CONCURRENCY, HISTORY_DAYS, HISTORY_PUNCHES_PER_EMPLOYEE, SQL_PUNCHES, BURST_EMPLOYEES, BURST_PUNCHES_PER_EMPLOYEE, BURST_CONCURRENCY })) {
  if (!(value >= 1)) throw new Error(`BENCH_${name} must be a positive integer`);
}
if (!(WARMUP >= 0)) throw new Error("BENCH_WARMUP must be 0 or more");
/**
 * Reported, never asserted: the product's p50 may be at most this multiple of the floor's (the
 * same run's two-round-trip floor: what the budget of one read and one write costs by itself).
 */
const P50_RATIO_TARGET = 1.3;
/**
 * The tampered-signature check comes from its own address (TEST-NET-1), so its refusals never
 * count against an employee's source in the product's refused-punch rate limit.
 */
const TAMPER_IP = "192.0.2.1";

const RESULTS_FILE = join(ROOT, "test/bench/results.json");
const PRODUCT_CONFIG = "wrangler.toml";
const BASELINE_CONFIG = "test/bench/wrangler.baseline.toml";

// ---- helpers --------------------------------------------------------------------------------

const log = (message: string) => console.log(`[bench] ${message}`);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** A `[vars]` value from wrangler.toml (a flat `KEY = "value"` line; enough for this file). */
function wranglerVar(name: string): string {
  const match = readFileSync(join(ROOT, PRODUCT_CONFIG), "utf8").match(new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m"));
  if (!match) throw new Error(`${PRODUCT_CONFIG} has no ${name} var`);
  return match[1]!;
}

/** SQL string literal. */
const q = (value: string | number | null) => (value === null ? "NULL" : typeof value === "number" ? String(value) : `'${value.replace(/'/g, "''")}'`);

/**
 * The baseline's seed: the same employees and credentials the product enrolled, so that the
 * baseline's punch rows satisfy the same foreign keys. Device id = credential id there.
 */
function baselineSeedSql(employees: readonly Employee[]): string {
  const now = Date.now();
  const lines: string[] = [];
  for (let i = 0; i < employees.length; i += 100) {
    const chunk = employees.slice(i, i + 100);
    lines.push(
      `INSERT INTO employees (id, name, email, role, active, created_at, updated_at) VALUES\n` +
        chunk.map((e) => `(${q(e.id)}, ${q(`Bench Employee ${e.index}`)}, ${q(`bench-${e.index}@example.com`)}, 'employee', 1, ${now}, ${now})`).join(",\n") +
        ";",
    );
    lines.push(
      `INSERT INTO devices (id, employee_id, kind, credential_id, public_key, rp_id, created_at) VALUES\n` +
        chunk
          .map((e) => `(${q(e.credentialId)}, ${q(e.id)}, 'extension', ${q(e.credentialId)}, ${q(JSON.stringify(e.publicKey))}, ${q(e.passkey.rpId)}, ${now})`)
          .join(",\n") +
        ";",
    );
  }
  return lines.join("\n");
}

interface PhaseResult {
  summary: Summary & { workerdCpuMsPerPunch: number };
  /** Did a tampered signature get refused (proves the server really verifies)? */
  tamperedRefused: { status: number; ok: boolean };
}

/** Warm-up (not counted), the measured run, and one tampered punch that must be refused. */
async function loadPhase(
  name: string,
  server: DevServer,
  url: string,
  warmup: LoadRequest[],
  measured: LoadRequest[],
  tampered: LoadRequest,
  describe?: (json: any) => string,
  around?: { before(): Promise<void>; after(): Promise<void> },
): Promise<PhaseResult> {
  let t = performance.now();
  const warm = await runLoad(url, warmup, LOAD_CONCURRENCY, describe);
  const warmErrors = warm.samples.filter((s) => s.status !== 201);
  log(`${name}: warm-up ${warmup.length} requests in ${seconds(t)}${warmErrors.length ? `, ${warmErrors.length} failed, e.g. ${warmErrors[0]!.error}` : ""}`);

  await around?.before();
  // CPU time of the server's workerd processes (the Worker, D1 and the runtime) over the measured
  // run, per punch: less noisy than latency when something else runs on the machine.
  const pids = workerdPids(server.child.pid!);
  const cpuBefore = cpuMs(pids);
  t = performance.now();
  const run = await runLoad(url, measured, LOAD_CONCURRENCY, describe);
  const workerdCpuMsPerPunch = round((cpuMs(pids) - cpuBefore) / measured.length, 2);
  await around?.after();
  const summary = { ...summarise(run.samples, run.wallMs), workerdCpuMsPerPunch };
  log(`${name}: ${measured.length} punches in ${seconds(t)}, ${summary.ok} × 201, ${summary.errors} failed`);
  if (summary.errors > 0) {
    log(`${name}: failures by status ${JSON.stringify(summary.errorsByStatus)}; first ones:`);
    for (const example of summary.errorExamples) log(`  ${example}`);
  }
  if (summary.ok === 0) throw new Error(`${name}: no punch succeeded; nothing to measure`);

  const check = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...tampered.headers }, body: tampered.body });
  await check.arrayBuffer();
  const tamperedRefused = { status: check.status, ok: check.status === 401 };
  if (!tamperedRefused.ok) log(`${name}: WARNING a punch with a tampered signature got ${check.status}, expected 401`);
  return { summary, tamperedRefused };
}

/**
 * A long history for the same employees, written straight into the product's D1: `days` days
 * before today, an in at 09:00 and an out at 18:00 (Berlin) each. Source `manual` (entered by the
 * admin), so no audit trigger fires and the rows are only punches.
 */
function historySql(employees: readonly Employee[], days: number, createdBy: string): { sql: string; punches: number } {
  const tz = "Europe/Berlin";
  const today = utcDate(Date.now());
  const lines: string[] = [];
  let rows: string[] = [];
  let count = 0;
  const flush = () => {
    if (rows.length === 0) return;
    lines.push(
      `INSERT INTO punches (id, employee_id, device_id, source, kind, client_time, tz, effective_time, received_at, local_date, mode, status, reasons, punch_hash, receipt_payload, receipt_signature, created_by) VALUES\n${rows.join(",\n")};`,
    );
    rows = [];
  };
  for (const e of employees) {
    for (let d = days; d >= 1; d--) {
      const date = addDays(today, -d);
      for (const [time, kind] of [["09:00", "in"], ["18:00", "out"]] as const) {
        const at = zonedInstant(date, time, tz) + (e.index % 10) * 60_000;
        rows.push(
          `(${q(uuidv7({ msecs: at }))}, ${q(e.id)}, NULL, 'manual', '${kind}', ${at}, '${tz}', ${at}, ${at}, ${q(localDate(at, tz))}, 'online', 'accepted', '[]', 'bench-history', '', '', ${q(createdBy)})`,
        );
        count++;
        if (rows.length >= 200) flush(); // D1 takes statements up to 100 KB
      }
    }
  }
  flush();
  return { sql: lines.join("\n"), punches: count };
}

/** The same request with a corrupted signature (the last base64url character changed), from its own address. */
function withTamperedSignature(request: LoadRequest): LoadRequest {
  const body = JSON.parse(request.body);
  const sig: string = body.assertion.response.signature;
  // The last character holds the low-order bits of the DER signature's `s`: swap it for another
  // one that changes those bits (our encoder leaves padding bits zero, so A↔Q, else → A do).
  const last = sig.at(-1)!;
  body.assertion.response.signature = sig.slice(0, -1) + (last === "A" ? "Q" : "A");
  return { label: `${request.label} (tampered)`, headers: { ...request.headers, "CF-Connecting-IP": TAMPER_IP }, body: JSON.stringify(body) };
}

// ---- the run ---------------------------------------------------------------------------------

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), "clockwork-bench-"));
  log(`work dir ${tmp} (wrangler logs: product.log, baseline.log)`);
  // wrangler always writes a debug log as well (every inspector event of every request: about
  // 100 MB a run); into the work directory with the rest, not ~/.config/.wrangler/logs.
  process.env.WRANGLER_LOG_PATH ??= join(tmp, "wrangler-debug");
  const started = performance.now();

  // wrangler.toml serves the console build as static assets; the bench does not need it built,
  // but wrangler wants the directory to exist (same as vitest.config.ts does).
  mkdirSync(join(ROOT, "worker/console/dist"), { recursive: true });

  // Both Workers are bundled once, now, as `wrangler deploy` bundles them, and `wrangler dev`
  // runs these snapshots: edits to the sources during the run cannot reload a Worker mid-load.
  // The product runs with an empty assets directory for the same reason (a console rebuild
  // would reload it too); its API routes run before assets (`run_worker_first`), so the punch
  // path is unchanged.
  let t = performance.now();
  const productBundle = await buildWorker(PRODUCT_CONFIG, join(tmp, "product-build"), join(tmp, "product.log"));
  const baselineBundle = await buildWorker(BASELINE_CONFIG, join(tmp, "baseline-build"), join(tmp, "baseline.log"));
  // The product again, wrapped so that each answer carries D1's own time for its statements (capacity.ts).
  const timedBundle = await buildSqlTimedProduct(PRODUCT_CONFIG, join(tmp, "timed-build"), join(tmp, "product.log"));
  const emptyAssets = join(tmp, "assets");
  mkdirSync(emptyAssets);
  log(`bundled product, baseline and SQL-timed product Workers in ${seconds(t)}`);
  // What `wrangler deploy` would upload, against Cloudflare's limits (test/e2e/deploy.test.ts asserts it).
  const built = measureBundle(join(tmp, "product-build"));
  const bundle = {
    bytes: built.bytes,
    gzipBytes: built.gzipBytes,
    limitGzipBytes: LIMITS.workerGzipBytes,
  };
  const bundleLine = `Deployable Worker: ${(bundle.bytes / 1024).toFixed(1)} KiB, ${(bundle.gzipBytes / 1024).toFixed(1)} KiB gzipped (Cloudflare's limit: 3 MiB gzipped on Workers Free, 10 MiB on Paid)`;
  log(bundleLine);

  const setupToken = randomBytes(16).toString("base64url");
  const receiptKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
  const envFile = join(tmp, "product.env");
  writeFileSync(
    envFile,
    [
      `SETUP_TOKEN=${setupToken}`,
      `NONCE_SECRET=${randomBytes(32).toString("base64url")}`,
      `RECEIPT_KEY='${JSON.stringify(receiptKey)}'`,
      // wrangler dev's request.cf is a fixed placeholder; the product must not record it as geo.
      `IP_GEO_SOURCE=none`,
    ].join("\n") + "\n",
    { mode: 0o600 },
  );

  const results: Record<string, unknown> = {
    generatedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", node: process.version, loadAverageAtStart: loadavg().map((l) => round(l, 2)) },
    bundle,
  };
  let failed = false;
  if (ONLY !== "timesheet") {
    const punch = await punchBench({ tmp, productBundle, baselineBundle, timedBundle, emptyAssets, envFile, setupToken });
    results.punches = punch.results;
    failed ||= punch.failed;
    // Written and printed now, so that a failure in the timesheet half does not lose them.
    results.totalSeconds = round((performance.now() - started) / 1000, 1);
    writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + "\n");
    printTable(punch.results);
    printCapacity(punch.results.capacity);
  }
  if (ONLY !== "punches") {
    const month = lastLongMonth(new Date());
    t = performance.now();
    const timesheet = await timesheetBench({
      tmp,
      productConfig: PRODUCT_CONFIG,
      baselineConfig: BASELINE_CONFIG,
      productBundle,
      baselineBundle,
      emptyAssets,
      envFile,
      employees: TIMESHEET_EMPLOYEES,
      ...month,
      repeats: TIMESHEET_REPEATS,
      log,
    });
    log(`timesheet bench done in ${seconds(t)}`);
    results.timesheet = timesheet;
  }
  results.totalSeconds = round((performance.now() - started) / 1000, 1);
  writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + "\n");
  if (results.timesheet) printTimesheet(results.timesheet as Parameters<typeof printTimesheet>[0]);
  console.log(`${bundleLine}\n`);
  results.machine = { ...(results.machine as object), loadAverageAtEnd: loadavg().map((l) => round(l, 2)) };
  writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + "\n");
  log(`results written to ${RESULTS_FILE}; whole run ${results.totalSeconds} s`);

  // Keep the wrangler logs when something failed, to see why.
  if (process.env.BENCH_KEEP_TMP || failed) log(`kept ${tmp} (wrangler logs inside)`);
  else rmSync(tmp, { recursive: true, force: true });
}

/** Starts a CPU profile of the Worker before the measured run and prints where the time went after it. */
function profileAround(inspectorPort: number, file: string) {
  let profiler: CpuProfiler | undefined;
  return {
    async before() {
      profiler = await CpuProfiler.connect(inspectorPort);
      await profiler.start();
    },
    async after() {
      const top = await profiler!.stop(file);
      log(`CPU profile of the measured run written to ${file}; most self time:`);
      for (const entry of top) log(`  ${String(entry.selfPercent).padStart(5)} %  ${entry.where}`);
    },
  };
}

/** The latest month with 31 days that has ended: the timesheet bench reports on it. */
function lastLongMonth(now: Date): { from: string; to: string } {
  for (let back = 1; ; back++) {
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0));
    if (last.getUTCDate() === 31) return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
  }
}

/** The punch path: product against baseline, with the company's rules switched on. */
async function punchBench(o: { tmp: string; productBundle: string; baselineBundle: string; timedBundle: string; emptyAssets: string; envFile: string; setupToken: string }) {
  const { tmp, productBundle, baselineBundle, timedBundle, emptyAssets, envFile, setupToken } = o;
  const extensionOrigin = wranglerVar("EXTENSION_ORIGINS").split(",")[0]!.trim();
  const productState = join(tmp, "product-state");
  const productLog = join(tmp, "product.log");
  let t = performance.now();
  await wranglerRun(["d1", "migrations", "apply", "DB", "--local", "--persist-to", productState, "--config", PRODUCT_CONFIG], productLog);
  // Console routes demand Origin = CONSOLE_ORIGIN, and its hostname is the console's RP ID.
  // SERVER_TIMING=on: the product reports each request's D1 round trips and rows (off in wrangler.toml).
  const startProduct = async () => {
    const port = await freePort();
    const consoleOrigin = `http://localhost:${port}`;
    const server = await DevServer.start({
      config: PRODUCT_CONFIG,
      bundle: productBundle,
      assets: emptyAssets,
      port,
      persistTo: productState,
      envFile,
      vars: { CONSOLE_ORIGIN: consoleOrigin, SERVER_TIMING: "on" },
      logFile: productLog,
      healthPath: "/api/health",
    });
    return { server, consoleOrigin };
  };
  const first = await startProduct();
  const { consoleOrigin } = first;
  let product = first.server; // started again for the run with history
  log(`product Worker up at ${product.url} in ${seconds(t)}`);
  const api = new Api(product.url);

  // ---- setup through the public API: admin, then employees with enrolled extension passkeys ----
  t = performance.now();
  const admin = await setUpFirstAdmin(api, setupToken, consoleOrigin);
  let done = 0;
  const employees = await mapConcurrent(
    Array.from({ length: EMPLOYEES }, (_, i) => i),
    SETUP_CONCURRENCY,
    async (i) => {
      const employee = await createEnrolledEmployee(api, admin, consoleOrigin, extensionOrigin, i);
      if (++done % 250 === 0) log(`  ${done}/${EMPLOYEES} employees enrolled`);
      return employee;
    },
  );
  const setupSeconds = (performance.now() - t) / 1000;
  log(`setup: admin + ${EMPLOYEES} employees with enrolled passkeys in ${setupSeconds.toFixed(1)} s`);

  // The rules on, as a company would have them: a site around everyone's fix, the network the
  // employees punch from, and a schedule every employee works to.
  t = performance.now();
  const asAdmin = { cookie: admin.cookie, origin: consoleOrigin };
  await api.expect(201, "POST", "/api/admin/sites", { ...asAdmin, body: { name: "Berlin office", lat: 52.5245, lon: 13.405, radiusM: 1000 } });
  await api.expect(201, "POST", "/api/admin/networks", { ...asAdmin, body: { name: "Office network", cidr: "10.0.0.0/8" } });
  const schedule = await api.expect(201, "POST", "/api/admin/schedules", {
    ...asAdmin,
    body: {
      name: "Office hours",
      kind: "fixed",
      days: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: "09:00", end: "18:00" })),
      graceLateMin: 10,
      graceEarlyMin: 10,
      earliestInMin: 60,
    },
  });
  await mapConcurrent(employees, SETUP_CONCURRENCY, (e) =>
    api.expect(200, "PATCH", `/api/admin/employees/${e.id}`, { ...asAdmin, body: { scheduleId: schedule.json.id } }),
  );
  log(`rules: a site, a network and a schedule for all ${EMPLOYEES} employees in ${seconds(t)}`);

  // ---- pre-sign every punch (warm-up first), with one fresh nonce ----------------------------
  // A nonce proves "signed no earlier than"; younger than 5 minutes at arrival, the punch is
  // online. All punches of a run share it, so each product run must (and does) finish within that time.
  const kinds = new Map<Employee, "in" | "out">();
  const nextKind = (e: Employee) => {
    const kind = kinds.get(e) === "in" ? "out" : "in"; // in, out, in, ... per employee
    kinds.set(e, kind);
    return kind;
  };
  const signRun = async (rounds: number) => {
    const nonce = (await new Api(product.url).expect(200, "GET", "/api/punch/nonce")).json.nonce as string;
    const sign = (e: Employee) => signPunch(e, nextKind(e), nonce);
    const warmup: SignedPunch[] = [];
    for (let i = 0; i < WARMUP; i++) warmup.push(await sign(employees[i % employees.length]!));
    // Round by round (every employee's 1st punch, then every 2nd ...), as a morning rush would be.
    const measured: SignedPunch[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const e of employees) measured.push(await sign(e));
    }
    // A punch never sent before, for the tamper check after the run.
    return { warmup, measured, spare: await sign(employees[0]!) };
  };
  t = performance.now();
  const { warmup: warmupPunches, measured: measuredPunches, spare } = await signRun(PUNCHES_PER_EMPLOYEE);
  log(`signed ${warmupPunches.length} warm-up + ${measuredPunches.length} punches in ${seconds(t)}`);

  const headersOf = (p: SignedPunch) => ({ "CF-Connecting-IP": p.employee.ip, Origin: extensionOrigin });
  const productRequest = (p: SignedPunch): LoadRequest => ({
    label: `punch ${p.punch.id} (employee ${p.employee.index}, ${p.punch.kind})`,
    headers: headersOf(p),
    body: JSON.stringify({ punch: p.punch, assertion: p.assertion }),
  });
  // The baseline gets the public key in the body (see baseline-worker.ts): no lookup SELECT.
  const baselineRequest = (p: SignedPunch): LoadRequest => ({
    ...productRequest(p),
    body: JSON.stringify({ punch: p.punch, assertion: p.assertion, publicKey: p.employee.publicKey }),
  });

  // ---- product run -----------------------------------------------------------------------------
  const productResult = await loadPhase(
    "product",
    product,
    `${product.url}/api/punches`,
    warmupPunches.map(productRequest),
    measuredPunches.map(productRequest),
    withTamperedSignature(productRequest(spare)),
    (json) => `${json.punch?.mode}/${json.punch?.status}`,
    PROFILE ? profileAround(product.inspectorPort, join(ROOT, "test/bench/product.cpuprofile")) : undefined,
  );
  await product.stop();
  log("product Worker stopped");

  // ---- the product again, over a long history: D1 rows per punch must not grow with it ---------
  t = performance.now();
  const history = historySql(employees, HISTORY_DAYS, admin.id);
  const historyFile = join(tmp, "history.sql");
  writeFileSync(historyFile, history.sql);
  await wranglerRun(["d1", "execute", "DB", "--local", "--persist-to", productState, "--config", PRODUCT_CONFIG, "--file", historyFile, "--yes"], productLog);
  product = (await startProduct()).server;
  log(`history: ${history.punches} punches (${HISTORY_DAYS} days × 2 × ${EMPLOYEES} employees) written, product up again at ${product.url} in ${seconds(t)}`);
  t = performance.now();
  const later = await signRun(HISTORY_PUNCHES_PER_EMPLOYEE);
  log(`signed ${later.warmup.length} warm-up + ${later.measured.length} punches in ${seconds(t)}`);
  const historyResult = await loadPhase(
    "product with history",
    product,
    `${product.url}/api/punches`,
    later.warmup.map(productRequest),
    later.measured.map(productRequest),
    withTamperedSignature(productRequest(later.spare)),
    (json) => `${json.punch?.mode}/${json.punch?.status}`,
  );
  await product.stop();
  log("product Worker stopped");

  // ---- capacity: D1's own time per punch on this database, and the morning burst ---------------
  const capacity: CapacityResult = await capacityBench(
    {
      tmp,
      config: PRODUCT_CONFIG,
      bundle: timedBundle,
      assets: emptyAssets,
      state: productState,
      envFile,
      logFile: productLog,
      employees,
      extensionOrigin,
      scheduleId: schedule.json.id as string,
      nextKind,
      toRequest: productRequest,
      log,
    },
    {
      sqlPunches: SQL_PUNCHES,
      burst: BURST ? { employees: BURST_EMPLOYEES, punchesPerEmployee: BURST_PUNCHES_PER_EMPLOYEE, concurrency: BURST_CONCURRENCY } : null,
    },
  );

  // ---- baseline and floor: each on its own D1 with the same schema and the same employees ------
  const seedFile = join(tmp, "baseline-seed.sql");
  writeFileSync(seedFile, baselineSeedSql(employees));
  const minimal = async (name: "baseline" | "floor", vars: Record<string, string>) => {
    const state = join(tmp, `${name}-state`);
    const logFile = join(tmp, `${name}.log`);
    t = performance.now();
    await wranglerRun(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state, "--config", BASELINE_CONFIG], logFile);
    await wranglerRun(["d1", "execute", "DB", "--local", "--persist-to", state, "--config", BASELINE_CONFIG, "--file", seedFile, "--yes"], logFile);
    const server = await DevServer.start({
      config: BASELINE_CONFIG,
      bundle: baselineBundle,
      port: await freePort(),
      persistTo: state,
      vars,
      logFile,
      healthPath: "/health",
    });
    log(`${name} Worker migrated, seeded and up at ${server.url} in ${seconds(t)}`);
    const result = await loadPhase(
      name,
      server,
      `${server.url}/punches`,
      warmupPunches.map(baselineRequest),
      measuredPunches.map(baselineRequest),
      withTamperedSignature(baselineRequest(spare)),
      undefined,
      // The floor's profile too, to compare with the product's: what does the product do that the floor does not?
      PROFILE && name === "floor" ? profileAround(server.inspectorPort, join(ROOT, "test/bench/floor.cpuprofile")) : undefined,
    );
    await server.stop();
    log(`${name} Worker stopped`);
    return result;
  };
  const baselineResult = await minimal("baseline", {});
  // The baseline Worker again, reading the key from D1 first: the floor of a read-then-write punch.
  const floorResult = await minimal("floor", { LOOKUP: "1" });

  const p = productResult.summary;
  const b = baselineResult.summary;
  const f = floorResult.summary;
  const h = historyResult.summary;
  const ratiosOf = (x: PhaseResult["summary"], y: PhaseResult["summary"]): Ratios => ({
    p50: round(x.latencyMs.p50 / y.latencyMs.p50, 2),
    p95: round(x.latencyMs.p95 / y.latencyMs.p95, 2),
    p99: round(x.latencyMs.p99 / y.latencyMs.p99, 2),
    throughput: round(x.throughput / y.throughput, 2),
    workerdCpu: round(x.workerdCpuMsPerPunch / y.workerdCpuMsPerPunch, 2),
  });
  const productOverFloor = ratiosOf(p, f);
  const rowsBefore = p.d1?.rows ?? null;
  const rowsAfter = h.d1?.rows ?? null;
  const results = {
    parameters: {
      employees: EMPLOYEES,
      punchesPerEmployee: PUNCHES_PER_EMPLOYEE,
      measuredPunches: measuredPunches.length,
      warmupPunches: warmupPunches.length,
      loadConcurrency: LOAD_CONCURRENCY,
      setupConcurrency: SETUP_CONCURRENCY,
      rules: "site, network and schedule on",
    },
    setupSeconds: round(setupSeconds, 1),
    product: { ...p, tamperedSignature: productResult.tamperedRefused },
    baseline: { ...b, tamperedSignature: baselineResult.tamperedRefused },
    floor: { ...f, tamperedSignature: floorResult.tamperedRefused },
    target: {
      what: "product p50 / floor p50",
      ratio: productOverFloor.p50,
      atMost: P50_RATIO_TARGET,
      met: productOverFloor.p50 <= P50_RATIO_TARGET,
    },
    ratios: {
      productOverFloor,
      productOverBaseline: ratiosOf(p, b),
      floorOverBaseline: ratiosOf(f, b),
    },
    // The product's D1 rows per punch with the company's history as the run left it, and again
    // after HISTORY_DAYS more days of it for every employee.
    history: {
      days: HISTORY_DAYS,
      punchesAdded: history.punches,
      measuredPunches: later.measured.length,
      warmupPunches: later.warmup.length,
      productWithHistory: { ...h, tamperedSignature: historyResult.tamperedRefused },
      rowsPerPunch: {
        before: rowsBefore,
        after: rowsAfter,
        // after / before of the means: 1.00 is flat.
        ratio:
          rowsBefore && rowsAfter
            ? {
                read: round(rowsAfter.readMean / rowsBefore.readMean, 2),
                written: round(rowsAfter.writtenMean / rowsBefore.writtenMean, 2),
              }
            : null,
      },
    },
  };
  return {
    results: { ...results, capacity },
    failed: p.errors > 0 || b.errors > 0 || f.errors > 0 || h.errors > 0 || capacity.sequential.errors > 0 || (capacity.burst?.errors ?? 0) > 0,
  };
}

interface Ratios {
  p50: number;
  p95: number;
  p99: number;
  throughput: number;
  workerdCpu: number;
}

type PhaseSummary = Summary & { workerdCpuMsPerPunch: number; tamperedSignature: { ok: boolean } };

/** Prints rows of cells as a table: the first column left-aligned, the others right-aligned. */
function printRows(rows: string[][]) {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("   "));
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("   "));
  }
}

const trips = (s: Summary) => (s.d1 ? `mean ${s.d1.roundTripsMean}, max ${s.d1.roundTripsMax}` : "n/a (no Server-Timing)");
const rowsRead = (s: Summary) => (s.d1?.rows ? `mean ${s.d1.rows.readMean}, max ${s.d1.rows.readMax}` : "n/a");
const rowsWritten = (s: Summary) => (s.d1?.rows ? `mean ${s.d1.rows.writtenMean}, max ${s.d1.rows.writtenMax}` : "n/a");

function printTable(r: {
  parameters: { measuredPunches: number; loadConcurrency: number };
  product: PhaseSummary;
  baseline: PhaseSummary;
  floor: PhaseSummary;
  target: { ratio: number; atMost: number; met: boolean };
  ratios: { productOverFloor: Ratios; productOverBaseline: Ratios; floorOverBaseline: Ratios };
  history: {
    days: number;
    punchesAdded: number;
    measuredPunches: number;
    productWithHistory: PhaseSummary;
    rowsPerPunch: { ratio: { read: number; written: number } | null };
  };
}) {
  const { product: p, baseline: b, floor: f, target } = r;
  const { productOverFloor: pf, productOverBaseline: pb, floorOverBaseline: fb } = r.ratios;
  const each = (read: (s: PhaseSummary) => string): [string, string, string] => [read(p), read(f), read(b)];
  const ratio = (pick: (x: Ratios) => number): [string, string, string] => [pick(pf).toFixed(2), pick(pb).toFixed(2), pick(fb).toFixed(2)];
  console.log(`\nPunch path, ${r.parameters.measuredPunches} pre-signed punches at concurrency ${r.parameters.loadConcurrency}, one Worker after the other on this machine:\n`);
  printRows([
    ["", "product", "floor", "baseline", "product/floor", "product/baseline", "floor/baseline"],
    ["throughput (punches/s)", ...each((s) => s.throughput.toFixed(1)), ...ratio((x) => x.throughput)],
    ["latency p50 (ms)", ...each((s) => s.latencyMs.p50.toFixed(1)), ...ratio((x) => x.p50)],
    ["latency p95 (ms)", ...each((s) => s.latencyMs.p95.toFixed(1)), ...ratio((x) => x.p95)],
    ["latency p99 (ms)", ...each((s) => s.latencyMs.p99.toFixed(1)), ...ratio((x) => x.p99)],
    ["latency max (ms)", ...each((s) => s.latencyMs.max.toFixed(1)), "", "", ""],
    ["workerd CPU/punch (ms)", ...each((s) => s.workerdCpuMsPerPunch.toFixed(2)), ...ratio((x) => x.workerdCpu)],
    ["errors (non-201)", ...each((s) => String(s.errors)), "", "", ""],
    ["D1 round trips/punch", ...each(trips), "", "", ""],
    ["D1 wait/punch, mean (ms)", ...each((s) => (s.d1 ? s.d1.msMean.toFixed(1) : "n/a")), "", "", ""],
    ["D1 rows read/punch", ...each(rowsRead), "", "", ""],
    ["D1 rows written/punch", ...each(rowsWritten), "", "", ""],
    ["tampered signature refused", ...each((s) => (s.tamperedSignature.ok ? "yes" : "NO")), "", "", ""],
  ]);
  console.log(
    "\nfloor: a Worker that reads the key from D1, checks the signature and inserts the row: the least a punch costs within the\n" +
      "budget of one read and one write. baseline: the same Worker with the key in the request (one round trip), for context.",
  );
  console.log(`\nTarget: product p50 ≤ ${target.atMost} × floor p50: ${target.ratio.toFixed(2)}, ${target.met ? "met" : "MISSED"}.`);
  if (Object.keys(p.outcomes).length) console.log(`product verdicts (mode/status): ${JSON.stringify(p.outcomes)}`);

  const h = r.history.productWithHistory;
  const rowsRatio = r.history.rowsPerPunch.ratio;
  console.log(
    `\nProduct D1 rows per punch against the company's history: the run above, then ${r.history.measuredPunches} more punches after ` +
      `${r.history.punchesAdded} punches of history (${r.history.days} days) were added for the same employees:\n`,
  );
  printRows([
    ["", "run above", `+${r.history.days} days of history`, "with history/above"],
    ["D1 rows read/punch", rowsRead(p), rowsRead(h), rowsRatio ? rowsRatio.read.toFixed(2) : "n/a"],
    ["D1 rows written/punch", rowsWritten(p), rowsWritten(h), rowsRatio ? rowsRatio.written.toFixed(2) : "n/a"],
    ["D1 round trips/punch", trips(p), trips(h), ""],
    ["latency p50 (ms)", p.latencyMs.p50.toFixed(1), h.latencyMs.p50.toFixed(1), (h.latencyMs.p50 / p.latencyMs.p50).toFixed(2)],
    ["workerd CPU/punch (ms)", p.workerdCpuMsPerPunch.toFixed(2), h.workerdCpuMsPerPunch.toFixed(2), (h.workerdCpuMsPerPunch / p.workerdCpuMsPerPunch).toFixed(2)],
    ["errors (non-201)", String(p.errors), String(h.errors), ""],
    ["tampered signature refused", p.tamperedSignature.ok ? "yes" : "NO", h.tamperedSignature.ok ? "yes" : "NO", ""],
  ]);
  if (Object.keys(h.outcomes).length) console.log(`\nproduct verdicts with history (mode/status): ${JSON.stringify(h.outcomes)}`);
  console.log("");
}

// ---- never leave wrangler running --------------------------------------------------------------

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(`[bench] ${signal}: stopping wrangler`);
    killAllNow();
    process.exit(130);
  });
}

try {
  await main();
} catch (error) {
  console.error(`[bench] FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await stopAll();
  // Exit now: a handle left open by whatever failed (a runtime that did not start) would keep
  // the process waiting forever.
  process.exit(1);
}
