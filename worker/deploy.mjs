#!/usr/bin/env node
// `npm run deploy`: puts Clockwork on a Cloudflare account. It first checks that wrangler.toml
// and the account hold everything the Worker needs, and stops with the command that fixes
// whatever is missing, before anything is built or changed. Then it builds the console and the
// Worker, applies the D1 migrations to the remote database, deploys the Worker with the console,
// and asks the deployed Worker whether its secrets work.
//
//   npm run deploy                   (after `npx wrangler login`, or with CLOUDFLARE_API_TOKEN set)
//   npm run deploy -- --dry-run      every check that works offline, the build, and the plan
//   options: --config <file> (default wrangler.toml), --env <name>, --outdir <dir> (keep the build)
//
// docs/deploy.md walks through a first deployment. The checks are one pure function,
// `checkDeployment`, so that tests can hand it every broken configuration; the steps that need
// the network are plain wrangler commands. CLOCKWORK_WRANGLER names another wrangler entry
// point to run with node (the tests use a stand-in that records what it is asked).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = process.env.CLOCKWORK_WRANGLER ?? path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

/** The database_id in the repository's wrangler.toml: local development only. */
export const PLACEHOLDER_DATABASE_ID = "00000000-0000-0000-0000-000000000000";
/** The origin of the ID pinned by the manifest key in the repository (development and tests). */
export const DEVELOPMENT_EXTENSION_ORIGIN = "chrome-extension://bijgbcejjbekagfimlaolacafidilfig";

const MiB = 1024 * 1024;
/** Cloudflare's limits for what a deployment uploads (Workers "Limits" page). */
export const LIMITS = {
  /** Worker size after compression (gzip), Workers Free and Workers Paid. */
  workerGzipBytes: { free: 3 * MiB, paid: 10 * MiB },
  /** Static asset files per Worker version. */
  assetFiles: { free: 20_000, paid: 100_000 },
  assetFileBytes: 25 * MiB,
};

/**
 * The Worker's secrets and the command that makes each. A secret is write-only: once put, no
 * command shows its value again, so `wrangler secret list` can say that it is set, not whether
 * it is well-formed.
 */
export const SECRETS = {
  SETUP_TOKEN: {
    what: "creates the first admin; tee shows it once, keep it for the first-run setup",
    make: `node -e 'console.log(require("crypto").randomBytes(24).toString("base64url"))' | tee /dev/tty`,
  },
  NONCE_SECRET: {
    what: "HMAC key of punch nonces, employee tokens, enrolment codes and console sign-in challenges",
    make: `node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))'`,
  },
  RECEIPT_KEY: {
    what: "P-256 private key (JWK) that signs receipts and seals the audit log",
    make: `node -e 'const c=require("crypto");console.log(JSON.stringify(c.generateKeyPairSync("ec",{namedCurve:"P-256"}).privateKey.export({format:"jwk"})))'`,
  },
};
export const REQUIRED_SECRETS = /** @type {(keyof typeof SECRETS)[]} */ (Object.keys(SECRETS));

/**
 * @typedef {object} Cli  Where wrangler's configuration comes from; every command we print carries it.
 * @property {string} [config]  path of the wrangler config file, when it is not ./wrangler.toml
 * @property {string} [env]     wrangler environment (`--env`)
 *
 * @typedef {object} Remote  What the Cloudflare account says; a field left out was not asked (a dry run).
 * @property {boolean} [loggedIn]          `wrangler whoami`
 * @property {string[]} [databases]        ids of the account's D1 databases (`wrangler d1 list --json`)
 * @property {string[]} [buckets]          names of the account's R2 buckets (`wrangler r2 bucket list`)
 * @property {string[]} [secrets]          names of the Worker's secrets (`wrangler secret list`)
 * @property {boolean} [workerExists]      false when `wrangler secret list` found no such Worker yet
 *
 * @typedef {object} Built  Sizes of what `wrangler deploy` would upload.
 * @property {{ bytes: number, gzipBytes: number }} [bundle]
 * @property {{ files: number, bytes: number, largest: { file: string, bytes: number } | null }} [assets]
 *
 * @typedef {object} Finding
 * @property {string} code     stable name of the problem, for tests
 * @property {string} message  what is wrong, in words
 * @property {string} [fix]    what to do, with the command to run
 *
 * @typedef {object} Checks
 * @property {Finding[]} errors     the deployment would not work: `npm run deploy` refuses
 * @property {Finding[]} warnings   it would work, but probably not as meant
 * @property {string[]} unchecked   what was not checked here, and why
 */

/** `npx wrangler <args>` with the config file and environment the checks were made for. */
export function wranglerCommand(args, cli = {}) {
  const flags = [cli.config && cli.config !== "wrangler.toml" ? `--config ${cli.config}` : "", cli.env ? `--env ${cli.env}` : ""];
  return ["npx wrangler", args, ...flags].filter(Boolean).join(" ");
}

const isLocalHost = (host) =>
  host === "localhost" || host.endsWith(".localhost") || host === "0.0.0.0" || host === "[::1]" || /^127\./.test(host);
const isIpAddress = (host) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith("[");

/** Whether a wrangler route pattern (`host/*`, `*.example.com/*`, or a custom domain) matches `host`. */
function patternCoversHost(pattern, host) {
  const hostPart = pattern.replace(/^\w+:\/\//, "").split("/")[0];
  const regex = new RegExp(`^${hostPart.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
  return regex.test(host);
}

/** Whether the Worker, as configured, answers at `host`: one of its routes, or workers.dev. */
export function servesHost(config, host) {
  const routes = [...(config.routes ?? []), ...(config.route ? [config.route] : [])];
  if (routes.some((route) => patternCoversHost(typeof route === "string" ? route : route.pattern, host))) return true;
  return host.endsWith(".workers.dev") && config.workers_dev !== false;
}

/**
 * Everything `npm run deploy` checks before it changes anything, as one function of plain data.
 *
 * @param {object} facts
 * @param {any} facts.config   the Worker's configuration as wrangler reads it (`vars`,
 *   `d1_databases`, `r2_buckets`, `triggers.crons`, `assets`, `routes`, `workers_dev`)
 * @param {Remote} [facts.remote]  what the account says; what is missing was not asked
 * @param {Built} [facts.built]    sizes of the built Worker and console, once built
 * @param {Cli} [facts.cli]
 * @returns {Checks}
 */
export function checkDeployment({ config, remote = {}, built = {}, cli = {} }) {
  /** @type {Checks} */
  const checks = { errors: [], warnings: [], unchecked: [] };
  const error = (code, message, fix) => checks.errors.push({ code, message, fix });
  const warn = (code, message, fix) => checks.warnings.push({ code, message, fix });
  const cmd = (args) => `\`${wranglerCommand(args, cli)}\``;
  const file = cli.config ?? "wrangler.toml";
  const vars = config.vars ?? {};

  if (remote.loggedIn === false) {
    error("NOT_LOGGED_IN", "wrangler is not logged in to a Cloudflare account.", "Run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN, for CI), then `npm run deploy` again.");
  }

  // D1: the one store. The repository's id is a placeholder that only local development accepts.
  const db = (config.d1_databases ?? []).find((d) => d.binding === "DB");
  if (!db) {
    error("D1_BINDING_MISSING", `${file} binds no D1 database as DB.`, `Add a [[d1_databases]] section with binding = "DB", database_name, database_id and migrations_dir = "worker/db/migrations", as in the repository's wrangler.toml.`);
  } else {
    const name = db.database_name ?? "clockwork";
    if (!db.database_id || db.database_id === PLACEHOLDER_DATABASE_ID) {
      error("D1_DATABASE_ID_PLACEHOLDER", `The D1 database (binding DB) in ${file} has the placeholder database_id ${db.database_id ?? "(none)"}.`, `Run ${cmd(`d1 create ${name}`)} and put the database_id it prints into ${file}.`);
    } else if (remote.databases) {
      if (!remote.databases.includes(db.database_id)) {
        error("D1_DATABASE_NOT_FOUND", `This Cloudflare account has no D1 database with the id ${db.database_id} (binding DB in ${file}).`, `${cmd("d1 list")} shows the account's databases (${cmd("whoami")} shows which account you are in); ${cmd(`d1 create ${name}`)} makes one.`);
      }
    } else {
      checks.unchecked.push(`that the D1 database ${db.database_id} exists in your account (${wranglerCommand("d1 list", cli)})`);
    }
    if (!db.migrations_dir) {
      error("D1_MIGRATIONS_DIR_MISSING", `The D1 database (binding DB) in ${file} has no migrations_dir, so its tables would never be created.`, `Add migrations_dir = "worker/db/migrations" to its [[d1_databases]] section.`);
    }
  }

  // R2: correction evidence and the archive of old months.
  const bucket = (config.r2_buckets ?? []).find((b) => b.binding === "EVIDENCE");
  if (!bucket?.bucket_name) {
    error("R2_BINDING_MISSING", `${file} binds no R2 bucket as EVIDENCE.`, `Add a [[r2_buckets]] section with binding = "EVIDENCE" and bucket_name = "clockwork-evidence".`);
  } else if (remote.buckets) {
    if (!remote.buckets.includes(bucket.bucket_name)) {
      const jurisdiction = bucket.jurisdiction ? ` --jurisdiction ${bucket.jurisdiction}` : "";
      error("R2_BUCKET_NOT_FOUND", `This Cloudflare account has no R2 bucket named ${bucket.bucket_name} (binding EVIDENCE in ${file}).`, `Run ${cmd(`r2 bucket create ${bucket.bucket_name}${jurisdiction}`)}.`);
    }
  } else {
    checks.unchecked.push(`that the R2 bucket ${bucket.bucket_name} exists (npx wrangler r2 bucket list)`);
  }

  // Secrets: set with `wrangler secret put`, never as plain vars (those are in the file and the dashboard).
  for (const name of REQUIRED_SECRETS) {
    const put = `${SECRETS[name].make} | ${wranglerCommand(`secret put ${name}`, cli)}`;
    if (name in vars) {
      error("SECRET_IN_VARS", `${name} is a plain var in ${file}, readable by anyone who can read the file or the dashboard.`, `Remove it from [vars] and store it as a secret: ${put}`);
    } else if (remote.secrets && !remote.secrets.includes(name)) {
      const first = remote.workerExists === false ? " (the Worker does not exist yet; `secret put` creates it)" : "";
      error("SECRET_MISSING", `The Worker has no secret ${name} (${SECRETS[name].what}).`, `Run${first}: ${put}`);
    }
  }
  if (!remote.secrets) checks.unchecked.push(`that the secrets ${REQUIRED_SECRETS.join(", ")} are set (${wranglerCommand("secret list", cli)})`);
  checks.unchecked.push(
    "that RECEIPT_KEY is a private P-256 JWK and NONCE_SECRET long enough: secrets cannot be read back, so only the " +
      "Worker can tell. After deploying, npm run deploy asks it (GET /api/receipts/key and /api/punch/nonce answer " +
      "503 SERVER_MISCONFIGURED when they are not).",
  );

  // CONSOLE_ORIGIN: the console's address, its passkeys' RP ID, and the Origin unsafe console requests must carry.
  const consoleOrigin = vars.CONSOLE_ORIGIN;
  const setConsoleOrigin = `Set CONSOLE_ORIGIN in [vars] of ${file} to the console's public origin, e.g. "https://clockwork.example.com" (no path, no trailing slash).`;
  if (!consoleOrigin) {
    error("CONSOLE_ORIGIN_MISSING", `CONSOLE_ORIGIN is not set in ${file}.`, setConsoleOrigin);
  } else {
    let url = null;
    try {
      url = new URL(consoleOrigin);
    } catch {
      error("CONSOLE_ORIGIN_INVALID", `CONSOLE_ORIGIN "${consoleOrigin}" is not a URL.`, setConsoleOrigin);
    }
    if (url) {
      // One finding per origin, the most telling first.
      if (isLocalHost(url.hostname)) {
        error("CONSOLE_ORIGIN_LOCAL", `CONSOLE_ORIGIN "${consoleOrigin}" is this machine (the development value): nobody else can reach the console there.`, setConsoleOrigin);
      } else if (url.protocol !== "https:") {
        error("CONSOLE_ORIGIN_NOT_HTTPS", `CONSOLE_ORIGIN "${consoleOrigin}" is not https: browsers keep passkeys and the console's Secure cookie for https origins only.`, setConsoleOrigin);
      } else if (isIpAddress(url.hostname)) {
        error("CONSOLE_ORIGIN_IP", `CONSOLE_ORIGIN "${consoleOrigin}" is an IP address: a passkey's RP ID must be a domain name.`, setConsoleOrigin);
      } else if (url.origin !== consoleOrigin) {
        error("CONSOLE_ORIGIN_NOT_AN_ORIGIN", `CONSOLE_ORIGIN "${consoleOrigin}" is not an origin: browsers send exactly "${url.origin}" as Origin, so the console's requests would never match it.`, setConsoleOrigin);
      } else if (!servesHost(config, url.hostname)) {
        warn("CONSOLE_HOST_NOT_ROUTED", `No route or custom domain in ${file} serves ${url.hostname}, so the deployed Worker will not answer there.`, `Add routes = [{ pattern = "${url.hostname}", custom_domain = true }] to ${file} (the domain's zone must be on this account), or attach the domain in the dashboard (Workers & Pages → ${config.name ?? "clockwork"} → Settings → Domains & Routes).`);
      }
    }
  }

  // EXTENSION_ORIGINS: whose passkeys may enrol and punch, and the only origins CORS answers.
  const extensionOrigins = (vars.EXTENSION_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean);
  const setExtensionOrigins = `Set EXTENSION_ORIGINS in [vars] of ${file} to chrome-extension://<ID> of the extension you ship (comma-separated for several; docs/deploy.md, step 7, shows how the ID follows from the signing key or the store).`;
  if (extensionOrigins.length === 0) {
    error("EXTENSION_ORIGINS_MISSING", `EXTENSION_ORIGINS is not set in ${file}: no extension could enrol or punch.`, setExtensionOrigins);
  }
  for (const origin of extensionOrigins) {
    if (!/^chrome-extension:\/\/[a-p]{32}$/.test(origin)) {
      error("EXTENSION_ORIGIN_INVALID", `"${origin}" in EXTENSION_ORIGINS is not an extension origin (chrome-extension:// and 32 letters a to p, no trailing slash).`, setExtensionOrigins);
    }
  }
  if (extensionOrigins.includes(DEVELOPMENT_EXTENSION_ORIGIN)) {
    warn("EXTENSION_ORIGINS_DEVELOPMENT_ID", `EXTENSION_ORIGINS includes ${DEVELOPMENT_EXTENSION_ORIGIN}, the repository's development ID. Right only if you ship packages signed with its key; a store listing or your own key has another ID.`, setExtensionOrigins);
  }

  if (vars.IP_GEO_SOURCE !== undefined && vars.IP_GEO_SOURCE !== "cloudflare") {
    warn("IP_GEO_SOURCE_OFF", `IP_GEO_SOURCE is "${vars.IP_GEO_SOURCE}": punches will carry no IP country, so country and IP-location rules cannot judge them.`, `Set IP_GEO_SOURCE = "cloudflare" in ${file} (the local-development value is "none").`);
  }
  if (vars.SERVER_TIMING === "on") {
    warn("SERVER_TIMING_ON", "SERVER_TIMING is on: every API answer tells its caller what it cost in D1.", `Set SERVER_TIMING = "off" in ${file}; it is for tests and the bench.`);
  }

  // The cron runs retention, expiry and the audit chain's seal; without it, they never happen.
  if ((config.triggers?.crons ?? []).length === 0) {
    error("CRON_MISSING", `${file} has no cron trigger: retention would never run and the audit log would never be sealed.`, `Add [triggers] crons = ["*/15 * * * *"] to ${file}.`);
  }
  if (!config.assets?.directory || config.assets.binding !== "ASSETS") {
    error("ASSETS_MISSING", `${file} does not serve the console: it needs [assets] with directory = "worker/console/dist" and binding = "ASSETS".`, "Copy the [assets] section from the repository's wrangler.toml.");
  }

  if (built.bundle) {
    const { gzipBytes } = built.bundle;
    if (gzipBytes > LIMITS.workerGzipBytes.paid) {
      error("WORKER_TOO_LARGE", `The Worker is ${mib(gzipBytes)} gzipped, above Cloudflare's ${mib(LIMITS.workerGzipBytes.paid)} limit (Workers Paid).`, "Find what grew with `npm run deploy -- --dry-run --outdir <dir>` and esbuild's metafile.");
    } else if (gzipBytes > LIMITS.workerGzipBytes.free) {
      warn("WORKER_NEEDS_PAID_PLAN", `The Worker is ${mib(gzipBytes)} gzipped: above the Workers Free limit of ${mib(LIMITS.workerGzipBytes.free)}, so it deploys only on Workers Paid.`);
    }
  }
  if (built.assets) {
    const { files, largest } = built.assets;
    if (files > LIMITS.assetFiles.paid) error("TOO_MANY_ASSETS", `The console has ${files} files, above Cloudflare's ${LIMITS.assetFiles.paid} per Worker version.`);
    else if (files > LIMITS.assetFiles.free) warn("ASSETS_NEED_PAID_PLAN", `The console has ${files} files, above the Workers Free limit of ${LIMITS.assetFiles.free}.`);
    if (largest && largest.bytes > LIMITS.assetFileBytes) error("ASSET_TOO_LARGE", `${largest.file} is ${mib(largest.bytes)}, above Cloudflare's ${mib(LIMITS.assetFileBytes)} per static file.`);
  }
  return checks;
}

const mib = (bytes) => `${(bytes / MiB).toFixed(2)} MiB`;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Sizes of the modules `wrangler deploy --dry-run --outdir` wrote (source maps and its README are not uploaded). */
export function measureBundle(dir) {
  let bytes = 0;
  let gzipBytes = 0;
  const modules = [];
  for (const name of readdirSync(dir)) {
    if (!/\.(m?js|cjs|wasm)$/.test(name)) continue;
    const content = readFileSync(path.join(dir, name));
    bytes += content.length;
    // gzip at its default level, as wrangler measures "Total Upload ... gzip:".
    gzipBytes += gzipSync(content).length;
    modules.push(name);
  }
  if (modules.length === 0) throw new Error(`no Worker module in ${dir}`);
  return { modules, bytes, gzipBytes };
}

/** Number, total size and largest of the static asset files under `dir`. */
export function measureAssets(dir) {
  const found = { files: 0, bytes: 0, largest: /** @type {{ file: string, bytes: number } | null} */ (null) };
  const walk = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const { size } = statSync(full);
        found.files += 1;
        found.bytes += size;
        if (!found.largest || size > found.largest.bytes) found.largest = { file: path.relative(dir, full), bytes: size };
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

// ---- what wrangler prints, read back ------------------------------------------------------------

const stripAnsi = (text) => text.replace(/\x1b\[[0-9;]*m/g, "");

/** `wrangler whoami`: false when it says nobody is logged in. */
export function parseWhoami(output) {
  return !/not authenticated|not logged in/i.test(stripAnsi(output));
}

/** `wrangler secret list` (JSON): the secrets' names. */
export function parseSecretList(output) {
  const text = stripAnsi(output);
  const json = text.slice(text.indexOf("["), text.lastIndexOf("]") + 1);
  return /** @type {{ name: string }[]} */ (JSON.parse(json)).map((s) => s.name);
}

/** `wrangler d1 list --json`: the databases' ids. */
export function parseDatabaseList(output) {
  const text = stripAnsi(output);
  const json = text.slice(text.indexOf("["), text.lastIndexOf("]") + 1);
  return /** @type {{ uuid: string }[]} */ (JSON.parse(json)).map((d) => d.uuid);
}

/** `wrangler r2 bucket list`: "name: <bucket>" lines. */
export function parseBucketList(output) {
  return [...stripAnsi(output).matchAll(/^name:\s+(\S+)\s*$/gm)].map((m) => m[1]);
}

/** `wrangler secret list` when the Worker was never deployed nor given a secret. */
export const isWorkerNotFound = (output) => /Worker "[^"]*"(?: \(env: [^)]*\))? not found/.test(stripAnsi(output));

// ---- the command ---------------------------------------------------------------------------------

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (color ? `\x1b[1m${s}\x1b[22m` : s);
const red = (s) => (color ? `\x1b[31m${s}\x1b[39m` : s);
const yellow = (s) => (color ? `\x1b[33m${s}\x1b[39m` : s);

const step = (message) => console.log(`\n▶ ${bold(message)}`);

export function parseArgs(argv) {
  const opts = { dryRun: false, config: "wrangler.toml", env: undefined, outdir: undefined, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith("--")) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === "--dry-run") opts.dryRun = true;
    else if (arg === "--config" || arg === "-c") opts.config = value();
    else if (arg === "--env" || arg === "-e") opts.env = value();
    else if (arg === "--outdir") opts.outdir = value();
    else if (arg === "--help" || arg === "-h") opts.help = true;
    else throw new Error(`unknown option ${arg} (see npm run deploy -- --help)`);
  }
  return opts;
}

function wranglerEnv() {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS ?? "false",
    WRANGLER_HIDE_BANNER: "true",
  };
}

/** Runs wrangler with the config and env flags; output captured (for commands we read) or shown. */
function wrangler(args, opts, { show = false } = {}) {
  const flags = ["--config", path.resolve(opts.config), ...(opts.env ? ["--env", opts.env] : [])];
  const result = spawnSync(process.execPath, [WRANGLER, ...args, ...flags], {
    cwd: ROOT,
    env: wranglerEnv(),
    encoding: "utf8",
    // Shown commands get the terminal, so that wrangler may ask before it migrates.
    stdio: show ? "inherit" : ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * MiB,
  });
  if (result.error) throw new Error(`wrangler could not start: ${result.error.message}`);
  return { status: result.status ?? 1, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

function fail(message) {
  console.error(`\n${red("✖")} ${message}`);
  process.exit(1);
}

/** Asks the account what the checks need: login, then databases, buckets and the Worker's secrets. */
function askCloudflare(config, opts) {
  /** @type {Remote} */
  const remote = {};
  const whoami = wrangler(["whoami"], opts);
  remote.loggedIn = whoami.status === 0 && parseWhoami(whoami.output);
  if (!remote.loggedIn) return remote;
  const read = (args, parse, what) => {
    const { status, output } = wrangler(args, opts);
    if (status !== 0) fail(`Could not ${what} (wrangler ${args.join(" ")}):\n${output.trim().split("\n").slice(-15).join("\n")}`);
    try {
      return parse(output);
    } catch {
      fail(`Could not read what wrangler ${args.join(" ")} printed:\n${output.slice(-1500)}`);
    }
  };
  remote.databases = read(["d1", "list", "--json"], parseDatabaseList, "list the account's D1 databases");
  const jurisdiction = (config.r2_buckets ?? []).find((b) => b.binding === "EVIDENCE")?.jurisdiction;
  remote.buckets = read(["r2", "bucket", "list", ...(jurisdiction ? ["--jurisdiction", jurisdiction] : [])], parseBucketList, "list the account's R2 buckets");
  const secrets = wrangler(["secret", "list", "--format", "json"], opts);
  if (secrets.status !== 0 && isWorkerNotFound(secrets.output)) {
    remote.secrets = [];
    remote.workerExists = false;
  } else if (secrets.status !== 0) {
    fail(`Could not list the Worker's secrets (wrangler secret list):\n${secrets.output.trim().split("\n").slice(-15).join("\n")}`);
  } else {
    remote.secrets = parseSecretList(secrets.output);
  }
  return remote;
}

function printChecks(checks, { dryRun }) {
  for (const e of checks.errors) console.log(`${red("✖")} ${e.message}${e.fix ? `\n    → ${e.fix}` : ""}`);
  for (const w of checks.warnings) console.log(`${yellow("!")} ${w.message}${w.fix ? `\n    → ${w.fix}` : ""}`);
  if (checks.errors.length === 0 && checks.warnings.length === 0) console.log("✔ nothing missing");
  if (checks.unchecked.length) {
    console.log(dryRun ? "\nNot checked in a dry run (it needs your Cloudflare login) or not checkable before deploying:" : "\nNot checkable before deploying:");
    for (const u of checks.unchecked) console.log(`  - ${u}`);
  }
}

function npmRun(script) {
  // npm sets npm_execpath when it runs this script; otherwise npm from the PATH.
  const npm = process.env.npm_execpath;
  const [command, args] = npm && /npm-cli\.js$/.test(npm) ? [process.execPath, [npm, "run", "--silent", script]] : [process.platform === "win32" ? "npm.cmd" : "npm", ["run", "--silent", script]];
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit", shell: process.platform === "win32" && command !== process.execPath });
  if (result.status !== 0) fail(`npm run ${script} failed; nothing was deployed.`);
}

/** GETs a path of the deployed Worker, retrying a little while a new domain or version settles. */
async function getLive(url) {
  let last = "";
  for (const wait of [0, 2_000, 5_000]) {
    await new Promise((r) => setTimeout(r, wait));
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      return { status: res.status, text: await res.text() };
    } catch (e) {
      last = String(e?.cause?.code ?? e?.message ?? e);
    }
  }
  return { status: 0, text: last };
}

/** After deploying: the Worker's own verdict on the secrets that only it can read. */
async function checkLive(origin) {
  const problems = [];
  const health = await getLive(`${origin}/api/health`);
  if (health.status !== 200) {
    console.log(`${yellow("!")} ${origin}/api/health did not answer (${health.status || health.text}). A new custom domain can take a few minutes; try \`curl ${origin}/api/health\` later.`);
    return problems;
  }
  for (const [pathname, secret] of [["/api/punch/nonce", "NONCE_SECRET"], ["/api/receipts/key", "RECEIPT_KEY"]]) {
    const res = await getLive(`${origin}${pathname}`);
    if (res.status === 200) console.log(`✔ ${pathname} answers: ${secret} works`);
    else problems.push(`${pathname} answered ${res.status}: ${res.text.slice(0, 300)}\n    → put a new ${secret}: ${SECRETS[secret].make} | npx wrangler secret put ${secret}`);
  }
  return problems;
}

export async function main(argv = process.argv.slice(2)) {
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    fail(e.message);
  }
  if (opts.help) {
    console.log(readHelp());
    return;
  }
  const cli = { config: opts.config, env: opts.env };
  const configFile = path.resolve(opts.config);
  if (!existsSync(configFile)) fail(`${opts.config} does not exist.`);

  step(`Reading ${opts.config}${opts.env ? ` (environment ${opts.env})` : ""}`);
  // wrangler's own reader: the same defaults, environments and paths as `wrangler deploy`.
  const { unstable_readConfig } = await import("wrangler");
  let config;
  try {
    config = unstable_readConfig({ config: configFile, env: opts.env }, { hideWarnings: false });
  } catch (e) {
    fail(`wrangler cannot read ${opts.config}: ${e.message}`);
  }

  /** @type {Remote} */
  let remote = {};
  if (!opts.dryRun) {
    step("Asking Cloudflare what the account has (login, D1 databases, R2 buckets, the Worker's secrets)");
    remote = askCloudflare(config, opts);
  }
  step("Checking the configuration");
  const before = checkDeployment({ config, remote, cli });
  printChecks(before, opts);
  if (before.errors.length > 0 && !opts.dryRun) {
    fail(`${before.errors.length} thing${before.errors.length === 1 ? "" : "s"} to fix first (above). Nothing was built or changed.`);
  }

  step("Building the console (npm run build:console)");
  npmRun("build:console");

  step("Building the Worker as wrangler deploy would (wrangler deploy --dry-run)");
  const outdir = opts.outdir ? path.resolve(opts.outdir) : mkdtempSync(path.join(tmpdir(), "clockwork-deploy-"));
  const dry = wrangler(["deploy", "--dry-run", "--outdir", outdir], opts);
  if (dry.status !== 0) fail(`The Worker does not build:\n${dry.output.trim().split("\n").slice(-30).join("\n")}`);
  const bundle = measureBundle(outdir);
  const assetsDir = path.resolve(path.dirname(configFile), config.assets?.directory ?? "worker/console/dist");
  const assets = measureAssets(assetsDir);
  if (!opts.outdir) rmSync(outdir, { recursive: true, force: true });
  console.log(
    `Worker: ${kib(bundle.bytes)}, ${kib(bundle.gzipBytes)} gzipped (Cloudflare's limit: ${mib(LIMITS.workerGzipBytes.free)} gzipped on Workers Free, ${mib(LIMITS.workerGzipBytes.paid)} on Paid)` +
      `\nConsole: ${assets.files} static files, ${kib(assets.bytes)}${assets.largest ? `, the largest ${assets.largest.file} ${kib(assets.largest.bytes)}` : ""} (limits: ${LIMITS.assetFiles.free} files on Free, ${LIMITS.assetFiles.paid} on Paid, ${mib(LIMITS.assetFileBytes)} a file)` +
      (opts.outdir ? `\nThe built Worker is in ${opts.outdir}.` : ""),
  );
  const checks = checkDeployment({ config, remote, built: { bundle, assets }, cli });
  const sizeFindings = [...checks.errors, ...checks.warnings].filter((f) => !before.errors.concat(before.warnings).some((b) => b.code === f.code));
  for (const f of sizeFindings) console.log(`${checks.errors.includes(f) ? red("✖") : yellow("!")} ${f.message}`);

  const migrate = wranglerCommand("d1 migrations apply DB --remote", cli);
  const deploy = wranglerCommand("deploy", cli);
  if (opts.dryRun) {
    step("What npm run deploy would do next");
    console.log(
      [
        `1. ${migrate}`,
        "   Migrations first: the new Worker's queries need the new tables and columns. The Worker still",
        "   running meets the newer schema for the seconds until step 2, so a migration must leave it working",
        "   (add now, drop what it reads a release later); a punch that fails meanwhile waits in the extension.",
        `2. ${deploy}`,
        "   The Worker and the console's static assets, one version: the console always matches its API.",
        `3. GET ${config.vars?.CONSOLE_ORIGIN ?? "<CONSOLE_ORIGIN>"}/api/health, /api/punch/nonce and /api/receipts/key:`,
        "   the deployed Worker's own check of NONCE_SECRET and RECEIPT_KEY.",
      ].join("\n"),
    );
    if (checks.errors.length > 0) fail(`Dry run: ${checks.errors.length} thing${checks.errors.length === 1 ? "" : "s"} to fix before deploying (above).`);
    console.log("\nDry run: nothing was changed on Cloudflare.");
    return;
  }
  if (checks.errors.length > 0) fail("The built Worker cannot be deployed (above). Nothing was changed.");

  // Migrations first: the new Worker needs the new schema, and the other order would have it
  // query tables and columns that do not exist yet. The old Worker meets the newer schema for the
  // seconds in between, which is why a migration adds now and drops only a release later.
  step(`Applying the D1 migrations to the remote database (${migrate})`);
  if (wrangler(["d1", "migrations", "apply", "DB", "--remote"], opts, { show: true }).status !== 0) {
    fail("The migrations did not apply; the Worker was not deployed. The one running is unchanged; fix the cause and run npm run deploy again (applied migrations are not applied twice).");
  }
  step(`Deploying the Worker and the console (${deploy})`);
  if (wrangler(["deploy"], opts, { show: true }).status !== 0) {
    fail("wrangler deploy failed. The database already has the new migrations; the Worker still running works with them. Run npm run deploy again once the cause is fixed.");
  }

  const origin = config.vars?.CONSOLE_ORIGIN;
  step(`Asking the deployed Worker at ${origin}`);
  const problems = await checkLive(origin);
  if (problems.length > 0) fail(`Deployed, but the Worker cannot use its secrets:\n${problems.join("\n")}`);
  console.log(`\n${bold("Deployed.")} Console: ${origin}/admin/ — if no admin exists yet, choose “First-run setup” and paste the SETUP_TOKEN.`);
}

function readHelp() {
  return [
    "npm run deploy [-- options]",
    "",
    "  Checks that wrangler.toml and your Cloudflare account have what Clockwork needs, builds the console",
    "  and the Worker, applies the D1 migrations to the remote database, deploys, and checks the secrets.",
    "",
    "  --dry-run          the checks that work offline, the build and its size, and the plan; changes nothing",
    "  --config <file>    wrangler config file (default wrangler.toml)",
    "  --env <name>       wrangler environment",
    "  --outdir <dir>     keep the built Worker there",
    "",
    "  Step by step from a new account: docs/deploy.md",
  ].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
