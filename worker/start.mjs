#!/usr/bin/env node
// `npm start`: local secrets, local D1 migrations, console and extension builds, then
// `wrangler dev`, and a summary of where everything is once the Worker answers.
// Works offline: every wrangler call runs with metrics and the request.cf download turned off.
import { spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DEV_VARS = path.join(ROOT, ".dev.vars");
const EXTENSION_DIR = path.join(ROOT, "extension", ".output", "chrome-mv3");
// The JS entry rather than node_modules/.bin: no shell needed, and the PID is wrangler's own.
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const DEFAULT_PORT = 8787;
const READY_TIMEOUT_MS = 90_000;

const WRANGLER_ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  // Otherwise `wrangler dev` tries to download request.cf data and waits when offline.
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
};

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (color ? `\x1b[1m${s}\x1b[22m` : s);
const cyan = (s) => (color ? `\x1b[36m${s}\x1b[39m` : s);

function step(message) {
  console.log(`\n${cyan("▶")} ${bold(message)}`);
}

function fail(message) {
  console.error(`\n✖ ${message}`);
  process.exit(1);
}

function parsePort(value) {
  if (value === undefined || value === "") return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT must be a TCP port number, not "${value}".`);
  return port;
}

/** KEY=value lines; values may be wrapped in single or double quotes. */
function parseDotenv(text) {
  const vars = {};
  for (const line of text.split(/\r?\n/)) {
    const match = line.match(/^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*?)\s*$/);
    if (!match) continue;
    let value = match[2];
    const quote = value[0];
    if ((quote === "'" || quote === '"') && value.endsWith(quote) && value.length >= 2) value = value.slice(1, -1);
    vars[match[1]] = value;
  }
  return vars;
}

/** Fresh local secrets for a fresh clone; an existing .dev.vars is never touched. */
function ensureDevVars() {
  if (existsSync(DEV_VARS)) {
    const vars = parseDotenv(readFileSync(DEV_VARS, "utf8"));
    const missing = ["SETUP_TOKEN", "NONCE_SECRET", "RECEIPT_KEY"].filter((key) => !vars[key]);
    console.log(`Using the existing ${path.relative(ROOT, DEV_VARS)}.`);
    if (missing.length) console.warn(`Warning: .dev.vars has no ${missing.join(", ")}; the Worker needs them.`);
    return vars;
  }
  const receiptKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
  const vars = {
    SETUP_TOKEN: randomBytes(24).toString("base64url"),
    NONCE_SECRET: randomBytes(32).toString("base64url"),
    RECEIPT_KEY: JSON.stringify(receiptKey),
    // Local wrangler dev gives every request the same made-up request.cf (Austin, Texas).
    IP_GEO_SOURCE: "none",
  };
  const text = [
    "# Local secrets written by `npm start` (git-ignored). Delete this file to get new ones.",
    `SETUP_TOKEN=${vars.SETUP_TOKEN}`,
    `NONCE_SECRET=${vars.NONCE_SECRET}`,
    `RECEIPT_KEY='${vars.RECEIPT_KEY}'`,
    `IP_GEO_SOURCE=${vars.IP_GEO_SOURCE}`,
    "",
  ].join("\n");
  writeFileSync(DEV_VARS, text, { mode: 0o600, flag: "wx" });
  console.log(`Wrote ${path.relative(ROOT, DEV_VARS)} with fresh local secrets.`);
  return vars;
}

function run(command, args, what, options = {}) {
  // stdin is not a terminal, so wrangler answers its own confirmation prompts.
  const result = spawnSync(command, args, { cwd: ROOT, env: WRANGLER_ENV, stdio: ["ignore", "inherit", "inherit"], ...options });
  if (result.error) fail(`${what} could not start: ${result.error.message}`);
  if (result.status !== 0) fail(`${what} failed (exit code ${result.status ?? result.signal}).`);
  return result;
}

function wrangler(args, what, options) {
  return run(process.execPath, [WRANGLER, ...args], what, options);
}

function npmRun(script) {
  // npm sets npm_execpath when it runs this script; fall back to npm on the PATH.
  const npm = process.env.npm_execpath;
  if (npm && npm.endsWith(".js")) return run(process.execPath, [npm, "run", "--silent", script], `npm run ${script}`);
  return run(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "--silent", script], `npm run ${script}`, {
    shell: process.platform === "win32",
  });
}

/** Whether any admin exists in the local D1, or null when that could not be found out. */
function adminExists() {
  const result = spawnSync(
    process.execPath,
    [WRANGLER, "d1", "execute", "DB", "--local", "--json", "--command", "SELECT count(*) AS n FROM employees WHERE role='admin'"],
    { cwd: ROOT, env: WRANGLER_ENV, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" },
  );
  try {
    const [first] = JSON.parse(result.stdout);
    const n = first?.results?.[0]?.n;
    return typeof n === "number" ? n > 0 : null;
  } catch {
    return null;
  }
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer()
      .once("error", () => resolve(false))
      .once("listening", () => server.close(() => resolve(true)))
      .listen(port, "127.0.0.1");
  });
}

/** wrangler runs in its own process group (POSIX), so this reaches workerd too. */
function killGroup(child, signal) {
  try {
    if (process.platform === "win32") throw new Error("no process groups");
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

async function waitForHealth(url, child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return false;
}

function printSummary({ consoleUrl, setupToken, hasAdmin, port }) {
  const rule = "━".repeat(72);
  const lines = [
    "",
    rule,
    bold("  Clockwork is running"),
    "",
    `  Admin console      ${bold(consoleUrl)}`,
  ];
  if (hasAdmin === false) {
    lines.push(`  Setup token        ${bold(setupToken ?? "(missing from .dev.vars)")}`);
    lines.push("                     No admin yet: open the console, choose “First-run setup”.");
  } else if (hasAdmin === true) {
    lines.push("                     Sign in with your console passkey.");
  } else {
    lines.push(`  Setup token        ${setupToken ?? "(missing from .dev.vars)"}  (needed only while no admin exists)`);
  }
  lines.push(
    "",
    `  Browser extension  ${bold(EXTENSION_DIR)}`,
    "                     chrome://extensions → Developer mode → Load unpacked → that folder",
  );
  if (port !== DEFAULT_PORT) {
    lines.push(`                     Note: the extension's default server is http://localhost:${DEFAULT_PORT}.`);
  }
  lines.push("", "  Stop with Ctrl+C.", rule, "");
  console.log(lines.join("\n"));
}

async function main() {
  const port = parsePort(process.env.PORT);
  const origin = `http://localhost:${port}`;
  if (!(await portIsFree(port))) fail(`Port ${port} is in use. Stop whatever runs there, or start with PORT=<another port>.`);

  step("Local secrets");
  const vars = ensureDevVars();

  step("Applying D1 migrations to the local database");
  wrangler(["d1", "migrations", "apply", "DB", "--local"], "Applying migrations");
  // Asked now, while nothing else has the local database open: asking the running Worker's
  // database from a second process can make the Worker's own queries fail with SQLITE_BUSY.
  const hasAdmin = adminExists();

  step("Building the admin console");
  npmRun("build:console");

  step("Building the browser extension");
  npmRun("build:extension");

  step(`Starting the Worker on ${origin}`);
  const args = ["dev", "--port", String(port), "--ip", "127.0.0.1"];
  // Console passkeys and the Origin check are tied to the console's origin, so it follows the port.
  if (port !== DEFAULT_PORT) args.push("--var", `CONSOLE_ORIGIN:${origin}`);
  // Own process group: a terminal's Ctrl+C reaches only us, and we pass it on exactly once.
  const child = spawn(process.execPath, [WRANGLER, ...args], {
    cwd: ROOT,
    env: WRANGLER_ENV,
    stdio: ["ignore", "inherit", "inherit"],
    detached: process.platform !== "win32",
  });

  let stopping = false;
  const stop = (why, signal = "SIGTERM") => {
    if (stopping) {
      // A second Ctrl+C while wrangler is still shutting down ends it and workerd at once.
      if (why !== "parent process ended") killGroup(child, "SIGKILL");
      return;
    }
    stopping = true;
    console.log(`\nStopping the Worker (${why})…`);
    child.kill(signal);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => stop(signal, signal === "SIGHUP" ? "SIGTERM" : signal));
  }
  // `kill <npm's pid>` ends npm and its shell but not us: stop too once we are orphaned.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stop("parent process ended"), 1000).unref();
  child.on("exit", (code, signal) => {
    if (!stopping) console.error(`\nwrangler dev stopped (${signal ?? `exit code ${code}`}).`);
    process.exit(stopping ? 0 : (code ?? 1));
  });
  child.on("error", (err) => fail(`wrangler dev could not start: ${err.message}`));

  if (!(await waitForHealth(`http://127.0.0.1:${port}/api/health`, child))) {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      fail(`The Worker did not answer ${origin}/api/health within ${READY_TIMEOUT_MS / 1000} s.`);
    }
    return; // the exit handler reports it
  }
  printSummary({ consoleUrl: `${origin}/admin/`, setupToken: vars.SETUP_TOKEN, hasAdmin, port });
}

await main();
