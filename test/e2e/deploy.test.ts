/**
 * `npm run deploy` up to the network: the Worker as `wrangler deploy` would upload it, measured
 * against Cloudflare's limits; the deploy checks against good and broken configurations; and the
 * script itself on a fresh copy of the repository, as a dry run and against a stand-in wrangler
 * that answers like a Cloudflare account (nothing here can reach Cloudflare).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkDeployment,
  isWorkerNotFound,
  LIMITS,
  measureAssets,
  measureBundle,
  parseBucketList,
  parseDatabaseList,
  parseSecretList,
  parseWhoami,
  PLACEHOLDER_DATABASE_ID,
  wranglerCommand,
} from "../../worker/deploy.mjs";
import { ROOT, wranglerRun } from "../support/wrangler";

const MiB = 1024 * 1024;
const DATABASE_ID = "3f5c1b2e-8d4a-4c6f-9e1a-2b7d9c0e4f11";
const STORE_ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop";
const SECRETS = ["SETUP_TOKEN", "NONCE_SECRET", "RECEIPT_KEY"];

describe("the deployable Worker", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "clockwork-bundle-"));
  });
  // wranglerRun opens and writes its log only after it has returned (an unawaited write stream):
  // removing the directory before that stream has opened its file fails the run with ENOENT.
  afterAll(async () => {
    const log = join(work, "wrangler.log");
    for (let waited = 0; waited < 5_000 && !existsSync(log); waited += 50) await new Promise((r) => setTimeout(r, 50));
    rmSync(work, { recursive: true, force: true });
  });

  it("builds with wrangler deploy --dry-run and fits Cloudflare's size limits on every plan", async () => {
    const outdir = join(work, "built");
    // wrangler.toml serves the console build; the dry run only needs its directory to exist.
    mkdirSync(join(ROOT, "worker/console/dist"), { recursive: true });
    const output = await wranglerRun(["deploy", "--dry-run", "--outdir", outdir], join(work, "wrangler.log"));
    const bundle = measureBundle(outdir);
    console.log(
      `[deploy] Worker bundle ${(bundle.bytes / 1024).toFixed(1)} KiB, ${(bundle.gzipBytes / 1024).toFixed(1)} KiB gzipped ` +
        `(${((bundle.gzipBytes / LIMITS.workerGzipBytes.free) * 100).toFixed(1)} % of Workers Free's 3 MiB, ` +
        `${((bundle.gzipBytes / LIMITS.workerGzipBytes.paid) * 100).toFixed(1)} % of Workers Paid's 10 MiB)`,
    );
    // We measure what wrangler reports as the upload: "Total Upload: X KiB / gzip: Y KiB".
    const reported = output.match(/Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/);
    expect(reported, output).not.toBeNull();
    expect(Math.abs(bundle.bytes / 1024 - Number(reported![1]))).toBeLessThan(1);
    expect(Math.abs(bundle.gzipBytes / 1024 - Number(reported![2]))).toBeLessThan(1);
    expect(bundle.gzipBytes).toBeLessThan(LIMITS.workerGzipBytes.free);
  });
});

// ---- the checks, as a function of plain data ----------------------------------------------------

/** A deployable configuration, as wrangler reads it, and an account that has everything. */
function goodConfig(): any {
  return {
    name: "clockwork",
    vars: { EXTENSION_ORIGINS: STORE_ORIGIN, CONSOLE_ORIGIN: "https://clockwork.example.com", IP_GEO_SOURCE: "cloudflare", SERVER_TIMING: "off" },
    d1_databases: [{ binding: "DB", database_name: "clockwork", database_id: DATABASE_ID, migrations_dir: "worker/db/migrations" }],
    r2_buckets: [{ binding: "EVIDENCE", bucket_name: "clockwork-evidence" }],
    assets: { directory: "worker/console/dist", binding: "ASSETS", not_found_handling: "single-page-application" },
    triggers: { crons: ["*/15 * * * *"] },
    routes: [{ pattern: "clockwork.example.com", custom_domain: true }],
  };
}
function goodAccount(): any {
  return { loggedIn: true, databases: [DATABASE_ID], buckets: ["clockwork-evidence"], secrets: [...SECRETS], workerExists: true };
}

type Case = [name: string, change: (config: any, account: any, built: any) => void, code: string, says: string];

describe("deploy checks", () => {
  it("find nothing wrong with a complete configuration and account", () => {
    const checks = checkDeployment({ config: goodConfig(), remote: goodAccount(), built: { bundle: { bytes: 2 * MiB, gzipBytes: 400 * 1024 } } });
    expect(checks.errors).toEqual([]);
    expect(checks.warnings).toEqual([]);
    // Secrets are write-only: whether RECEIPT_KEY is a private P-256 JWK only the Worker can tell.
    expect(checks.unchecked.join("\n")).toMatch(/RECEIPT_KEY is a private P-256 JWK.*only the Worker can tell/);
  });

  const errors: Case[] = [
    ["not logged in", (_c, a) => (a.loggedIn = false), "NOT_LOGGED_IN", "npx wrangler login"],
    ["no D1 binding", (c) => (c.d1_databases = []), "D1_BINDING_MISSING", 'binding = "DB"'],
    ["the placeholder database_id", (c) => (c.d1_databases[0].database_id = PLACEHOLDER_DATABASE_ID), "D1_DATABASE_ID_PLACEHOLDER", "npx wrangler d1 create clockwork"],
    ["a database the account does not have", (_c, a) => (a.databases = ["another-id"]), "D1_DATABASE_NOT_FOUND", "npx wrangler d1 list"],
    ["no migrations_dir", (c) => delete c.d1_databases[0].migrations_dir, "D1_MIGRATIONS_DIR_MISSING", 'migrations_dir = "worker/db/migrations"'],
    ["no R2 binding", (c) => (c.r2_buckets = []), "R2_BINDING_MISSING", 'binding = "EVIDENCE"'],
    ["a bucket the account does not have", (_c, a) => (a.buckets = ["other"]), "R2_BUCKET_NOT_FOUND", "npx wrangler r2 bucket create clockwork-evidence"],
    ...SECRETS.map((name): Case => [
      `no secret ${name}`,
      (_c, a) => (a.secrets = SECRETS.filter((s) => s !== name)),
      "SECRET_MISSING",
      `| npx wrangler secret put ${name}`,
    ]),
    ["RECEIPT_KEY as a plain var", (c) => (c.vars.RECEIPT_KEY = "{}"), "SECRET_IN_VARS", "npx wrangler secret put RECEIPT_KEY"],
    ["no CONSOLE_ORIGIN", (c) => delete c.vars.CONSOLE_ORIGIN, "CONSOLE_ORIGIN_MISSING", "https://clockwork.example.com"],
    ["CONSOLE_ORIGIN over http", (c) => (c.vars.CONSOLE_ORIGIN = "http://clockwork.example.com"), "CONSOLE_ORIGIN_NOT_HTTPS", "not https"],
    ["CONSOLE_ORIGIN on localhost (the development value)", (c) => (c.vars.CONSOLE_ORIGIN = "http://localhost:8787"), "CONSOLE_ORIGIN_LOCAL", "development value"],
    ["CONSOLE_ORIGIN on 127.0.0.1 over https", (c) => (c.vars.CONSOLE_ORIGIN = "https://127.0.0.1"), "CONSOLE_ORIGIN_LOCAL", "this machine"],
    ["CONSOLE_ORIGIN an IP address", (c) => (c.vars.CONSOLE_ORIGIN = "https://203.0.113.7"), "CONSOLE_ORIGIN_IP", "RP ID must be a domain name"],
    ["CONSOLE_ORIGIN with a trailing slash", (c) => (c.vars.CONSOLE_ORIGIN = "https://clockwork.example.com/"), "CONSOLE_ORIGIN_NOT_AN_ORIGIN", 'send exactly "https://clockwork.example.com"'],
    ["CONSOLE_ORIGIN not a URL", (c) => (c.vars.CONSOLE_ORIGIN = "clockwork.example.com"), "CONSOLE_ORIGIN_INVALID", "not a URL"],
    ["no EXTENSION_ORIGINS", (c) => (c.vars.EXTENSION_ORIGINS = " "), "EXTENSION_ORIGINS_MISSING", "chrome-extension://<ID>"],
    ["an extension origin with a trailing slash", (c) => (c.vars.EXTENSION_ORIGINS = `${STORE_ORIGIN}/`), "EXTENSION_ORIGIN_INVALID", "no trailing slash"],
    ["no cron trigger", (c) => (c.triggers = { crons: [] }), "CRON_MISSING", 'crons = ["*/15 * * * *"]'],
    ["no static assets", (c) => delete c.assets, "ASSETS_MISSING", "[assets]"],
    ["a Worker above 10 MiB gzipped", (_c, _a, b) => (b.bundle = { bytes: 40 * MiB, gzipBytes: 11 * MiB }), "WORKER_TOO_LARGE", "10.00 MiB"],
    ["a console file above 25 MiB", (_c, _a, b) => (b.assets = { files: 3, bytes: 30 * MiB, largest: { file: "admin/big.js", bytes: 26 * MiB } }), "ASSET_TOO_LARGE", "admin/big.js"],
  ];
  it.each(errors)("refuse %s, saying what to do", (_name, change, code, says) => {
    const config = goodConfig();
    const account = goodAccount();
    const built = {};
    change(config, account, built);
    const checks = checkDeployment({ config, remote: account, built });
    expect(checks.errors.map((e) => e.code)).toEqual([code]);
    const [found] = checks.errors;
    expect(`${found!.message}\n${found!.fix ?? ""}`).toContain(says);
  });

  const warnings: Case[] = [
    ["the repository's development extension ID", (c) => (c.vars.EXTENSION_ORIGINS = "chrome-extension://bijgbcejjbekagfimlaolacafidilfig"), "EXTENSION_ORIGINS_DEVELOPMENT_ID", "development ID"],
    ["no route to the console's host", (c) => (c.routes = []), "CONSOLE_HOST_NOT_ROUTED", 'routes = [{ pattern = "clockwork.example.com", custom_domain = true }]'],
    ["IP geo data switched off", (c) => (c.vars.IP_GEO_SOURCE = "none"), "IP_GEO_SOURCE_OFF", 'IP_GEO_SOURCE = "cloudflare"'],
    ["Server-Timing on", (c) => (c.vars.SERVER_TIMING = "on"), "SERVER_TIMING_ON", 'SERVER_TIMING = "off"'],
    ["a Worker that fits only the Paid plan", (_c, _a, b) => (b.bundle = { bytes: 12 * MiB, gzipBytes: 4 * MiB }), "WORKER_NEEDS_PAID_PLAN", "Workers Paid"],
  ];
  it.each(warnings)("warn about %s and still deploy", (_name, change, code, says) => {
    const config = goodConfig();
    const account = goodAccount();
    const built = {};
    change(config, account, built);
    const checks = checkDeployment({ config, remote: account, built });
    expect(checks.errors).toEqual([]);
    expect(checks.warnings.map((w) => w.code)).toEqual([code]);
    expect(`${checks.warnings[0]!.message}\n${checks.warnings[0]!.fix ?? ""}`).toContain(says);
  });

  it("accept a console on workers.dev or under a zone route", () => {
    for (const [origin, routes] of [
      ["https://clockwork.acme.workers.dev", []],
      ["https://time.example.com", ["time.example.com/*"]],
      ["https://time.example.com", [{ pattern: "*.example.com/*", zone_name: "example.com" }]],
    ] as const) {
      const config = goodConfig();
      config.vars.CONSOLE_ORIGIN = origin;
      config.routes = routes;
      expect(checkDeployment({ config, remote: goodAccount() }).warnings).toEqual([]);
    }
  });

  it("on a first deployment, say that putting a secret creates the Worker", () => {
    const account = { ...goodAccount(), secrets: [], workerExists: false };
    const checks = checkDeployment({ config: goodConfig(), remote: account });
    expect(checks.errors.map((e) => e.code)).toEqual(["SECRET_MISSING", "SECRET_MISSING", "SECRET_MISSING"]);
    expect(checks.errors[0]!.fix).toContain("the Worker does not exist yet; `secret put` creates it");
  });

  it("in a dry run, list what needs the account instead of guessing it", () => {
    const checks = checkDeployment({ config: goodConfig() });
    expect(checks.errors).toEqual([]);
    const unchecked = checks.unchecked.join("\n");
    expect(unchecked).toContain(`the D1 database ${DATABASE_ID} exists`);
    expect(unchecked).toContain("the R2 bucket clockwork-evidence exists");
    expect(unchecked).toContain("the secrets SETUP_TOKEN, NONCE_SECRET, RECEIPT_KEY are set");
  });

  it("print every command for the config file and environment being deployed", () => {
    const config = goodConfig();
    const checks = checkDeployment({ config, remote: { ...goodAccount(), secrets: [] }, cli: { config: "wrangler.production.toml", env: "production" } });
    expect(checks.errors[0]!.fix).toContain("npx wrangler secret put SETUP_TOKEN --config wrangler.production.toml --env production");
    expect(wranglerCommand("d1 migrations apply DB --remote")).toBe("npx wrangler d1 migrations apply DB --remote");
  });

  it("find the repository's own wrangler.toml not deployable as it is, and say why", async () => {
    const { unstable_readConfig } = await import("wrangler");
    const config = unstable_readConfig({ config: join(ROOT, "wrangler.toml") }, { hideWarnings: true });
    const checks = checkDeployment({ config });
    expect(checks.errors.map((e) => e.code)).toEqual(["D1_DATABASE_ID_PLACEHOLDER", "CONSOLE_ORIGIN_LOCAL"]);
    expect(checks.warnings.map((w) => w.code)).toContain("EXTENSION_ORIGINS_DEVELOPMENT_ID");
  });

  it("read what wrangler prints about the account", () => {
    expect(parseWhoami("Getting User settings...\nYou are not authenticated. Please run `wrangler login`.")).toBe(false);
    expect(parseWhoami("Getting User settings...\n👋 You are logged in with an OAuth Token, associated with the email it@example.com.")).toBe(true);
    expect(parseSecretList('[\n  {\n    "name": "NONCE_SECRET",\n    "type": "secret_text"\n  }\n]')).toEqual(["NONCE_SECRET"]);
    expect(parseDatabaseList(`[{ "uuid": "${DATABASE_ID}", "name": "clockwork" }]`)).toEqual([DATABASE_ID]);
    expect(parseBucketList("Listing buckets...\nname:           clockwork-evidence\ncreation_date:  2026-11-30T09:00:00.000Z\n\nname:           other\ncreation_date:  2026-11-30T09:00:00.000Z")).toEqual(["clockwork-evidence", "other"]);
    expect(isWorkerNotFound('✘ [ERROR] Worker "clockwork" not found.\n\nIf this is a new Worker, run `wrangler deploy` first to create it.')).toBe(true);
  });
});

// ---- npm run deploy on a fresh copy ---------------------------------------------------------------

/** The tracked files (as they are in the working tree) and the new script, with the installed node_modules. */
function freshCopy(): string {
  const target = mkdtempSync(join(tmpdir(), "clockwork-deploy-"));
  const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of [...files, "worker/deploy.mjs"]) {
    if (!existsSync(join(ROOT, file))) continue;
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(ROOT, file), join(target, file));
  }
  symlinkSync(join(ROOT, "node_modules"), join(target, "node_modules"), "dir");
  return target;
}

/** The repository's wrangler.toml with what a deployment fills in. */
function deployableToml(original: string): string {
  return original
    .replace(PLACEHOLDER_DATABASE_ID, DATABASE_ID)
    .replace(/^CONSOLE_ORIGIN = .*$/m, 'CONSOLE_ORIGIN = "https://clockwork.example.com"')
    .replace(/^EXTENSION_ORIGINS = .*$/m, `EXTENSION_ORIGINS = "${STORE_ORIGIN}"`)
    .replace(/^(compatibility_flags = .*)$/m, '$1\nroutes = [{ pattern = "clockwork.example.com", custom_domain = true }]');
}

/**
 * A stand-in for wrangler that answers like a Cloudflare account described in a JSON file and
 * records every command; `--dry-run` builds go to the real wrangler.
 */
const FAKE_WRANGLER = `
import { appendFileSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
const account = JSON.parse(readFileSync(process.env.FAKE_ACCOUNT, "utf8"));
const args = process.argv.slice(2);
appendFileSync(process.env.FAKE_CALLS, JSON.stringify(args) + "\\n");
const is = (...words) => words.every((w, i) => args[i] === w);
if (args.includes("--dry-run")) process.exit(spawnSync(process.execPath, [account.realWrangler, ...args], { stdio: "inherit" }).status ?? 1);
if (is("whoami")) {
  console.log(account.loggedIn ? "You are logged in with an OAuth Token, associated with the email it@example.com." : "You are not authenticated. Please run \`wrangler login\`.");
} else if (is("d1", "list")) {
  console.log(JSON.stringify(account.databases.map((uuid) => ({ uuid, name: "clockwork" }))));
} else if (is("r2", "bucket", "list")) {
  console.log("Listing buckets...\\n" + account.buckets.map((n) => "name:           " + n + "\\ncreation_date:  2026-11-30T09:00:00.000Z").join("\\n\\n"));
} else if (is("secret", "list")) {
  if (!account.workerExists) {
    console.error('✘ [ERROR] Worker "clockwork" not found.\\n\\nIf this is a new Worker, run \`wrangler deploy\` first to create it.');
    process.exit(1);
  }
  console.log(JSON.stringify(account.secrets.map((name) => ({ name, type: "secret_text" }))));
} else if (is("d1", "migrations", "apply") || is("deploy")) {
  console.log("(stand-in) " + args.join(" "));
} else {
  console.error("stand-in wrangler: unexpected command " + args.join(" "));
  process.exit(2);
}
`;

describe("npm run deploy", () => {
  let dir: string;
  beforeAll(() => {
    dir = freshCopy();
    writeFileSync(join(dir, "wrangler.toml"), deployableToml(readFileSync(join(dir, "wrangler.toml"), "utf8")));
    writeFileSync(join(dir, "fake-wrangler.mjs"), FAKE_WRANGLER);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the deploy script in the copy, against the stand-in account when one is given. */
  function deploy(args: string[], account?: object) {
    const calls = join(dir, "calls.ndjson");
    rmSync(calls, { force: true });
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", WRANGLER_SEND_METRICS: "false" };
    if (account) {
      writeFileSync(join(dir, "account.json"), JSON.stringify({ realWrangler: join(ROOT, "node_modules/wrangler/bin/wrangler.js"), ...account }));
      Object.assign(env, { CLOCKWORK_WRANGLER: join(dir, "fake-wrangler.mjs"), FAKE_ACCOUNT: join(dir, "account.json"), FAKE_CALLS: calls });
    }
    const result = spawnSync(process.execPath, [join(dir, "worker/deploy.mjs"), ...args], { cwd: dir, env, encoding: "utf8", timeout: 240_000 });
    const commands = existsSync(calls)
      ? readFileSync(calls, "utf8").trim().split("\n").filter(Boolean).map((line) => (JSON.parse(line) as string[]).filter((a) => !a.startsWith("--config") && !a.endsWith(".toml")).join(" "))
      : [];
    return { status: result.status, output: `${result.stdout}${result.stderr}`, commands };
  }

  it("--dry-run builds the console and the Worker, checks what it can offline and prints the plan", () => {
    const run = deploy(["--dry-run", "--outdir", join(dir, "built")]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/Worker: [\d.]+ KiB, [\d.]+ KiB gzipped/);
    expect(run.output).toContain("Not checked in a dry run");
    expect(run.output).toContain("that the secrets SETUP_TOKEN, NONCE_SECRET, RECEIPT_KEY are set");
    // The plan: migrations, then the Worker with its console, then the Worker's own check.
    const plan = run.output.slice(run.output.indexOf("What npm run deploy would do next"));
    expect(plan.indexOf("1. npx wrangler d1 migrations apply DB --remote")).toBeGreaterThan(0);
    expect(plan.indexOf("2. npx wrangler deploy")).toBeGreaterThan(plan.indexOf("1. npx wrangler d1 migrations apply"));
    expect(run.output).toContain("nothing was changed on Cloudflare");
    expect(existsSync(join(dir, "built/index.js"))).toBe(true);
    expect(measureAssets(join(dir, "worker/console/dist")).files).toBeGreaterThan(0);
  });

  it("--dry-run of a configuration that cannot deploy fails and names each thing to fix", () => {
    writeFileSync(join(dir, "wrangler.dev.toml"), readFileSync(join(ROOT, "wrangler.toml"), "utf8"));
    const run = deploy(["--dry-run", "--config", "wrangler.dev.toml"]);
    expect(run.status).toBe(1);
    expect(run.output).toContain("placeholder database_id");
    expect(run.output).toContain("npx wrangler d1 create clockwork");
    expect(run.output).toContain('CONSOLE_ORIGIN "http://localhost:8787" is this machine');
    expect(run.output).toContain("Dry run: 2 things to fix before deploying");
  });

  it("refuses when not logged in, before asking anything else", () => {
    const run = deploy([], { loggedIn: false });
    expect(run.status).toBe(1);
    expect(run.output).toContain("Run `npx wrangler login`");
    expect(run.commands).toEqual(["whoami"]);
  });

  it("refuses when a secret is missing, with the command that makes it, and changes nothing", () => {
    const run = deploy([], { loggedIn: true, workerExists: true, databases: [DATABASE_ID], buckets: ["clockwork-evidence"], secrets: ["SETUP_TOKEN", "NONCE_SECRET"] });
    expect(run.status).toBe(1);
    expect(run.output).toContain("The Worker has no secret RECEIPT_KEY");
    expect(run.output).toContain('generateKeyPairSync("ec",{namedCurve:"P-256"})');
    expect(run.output).toContain("| npx wrangler secret put RECEIPT_KEY");
    expect(run.output).toContain("Nothing was built or changed.");
    expect(run.commands).toEqual(["whoami", "d1 list --json", "r2 bucket list", "secret list --format json"]);
  });

  it("refuses on a new account without the database and bucket, naming both commands", () => {
    const run = deploy([], { loggedIn: true, workerExists: false, databases: [], buckets: [], secrets: [] });
    expect(run.status).toBe(1);
    expect(run.output).toContain(`no D1 database with the id ${DATABASE_ID}`);
    expect(run.output).toContain("npx wrangler r2 bucket create clockwork-evidence");
    expect(run.output).toContain("the Worker does not exist yet; `secret put` creates it");
    expect(run.commands.some((c) => c.startsWith("d1 migrations") || c === "deploy")).toBe(false);
  });

  it("with everything in place, applies the migrations to the remote database first, then deploys", () => {
    const run = deploy([], { loggedIn: true, workerExists: true, databases: [DATABASE_ID], buckets: ["clockwork-evidence"], secrets: SECRETS });
    expect(run.commands.filter((c) => !c.includes("--dry-run"))).toEqual([
      "whoami",
      "d1 list --json",
      "r2 bucket list",
      "secret list --format json",
      "d1 migrations apply DB --remote",
      "deploy",
    ]);
    // The Worker was built (and measured) before the remote database was touched.
    expect(run.commands.findIndex((c) => c.startsWith("deploy --dry-run"))).toBeLessThan(run.commands.indexOf("d1 migrations apply DB --remote"));
    // The stand-in deploys nowhere, so the deployed Worker cannot be asked; that is said, not hidden.
    expect(run.output).toContain("https://clockwork.example.com/api/health did not answer");
    expect(run.status, run.output).toBe(0);
  });
});
