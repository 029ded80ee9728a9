/**
 * Runs wrangler (pinned, from node_modules) for the bench: applies D1 migrations, seeds with
 * SQL files and starts `wrangler dev` on a free port, each Worker with its own state directory.
 * Everything works offline (see /work/shared/TOOLCHAIN.md, "Wrangler offline").
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");

/** Keeps wrangler from phoning home or downloading `request.cf` data (it would wait for it). */
const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
  // Other people may edit wrangler.toml meanwhile: a reload mid-run would fail in-flight POSTs (503).
  WRANGLER_CI_DISABLE_CONFIG_WATCHING: "true",
  // No colours or interactive prompts in the logs we keep.
  FORCE_COLOR: "0",
  CI: "true",
};

/** Runs a one-off wrangler command to completion; throws with its output when it fails. */
export async function wranglerRun(args: string[], logFile: string): Promise<string> {
  const child = spawn(WRANGLER, args, {
    cwd: ROOT,
    env: { ...process.env, ...OFFLINE_ENV },
    // stdin closed: `d1 migrations apply` then answers its own confirmation prompt.
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((done, fail) => {
    child.on("error", fail);
    child.on("exit", (exitCode) => done(exitCode));
  });
  createWriteStream(logFile, { flags: "a" }).end(`$ wrangler ${args.join(" ")}\n${output}\n`);
  if (code !== 0) throw new Error(`wrangler ${args.slice(0, 3).join(" ")} failed (exit ${code}):\n${output.slice(-3000)}`);
  return output;
}

/**
 * Bundles a Worker once, as `wrangler deploy` would (`--dry-run --outdir`), and returns the entry
 * module. The bench runs that snapshot with `wrangler dev --no-bundle`: `wrangler dev` otherwise
 * watches the sources and reloads the Worker when anyone edits them, and a reload answers the
 * POSTs in flight with 503 ("Your worker restarted mid-request").
 */
export async function buildWorker(config: string, outdir: string, logFile: string): Promise<string> {
  await wranglerRun(["deploy", "--dry-run", "--outdir", outdir, "--config", config], logFile);
  // One module named after the entry point (index.js, baseline-worker.js), next to its source map.
  const modules = readdirSync(outdir).filter((f) => f.endsWith(".js"));
  if (modules.length !== 1) throw new Error(`expected one module from wrangler deploy --dry-run in ${outdir}, found: ${modules.join(", ") || "none"}`);
  return join(outdir, modules[0]!);
}

/** A port nobody listens on right now (the OS picks it; there is a small race, which is fine here). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface DevServerOptions {
  /** wrangler config file, relative to the repository root. */
  config: string;
  /** Port to listen on (see `freePort`); chosen by the caller, since vars may name it. */
  port: number;
  persistTo: string;
  /** dotenv file with the Worker's secrets (`--env-file`: then .dev.vars is not read). */
  envFile?: string;
  /** Plain vars that override the config's `[vars]` (`--var KEY:VALUE`). */
  vars?: Record<string, string>;
  logFile: string;
  /** Path answering 200 once the Worker is up. */
  healthPath: string;
  /** A Worker bundle built beforehand (see `buildWorker`), run as is instead of the config's `main`. */
  bundle?: string;
  /** Static assets directory, instead of the config's `[assets] directory`. */
  assets?: string;
}

export class DevServer {
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined = undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly logFile: string,
    /** wrangler's DevTools inspector (a proxy to workerd's), for CPU profiles. */
    readonly inspectorPort: number,
  ) {
    this.exited = new Promise((done) =>
      child.on("exit", (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        done(this.exitCode);
      }),
    );
    LIVE.add(this);
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts `wrangler dev` and waits until `healthPath` answers 200 (or fails with the log's tail). */
  static async start(opts: DevServerOptions, timeoutMs = 90_000): Promise<DevServer> {
    const { port } = opts;
    const inspectorPort = await freePort();
    const args = [
      "dev",
      ...(opts.bundle ? [opts.bundle, "--no-bundle"] : []),
      ...(opts.assets ? ["--assets", opts.assets] : []),
      "--config", opts.config,
      "--ip", "127.0.0.1",
      "--port", String(port),
      // The default inspector port (9229) may be taken by another wrangler on this machine.
      "--inspector-port", String(inspectorPort),
      "--persist-to", opts.persistTo,
      "--local",
      "--show-interactive-dev-session=false",
      "--live-reload=false",
      // BENCH_WRANGLER_LOG_LEVEL=debug shows reloads and errors in the log when hunting a problem.
      "--log-level", process.env.BENCH_WRANGLER_LOG_LEVEL ?? "warn",
    ];
    if (opts.envFile) args.push("--env-file", opts.envFile);
    for (const [key, value] of Object.entries(opts.vars ?? {})) args.push("--var", `${key}:${value}`);

    const log = createWriteStream(opts.logFile, { flags: "a" });
    log.write(`$ wrangler ${args.join(" ")}\n`);
    const child = spawn(WRANGLER, args, {
      cwd: ROOT,
      env: { ...process.env, ...OFFLINE_ENV },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    const server = new DevServer(child, port, opts.logFile, inspectorPort);

    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (server.exitCode !== undefined) {
        throw new Error(`wrangler dev exited (code ${server.exitCode}) before it was ready:\n${tail(opts.logFile)}`);
      }
      try {
        const res = await fetch(`${server.url}${opts.healthPath}`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200) return server;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    await server.stop();
    throw new Error(`wrangler dev did not answer ${opts.healthPath} within ${timeoutMs / 1000} s:\n${tail(opts.logFile)}`);
  }

  /** SIGTERM to wrangler's PID (it stops workerd too); SIGKILL if it lingers. */
  async stop(): Promise<void> {
    LIVE.delete(this);
    if (this.exitCode !== undefined || this.child.pid === undefined) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Servers still running, stopped by `stopAll` on errors and on Ctrl-C. */
const LIVE = new Set<DevServer>();

export async function stopAll() {
  await Promise.all([...LIVE].map((s) => s.stop()));
}

/** Synchronous best effort for process exit paths where we cannot await. */
export function killAllNow() {
  for (const server of LIVE) server.child.kill("SIGTERM");
}

export function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
