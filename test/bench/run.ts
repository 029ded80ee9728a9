/**
 * `npm run bench`: the punch path of the real Worker under `wrangler dev`, against a baseline
 * Worker that only verifies one signature and inserts one row (test/bench/baseline-worker.ts).
 * See test/bench/README.md for what it measures and how to read it.
 *
 * Exits non-zero only when the bench cannot run (a server does not start, setup fails, no
 * request succeeds); missed targets and failed punches are reported, not fatal.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Api, createEnrolledEmployee, type Employee, mapConcurrent, setUpFirstAdmin, type SignedPunch, signPunch } from "../support/api-client";
import { type LoadRequest, round, runLoad, type Summary, summarise } from "./load";
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
const TIMESHEET_EMPLOYEES = int("BENCH_TIMESHEET_EMPLOYEES", 1000);
const TIMESHEET_REPEATS = int("BENCH_TIMESHEET_REPEATS", 3);
/** `punches` or `timesheet` runs one half of the bench; unset runs both. */
const ONLY = process.env.BENCH_ONLY ?? "";
/** `BENCH_PROFILE=1`: a CPU profile of the product during the measured punch run (test/bench/profile.ts). */
const PROFILE = process.env.BENCH_PROFILE === "1";
if (!["", "punches", "timesheet"].includes(ONLY)) throw new Error("BENCH_ONLY must be punches or timesheet");
for (const [name, value] of Object.entries({ EMPLOYEES, PUNCHES_PER_EMPLOYEE, SETUP_CONCURRENCY, LOAD_CONCURRENCY })) {
  if (!(value >= 1)) throw new Error(`BENCH_${name} must be a positive integer`);
}
if (!(WARMUP >= 0)) throw new Error("BENCH_WARMUP must be 0 or more");
/** Reported, never asserted: the product's p50 may be at most this multiple of the baseline's. */
const P50_RATIO_TARGET = 1.3;

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

/** The same request with a corrupted signature (the last base64url character changed). */
function withTamperedSignature(request: LoadRequest): LoadRequest {
  const body = JSON.parse(request.body);
  const sig: string = body.assertion.response.signature;
  // The last character holds the low-order bits of the DER signature's `s`: swap it for another
  // one that changes those bits (our encoder leaves padding bits zero, so A↔Q, else → A do).
  const last = sig.at(-1)!;
  body.assertion.response.signature = sig.slice(0, -1) + (last === "A" ? "Q" : "A");
  return { ...request, label: `${request.label} (tampered)`, body: JSON.stringify(body) };
}

// ---- the run ---------------------------------------------------------------------------------

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), "clockwork-bench-"));
  log(`work dir ${tmp} (wrangler logs: product.log, baseline.log)`);
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
  const emptyAssets = join(tmp, "assets");
  mkdirSync(emptyAssets);
  log(`bundled product and baseline Workers in ${seconds(t)}`);

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
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", node: process.version },
  };
  let failed = false;
  if (ONLY !== "timesheet") {
    const punch = await punchBench({ tmp, productBundle, baselineBundle, emptyAssets, envFile, setupToken });
    results.punches = punch.results;
    failed ||= punch.failed;
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
  if (results.punches) printTable(results.punches as Parameters<typeof printTable>[0]);
  if (results.timesheet) printTimesheet(results.timesheet as Parameters<typeof printTimesheet>[0]);
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
async function punchBench(o: { tmp: string; productBundle: string; baselineBundle: string; emptyAssets: string; envFile: string; setupToken: string }) {
  const { tmp, productBundle, baselineBundle, emptyAssets, envFile, setupToken } = o;
  const extensionOrigin = wranglerVar("EXTENSION_ORIGINS").split(",")[0]!.trim();
  const productState = join(tmp, "product-state");
  const productLog = join(tmp, "product.log");
  let t = performance.now();
  await wranglerRun(["d1", "migrations", "apply", "DB", "--local", "--persist-to", productState, "--config", PRODUCT_CONFIG], productLog);
  const productPort = await freePort();
  // Console routes demand Origin = CONSOLE_ORIGIN, and its hostname is the console's RP ID.
  const consoleOrigin = `http://localhost:${productPort}`;
  const product = await DevServer.start({
    config: PRODUCT_CONFIG,
    bundle: productBundle,
    assets: emptyAssets,
    port: productPort,
    persistTo: productState,
    envFile,
    vars: { CONSOLE_ORIGIN: consoleOrigin },
    logFile: productLog,
    healthPath: "/api/health",
  });
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
  // online. All punches share it, so the product run must (and does) finish within that time.
  t = performance.now();
  const nonceRes = await api.expect(200, "GET", "/api/punch/nonce");
  const nonce = nonceRes.json.nonce as string;
  const kinds = new Map<Employee, "in" | "out">();
  const nextKind = (e: Employee) => {
    const kind = kinds.get(e) === "in" ? "out" : "in"; // in, out, in, ... per employee
    kinds.set(e, kind);
    return kind;
  };
  const sign = (e: Employee) => signPunch(e, nextKind(e), nonce);
  const warmupPunches: SignedPunch[] = [];
  for (let i = 0; i < WARMUP; i++) warmupPunches.push(await sign(employees[i % employees.length]!));
  // Round by round (every employee's 1st punch, then every 2nd ...), as a morning rush would be.
  const measuredPunches: SignedPunch[] = [];
  for (let round = 0; round < PUNCHES_PER_EMPLOYEE; round++) {
    for (const e of employees) measuredPunches.push(await sign(e));
  }
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
  // A punch never sent before, for the tamper check after each run.
  const spare = await sign(employees[0]!);

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
  const p50Ratio = round(p.latencyMs.p50 / b.latencyMs.p50, 2);
  const throughputRatio = round(p.throughput / b.throughput, 2);
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
    ratios: {
      p50: p50Ratio,
      p50Target: P50_RATIO_TARGET,
      p50TargetMet: p50Ratio <= P50_RATIO_TARGET,
      p95: round(p.latencyMs.p95 / b.latencyMs.p95, 2),
      p99: round(p.latencyMs.p99 / b.latencyMs.p99, 2),
      throughput: throughputRatio,
      workerdCpu: round(p.workerdCpuMsPerPunch / b.workerdCpuMsPerPunch, 2),
      floorP50: round(f.latencyMs.p50 / b.latencyMs.p50, 2),
      floorThroughput: round(f.throughput / b.throughput, 2),
      floorWorkerdCpu: round(f.workerdCpuMsPerPunch / b.workerdCpuMsPerPunch, 2),
    },
    floor: { ...f, tamperedSignature: floorResult.tamperedRefused },
  };
  return { results, failed: p.errors > 0 || b.errors > 0 || f.errors > 0 };
}

type PhaseSummary = Summary & { workerdCpuMsPerPunch: number; tamperedSignature: { ok: boolean } };

function printTable(r: {
  parameters: { measuredPunches: number; loadConcurrency: number };
  product: PhaseSummary;
  baseline: PhaseSummary;
  floor: PhaseSummary;
  ratios: {
    p50: number;
    p95: number;
    p99: number;
    throughput: number;
    p50Target: number;
    p50TargetMet: boolean;
    workerdCpu: number;
    floorP50: number;
    floorThroughput: number;
    floorWorkerdCpu: number;
  };
}) {
  const { product: p, baseline: b, floor: f, ratios } = r;
  const trips = (s: Summary) => (s.d1 ? `mean ${s.d1.roundTripsMean}, max ${s.d1.roundTripsMax}` : "n/a (no Server-Timing)");
  const each = (read: (s: PhaseSummary) => string): [string, string, string] => [read(p), read(b), read(f)];
  const rows: string[][] = [
    ["", "product", "baseline", "floor", "product/baseline", "floor/baseline"],
    ["throughput (punches/s)", ...each((s) => s.throughput.toFixed(1)), ratios.throughput.toFixed(2), ratios.floorThroughput.toFixed(2)],
    [
      "latency p50 (ms)",
      ...each((s) => s.latencyMs.p50.toFixed(1)),
      `${ratios.p50.toFixed(2)}  (target ≤ ${ratios.p50Target}: ${ratios.p50TargetMet ? "met" : "MISSED"})`,
      ratios.floorP50.toFixed(2),
    ],
    ["latency p95 (ms)", ...each((s) => s.latencyMs.p95.toFixed(1)), ratios.p95.toFixed(2), ""],
    ["latency p99 (ms)", ...each((s) => s.latencyMs.p99.toFixed(1)), ratios.p99.toFixed(2), ""],
    ["latency max (ms)", ...each((s) => s.latencyMs.max.toFixed(1)), "", ""],
    ["workerd CPU/punch (ms)", ...each((s) => s.workerdCpuMsPerPunch.toFixed(2)), ratios.workerdCpu.toFixed(2), ratios.floorWorkerdCpu.toFixed(2)],
    ["errors (non-201)", ...each((s) => String(s.errors)), "", ""],
    ["D1 round trips/punch", ...each(trips), "", ""],
    ["D1 wait/punch, mean (ms)", ...each((s) => (s.d1 ? s.d1.msMean.toFixed(1) : "n/a")), "", ""],
    ["tampered signature refused", ...each((s) => (s.tamperedSignature.ok ? "yes" : "NO")), "", ""],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  console.log(`\nPunch path, ${r.parameters.measuredPunches} pre-signed punches at concurrency ${r.parameters.loadConcurrency}, one after the other on this machine:\n`);
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("   "));
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("   "));
  }
  console.log(
    "\nbaseline: one signature check and one INSERT (key in the request). floor: the same Worker reading the key from D1 first,\n" +
      "the least a punch costs within the budget of one read and one write.",
  );
  if (Object.keys(p.outcomes).length) console.log(`\nproduct verdicts (mode/status): ${JSON.stringify(p.outcomes)}`);
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
  process.exitCode = 1;
}
