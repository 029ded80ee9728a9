/**
 * Sends pre-built request bodies to one URL at a fixed concurrency, timing each request, and
 * summarises latency, throughput, errors and each Worker's D1 round trips and rows (Server-Timing).
 */
import { request as httpRequest } from "node:http";
import { performance } from "node:perf_hooks";

export interface Sample {
  /** HTTP status, or 0 when the request itself failed (connection error). */
  status: number;
  ms: number;
  /** From `Server-Timing: d1;dur=..;desc="N round trips", d1-rows;desc="read=R written=W"`, when the Worker sends it. */
  d1: D1Timing | null;
  /** The answer's text for failures (cut short), for the report. */
  error?: string;
  /** What `describe` made of a 201 answer (e.g. the product's "online/accepted"). */
  outcome?: string;
}

export interface LoadRequest {
  label: string;
  body: string;
  headers: Record<string, string>;
}

export interface D1Timing {
  roundTrips: number;
  /** Time the Worker spent waiting for D1 (its own clock; coarse, I/O-bound). */
  ms: number;
  /** Rows D1 read and wrote for the request (the statements' `meta.rows_read` / `rows_written`), when reported. */
  rows: { read: number; written: number } | null;
  /** D1's own time for the request's statements (`meta.duration`), from the bench's SQL-timing wrapper (sql-timing-worker.ts) only. */
  sql: SqlTiming | null;
}

export interface SqlTiming {
  /** Sum of the statements' `meta.duration`: time the database spent executing them. */
  ms: number;
  statements: number;
  /** Statements run through `first()`, `raw()` or `exec()`, which return no `meta`. */
  untimed: number;
  /** The database's size after the request's last statement (`meta.size_after`). */
  sizeAfter: number | null;
  each: { label: string; ms: number }[];
}

/**
 * Reads `d1;dur=<ms>;desc="<n> round trips"` and `d1-rows;desc="read=<R> written=<W>"` from the
 * Server-Timing header (several headers arrive joined with commas).
 */
export function d1Timing(headers: Headers): D1Timing | null {
  const entries = headers.get("Server-Timing")?.split(",").map((e) => e.trim()) ?? [];
  const entry = entries.find((e) => e.startsWith("d1;"));
  const trips = entry?.match(/desc="(\d+) round trips"/);
  if (!entry || !trips) return null;
  const rows = entries.find((e) => e.startsWith("d1-rows;"))?.match(/desc="read=(\d+) written=(\d+)"/);
  return {
    roundTrips: Number(trips[1]),
    ms: Number(entry.match(/dur=([\d.]+)/)?.[1] ?? NaN),
    rows: rows ? { read: Number(rows[1]), written: Number(rows[2]) } : null,
    sql: sqlTiming(entries),
  };
}

/**
 * `d1-sql;dur=<ms>;desc="<n> statements (<u> untimed)"`, `d1-size;desc="bytes=<b>"` and one
 * `d1-stmt;dur=<ms>;desc="<label>"` per statement, as the SQL-timing wrapper adds them.
 */
function sqlTiming(entries: string[]): SqlTiming | null {
  const total = entries.find((e) => e.startsWith("d1-sql;"));
  const counts = total?.match(/desc="(\d+) statements \((\d+) untimed\)"/);
  if (!total || !counts) return null;
  const size = entries.find((e) => e.startsWith("d1-size;"))?.match(/bytes=(\d+)/);
  const duration = (e: string) => Number(e.match(/dur=([\d.]+)/)?.[1] ?? NaN);
  return {
    ms: duration(total),
    statements: Number(counts[1]),
    untimed: Number(counts[2]),
    sizeAfter: size ? Number(size[1]) : null,
    each: entries.filter((e) => e.startsWith("d1-stmt;")).map((e) => ({ label: e.match(/desc="([^"]*)"/)?.[1] ?? "?", ms: duration(e) })),
  };
}

/**
 * Fires `requests` at `url` with `concurrency` in flight; returns samples in request order.
 * `describe` may tag each 201 answer from its JSON (tags are counted in the summary).
 */
/**
 * POSTs `body` on a connection of its own (`Connection: close`), as a punch from one employee's
 * browser arrives, and returns what fetch would: status, headers (every Server-Timing entry kept)
 * and text.
 */
function postOnNewConnection(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; headers: Headers; text: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest(url, { method: "POST", agent: false, headers: { ...headers, Connection: "close", "Content-Length": Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", fail);
      res.on("end", () => {
        const answer = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) answer.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        done({ status: res.statusCode ?? 0, headers: answer, text: Buffer.concat(chunks).toString("utf8") });
      });
    });
    req.on("error", fail);
    req.end(body);
  });
}

/**
 * `connection: "new"` sends each request on a connection of its own instead of fetch's pool of
 * kept-alive ones (the burst: thousands of employees are thousands of clients).
 */
export async function runLoad(
  url: string,
  requests: readonly LoadRequest[],
  concurrency: number,
  describe?: (json: any) => string,
  options: { connection?: "keep-alive" | "new" } = {},
) {
  const samples = new Array<Sample>(requests.length);
  let next = 0;
  const started = performance.now();
  const workers = Array.from({ length: Math.min(concurrency, requests.length) }, async () => {
    while (next < requests.length) {
      const i = next++;
      const request = requests[i]!;
      const t0 = performance.now();
      try {
        const headers = { "Content-Type": "application/json", ...request.headers };
        let res: { status: number; headers: Headers };
        let text: string;
        if (options.connection === "new") {
          ({ text, ...res } = await postOnNewConnection(url, request.body, headers));
        } else {
          const answer = await fetch(url, { method: "POST", headers, body: request.body });
          // Read the whole answer: the latency is the time until the client has the receipt.
          text = await answer.text();
          res = answer;
        }
        const ms = performance.now() - t0;
        samples[i] = { status: res.status, ms, d1: d1Timing(res.headers) };
        if (res.status !== 201) samples[i]!.error = `${request.label}: ${res.status} ${text.slice(0, 300)}`;
        else if (describe) samples[i]!.outcome = tagOf(describe, text);
      } catch (error) {
        // fetch's own message is only "fetch failed": the reason (reset, refused, timed out) is its cause.
        const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
        const why = cause ? ` (${[cause.code, cause.message].filter(Boolean).join(": ")})` : "";
        const ms = performance.now() - t0;
        samples[i] = { status: 0, ms, d1: null, error: `${request.label}: ${String(error)}${why} after ${Math.round(ms)} ms` };
      }
    }
  });
  await Promise.all(workers);
  const wallMs = performance.now() - started;
  return { samples, wallMs };
}

function tagOf(describe: (json: any) => string, text: string): string {
  try {
    return describe(JSON.parse(text));
  } catch {
    return "unreadable answer";
  }
}

export interface Summary {
  requests: number;
  ok: number;
  errors: number;
  /** Count of each non-201 status ("0" = connection error). */
  errorsByStatus: Record<string, number>;
  /** A few failures, verbatim. */
  errorExamples: string[];
  wallSeconds: number;
  /** Successful (201) punches per second of wall time. */
  throughput: number;
  latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  /** D1 use per successful punch, from Server-Timing; null when the Worker does not send it. */
  d1: {
    roundTripsMean: number;
    roundTripsMax: number;
    msMean: number;
    samples: number;
    /** Rows read and written per punch (D1's `meta`); null when the Worker does not report them. */
    rows: { readMean: number; readMax: number; writtenMean: number; writtenMax: number } | null;
  } | null;
  /** Counts of `describe`'s tags over the 201 answers. */
  outcomes: Record<string, number>;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarise(samples: readonly Sample[], wallMs: number): Summary {
  // Latency over every answered request (failures included: they are load the server carried).
  const latencies = samples.map((s) => s.ms).sort((a, b) => a - b);
  const failures = samples.filter((s) => s.status !== 201);
  const errorsByStatus: Record<string, number> = {};
  for (const f of failures) errorsByStatus[String(f.status)] = (errorsByStatus[String(f.status)] ?? 0) + 1;
  const timings = samples.filter((s) => s.status === 201 && s.d1 !== null).map((s) => s.d1!);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const ok = samples.length - failures.length;
  const outcomes: Record<string, number> = {};
  for (const s of samples) if (s.outcome) outcomes[s.outcome] = (outcomes[s.outcome] ?? 0) + 1;
  return {
    requests: samples.length,
    ok,
    errors: failures.length,
    errorsByStatus,
    errorExamples: failures.slice(0, 5).map((f) => f.error ?? `status ${f.status}`),
    wallSeconds: round(wallMs / 1000, 3),
    throughput: round(ok / (wallMs / 1000), 1),
    latencyMs: {
      mean: round(mean(latencies), 2),
      p50: round(percentile(latencies, 50), 2),
      p95: round(percentile(latencies, 95), 2),
      p99: round(percentile(latencies, 99), 2),
      max: round(latencies.at(-1) ?? NaN, 2),
    },
    d1:
      timings.length > 0
        ? {
            roundTripsMean: round(mean(timings.map((t) => t.roundTrips)), 3),
            roundTripsMax: Math.max(...timings.map((t) => t.roundTrips)),
            msMean: round(mean(timings.map((t) => t.ms)), 2),
            samples: timings.length,
            rows: rowsSummary(timings),
          }
        : null,
    outcomes,
  };
}

function rowsSummary(timings: readonly D1Timing[]): NonNullable<Summary["d1"]>["rows"] {
  const rows = timings.map((t) => t.rows).filter((r) => r !== null);
  if (rows.length === 0) return null;
  const read = rows.map((r) => r.read);
  const written = rows.map((r) => r.written);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return { readMean: round(mean(read), 2), readMax: Math.max(...read), writtenMean: round(mean(written), 2), writtenMax: Math.max(...written) };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
