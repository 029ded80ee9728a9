#!/usr/bin/env node
// `npm test`: builds what the end-to-end tests load (console, extension), type-checks, runs
// every test layer with vitest, and ends with one plain line: `N passed, N failed`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REPORT = path.join(ROOT, "test-results", "vitest.json");
const extraArgs = process.argv.slice(2);

function run(label, command, args) {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? "0" } });
  return result.status ?? 1;
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const vitest = path.join(ROOT, "node_modules", ".bin", "vitest");
let setupFailures = 0;
for (const [label, script] of [
  ["Building the console", "build:console"],
  ["Building the extension", "build:extension"],
  ["Type-checking", "typecheck"],
]) {
  if (run(label, npm, ["run", "--silent", script]) !== 0) {
    console.error(`✖ ${label} failed`);
    setupFailures += 1;
  }
}

mkdirSync(path.dirname(REPORT), { recursive: true });
rmSync(REPORT, { force: true });
const status = run("Running the tests", vitest, ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${REPORT}`, ...extraArgs]);

let passed = 0;
let failed = setupFailures;
if (existsSync(REPORT)) {
  const report = JSON.parse(readFileSync(REPORT, "utf8"));
  passed = report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  // Files that failed to load count as failures too; skipped or todo tests never count as passed.
  failed += (report.testResults ?? []).filter((file) => file.status === "failed" && (file.assertionResults ?? []).length === 0).length;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if (skipped) console.log(`(${skipped} skipped, not counted as passed)`);
} else {
  failed += 1;
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
