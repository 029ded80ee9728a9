#!/usr/bin/env node
// The console's JavaScript and CSS, gzipped, from the Vite manifest of the last build
// (`npm run build:console`): what the first visit loads (the app and the landing page), then
// what each page adds on top, then what loads later still (the map, the charts, the CSV parser).
//
//   node worker/console/scripts/sizes.mjs            a table
//   node worker/console/scripts/sizes.mjs --json     the same as JSON
//   node worker/console/scripts/sizes.mjs --check    exit 1 when the first load is over budget
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const DIST = join(dirname(fileURLToPath(import.meta.url)), "../dist/admin");
const MANIFEST = join(DIST, ".vite/manifest.json");
/** The page the console opens on. */
const LANDING = "src/pages/Today.tsx";
/** First load budget, gzipped (issue 11). */
const BUDGET = 80 * 1024;

if (!existsSync(MANIFEST)) {
  console.error(`No manifest at ${MANIFEST}: run npm run build:console first.`);
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(MANIFEST, "utf8"));
const gz = new Map();
/** Gzipped bytes of one built file (level 9, as a server would send it). */
function gzipped(file) {
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length);
  return gz.get(file);
}

/** Every file a chunk needs before it runs: itself, its static imports (transitively), their CSS. */
function closure(key, files = new Set()) {
  const chunk = manifest[key];
  if (!chunk || files.has(chunk.file)) return files;
  files.add(chunk.file);
  for (const css of chunk.css ?? []) files.add(css);
  for (const dep of chunk.imports ?? []) closure(dep, files);
  return files;
}
const sum = (files) => [...files].reduce((total, file) => total + gzipped(file), 0);
const minus = (files, loaded) => new Set([...files].filter((f) => !loaded.has(f)));

const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
const app = closure(entry);
const first = closure(LANDING, new Set(app));
const pages = [];
const later = [];
for (const [key, chunk] of Object.entries(manifest)) {
  if (!chunk.isDynamicEntry) continue;
  const own = minus(closure(key), first);
  const row = { name: key.replace(/^.*node_modules\//, "").replace(/^src\//, ""), gzipBytes: sum(own), files: [...own] };
  (key.startsWith("src/pages/") ? pages : later).push(row);
}
pages.sort((a, b) => a.name.localeCompare(b.name));
later.sort((a, b) => a.name.localeCompare(b.name));
const result = {
  firstLoad: { gzipBytes: sum(first), budgetBytes: BUDGET, files: [...first], app: sum(app), landing: LANDING },
  pages,
  later,
};

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
if (process.argv.includes("--json")) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`console first load (app + ${LANDING.replace("src/pages/", "")}): ${kb(result.firstLoad.gzipBytes)} gzipped (budget ${kb(BUDGET)})`);
  console.log("each page adds, gzipped:");
  for (const p of pages) console.log(`  ${p.name.replace("pages/", "").padEnd(28)} ${kb(p.gzipBytes).padStart(9)}`);
  console.log("loaded later by the pages that use them, gzipped:");
  for (const p of later) console.log(`  ${p.name.padEnd(28)} ${kb(p.gzipBytes).padStart(9)}`);
}
if (process.argv.includes("--check") && result.firstLoad.gzipBytes > BUDGET) {
  console.error(`first load ${kb(result.firstLoad.gzipBytes)} is over the ${kb(BUDGET)} budget`);
  process.exit(1);
}
