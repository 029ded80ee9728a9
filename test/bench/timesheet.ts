/**
 * The timesheet half of `npm run bench`: a month of punches for 1,000 employees in local D1,
 * the month's timesheet (JSON and CSV) from the real Worker, against, in the same run, one bare
 * SELECT of the same rows from the baseline Worker (test/bench/baseline-worker.ts) over the
 * same local database.
 */
import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { v7 as uuidv7 } from "uuid";
import { punchRangeForDays } from "../../shared/day";
import { addDays, datesBetween, zonedInstant } from "../../shared/schedule";
import { localDate } from "../../shared/time";
import { round } from "./load";
import { memory, workerdPids } from "./procs";
import { DevServer, freePort, wranglerRun } from "../support/wrangler";

export interface TimesheetBenchOptions {
  tmp: string;
  productConfig: string;
  baselineConfig: string;
  productBundle: string;
  baselineBundle: string;
  emptyAssets: string;
  envFile: string;
  employees: number;
  /** First and last local date of the month reported on. */
  from: string;
  to: string;
  repeats: number;
  log: (message: string) => void;
}

const ZONES = ["Asia/Shanghai", "Asia/Kolkata", "Europe/Berlin", "America/New_York"];
const q = (value: string | number | null) => (value === null ? "NULL" : typeof value === "number" ? String(value) : `'${value.replace(/'/g, "''")}'`);

/**
 * Employees across four zones on one 09:00–18:00 schedule, and four punches a day each
 * (in ~09:00, out 12:00, in 13:00, out ~18:00; a few late, a few flagged), every day of the month.
 */
function seedSql(employees: number, from: string, to: string, apiKeyHash: string): { sql: string; punches: number } {
  const now = Date.now();
  const lines: string[] = [
    `INSERT INTO schedules (id, name, timezone, kind, days, grace_late_min, grace_early_min, earliest_in_min, rest_day_work_allowed, created_at, updated_at)
     VALUES ('bench-schedule', 'Office hours', NULL, 'fixed', '${JSON.stringify([1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "09:00", end: "18:00" })))}', 10, 10, 60, 0, ${now}, ${now});`,
    `INSERT INTO holidays (id, date, name, created_at, updated_at) VALUES ('bench-holiday', ${q(addDays(from, 2))}, 'Bench holiday', ${now}, ${now});`,
    `INSERT INTO api_keys (id, name, role, key_hash, created_at) VALUES ('bench-key', 'bench', 'admin', ${q(apiKeyHash)}, ${now});`,
  ];
  const dates = datesBetween(from, to);
  let count = 0;
  let rows: string[] = [];
  const flush = () => {
    if (rows.length === 0) return;
    lines.push(
      `INSERT INTO punches (id, employee_id, source, kind, client_time, tz, effective_time, received_at, local_date, mode, status, reasons, punch_hash, receipt_payload, receipt_signature) VALUES\n${rows.join(",\n")};`,
    );
    rows = [];
  };
  for (let i = 0; i < employees; i++) {
    const id = `bench-${String(i).padStart(5, "0")}`;
    const tz = ZONES[i % ZONES.length]!;
    lines.push(
      `INSERT INTO employees (id, name, email, role, timezone, schedule_id, active, created_at, updated_at) VALUES (${q(id)}, ${q(`员工 ${i} Bench`)}, ${q(`${id}@example.com`)}, 'employee', ${q(tz)}, 'bench-schedule', 1, ${now}, ${now});`,
    );
    for (const [d, date] of dates.entries()) {
      const lateBy = (i + d) % 10 === 0 ? 25 : (i + d) % 7; // minutes
      const times: [string, "in" | "out", number][] = [
        ["09:00", "in", lateBy],
        ["12:00", "out", 0],
        ["13:00", "in", 0],
        ["18:00", "out", -((i * 3 + d) % 15)],
      ];
      for (const [time, kind, shift] of times) {
        const at = zonedInstant(date, time, tz) + shift * 60_000;
        const status = (i + d) % 13 === 0 && kind === "in" ? "flagged" : "accepted";
        const reasons = status === "flagged" ? '["offline"]' : "[]";
        rows.push(
          `(${q(uuidv7({ msecs: at }))}, ${q(id)}, 'device', '${kind}', ${at}, ${q(tz)}, ${at}, ${at}, ${q(localDate(at, tz))}, 'online', '${status}', '${reasons}', 'bench', '', '')`,
        );
        count++;
        if (rows.length >= 500) flush();
      }
    }
  }
  flush();
  return { sql: lines.join("\n"), punches: count };
}

interface Timed {
  ms: number;
  bytes: number;
  rows: number;
}

/** Downloads a URL `repeats` times (after one warm-up) and keeps the median time. */
async function timeDownload(url: string, headers: Record<string, string>, repeats: number, countRows: (text: string) => number): Promise<Timed> {
  const runs: Timed[] = [];
  for (let i = 0; i <= repeats; i++) {
    const start = performance.now();
    const res = await fetch(url, { headers });
    const text = await res.text();
    const ms = performance.now() - start;
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 300)}`);
    if (i > 0) runs.push({ ms, bytes: Buffer.byteLength(text), rows: countRows(text) });
  }
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)]!;
}

export async function timesheetBench(o: TimesheetBenchOptions) {
  const { log } = o;
  let t = performance.now();
  const apiKey = `bench_${randomBytes(24).toString("base64url")}`;
  const apiKeyHash = createHash("sha256").update(apiKey).digest("base64url");
  const seed = seedSql(o.employees, o.from, o.to, apiKeyHash);
  const seedFile = join(o.tmp, "timesheet-seed.sql");
  writeFileSync(seedFile, seed.sql);
  log(`timesheet: generated ${o.employees} employees × ${datesBetween(o.from, o.to).length} days = ${seed.punches} punches in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // One database for both Workers, one after the other: the baseline's config names the
  // product's database id, so it reads the very same local file.
  const state = join(o.tmp, "timesheet-state");
  t = performance.now();
  const seedLog = join(o.tmp, "timesheet-product.log");
  await wranglerRun(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state, "--config", o.productConfig], seedLog);
  await wranglerRun(["d1", "execute", "DB", "--local", "--persist-to", state, "--config", o.productConfig, "--file", seedFile, "--yes"], seedLog);
  log(`timesheet: seeded the database in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // The rows a timesheet of [from, to] reads.
  const { since, until } = punchRangeForDays(o.from, o.to);

  const productPort = await freePort();
  const product = await DevServer.start({
    config: o.productConfig,
    bundle: o.productBundle,
    assets: o.emptyAssets,
    port: productPort,
    persistTo: state,
    envFile: o.envFile,
    vars: { CONSOLE_ORIGIN: `http://localhost:${productPort}` },
    logFile: join(o.tmp, "timesheet-product.log"),
    healthPath: "/api/health",
  });
  const productPid = workerdPids(product.child.pid!);
  const auth = { Authorization: `Bearer ${apiKey}` };
  const report = `${product.url}/api/admin/reports/timesheet?from=${o.from}&to=${o.to}`;
  const before = memory(productPid);
  const json = await timeDownload(`${report}&format=json`, auth, o.repeats, (text) => (JSON.parse(text) as { items: unknown[] }).items.length);
  const csv = await timeDownload(`${report}&format=csv`, auth, o.repeats, (text) => text.split("\r\n").length - 2);
  const after = memory(productPid);
  await product.stop();

  const baseline = await DevServer.start({
    config: o.baselineConfig,
    bundle: o.baselineBundle,
    port: await freePort(),
    persistTo: state,
    logFile: join(o.tmp, "timesheet-baseline.log"),
    healthPath: "/health",
  });
  const baselinePid = workerdPids(baseline.child.pid!);
  const baselineBefore = memory(baselinePid);
  const select = await timeDownload(`${baseline.url}/punches?since=${since}&until=${until}`, {}, o.repeats, (text) => (JSON.parse(text) as { items: unknown[] }).items.length);
  const baselineAfter = memory(baselinePid);
  await baseline.stop();

  return {
    employees: o.employees,
    days: datesBetween(o.from, o.to).length,
    punches: seed.punches,
    range: { from: o.from, to: o.to },
    repeats: o.repeats,
    timesheetJson: { ms: round(json.ms, 1), rows: json.rows, bytes: json.bytes },
    timesheetCsv: { ms: round(csv.ms, 1), rows: csv.rows, bytes: csv.bytes },
    bareSelect: { ms: round(select.ms, 1), rows: select.rows, bytes: select.bytes },
    ratios: { json: round(json.ms / select.ms, 2), csv: round(csv.ms / select.ms, 2), target: 2 },
    memory: { product: { before, after }, baseline: { before: baselineBefore, after: baselineAfter } },
  };
}

export function printTimesheet(r: Awaited<ReturnType<typeof timesheetBench>>) {
  const met = (ratio: number) => (ratio <= r.ratios.target ? "met" : "MISSED");
  const mem = (m: { before: { rssMiB: number } | null; after: { peakMiB: number } | null }) =>
    m.before && m.after ? `peak ${m.after.peakMiB} MiB (before ${m.before.rssMiB})` : "n/a";
  console.log(`\nTimesheet, ${r.employees} employees × ${r.days} days (${r.punches} punches), ${r.range.from} to ${r.range.to}, median of ${r.repeats}:\n`);
  const rows: [string, string, string, string][] = [
    ["", "time (ms)", "rows", "vs bare SELECT"],
    ["timesheet JSON", r.timesheetJson.ms.toFixed(1), String(r.timesheetJson.rows), `${r.ratios.json.toFixed(2)}  (target ≤ ${r.ratios.target}: ${met(r.ratios.json)})`],
    ["timesheet CSV", r.timesheetCsv.ms.toFixed(1), String(r.timesheetCsv.rows), `${r.ratios.csv.toFixed(2)}  (target ≤ ${r.ratios.target}: ${met(r.ratios.csv)})`],
    ["bare SELECT of the rows", r.bareSelect.ms.toFixed(1), String(r.bareSelect.rows), "1.00"],
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("   "));
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("   "));
  }
  console.log(`\nworkerd memory: product ${mem(r.memory.product)}; baseline ${mem(r.memory.baseline)}\n`);
}
