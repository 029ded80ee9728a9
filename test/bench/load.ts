/**
 * Sends pre-built request bodies to one URL at a fixed concurrency, timing each request, and
 * summarises latency, throughput, errors and each Worker's D1 round trips and rows (Server-Timing).
 */
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
  };
}

/**
 * Fires `requests` at `url` with `concurrency` in flight; returns samples in request order.
 * `describe` may tag each 201 answer from its JSON (tags are counted in the summary).
 */
export async function runLoad(url: string, requests: readonly LoadRequest[], concurrency: number, describe?: (json: any) => string) {
  const samples = new Array<Sample>(requests.length);
  let next = 0;
  const started = performance.now();
  const workers = Array.from({ length: Math.min(concurrency, requests.length) }, async () => {
    while (next < requests.length) {
      const i = next++;
      const request = requests[i]!;
      const t0 = performance.now();
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/json", ...request.headers },
          body: request.body,
        });
        // Read the whole answer: the latency is the time until the client has the receipt.
        const text = await res.text();
        const ms = performance.now() - t0;
        samples[i] = { status: res.status, ms, d1: d1Timing(res.headers) };
        if (res.status !== 201) samples[i]!.error = `${request.label}: ${res.status} ${text.slice(0, 300)}`;
        else if (describe) samples[i]!.outcome = tagOf(describe, text);
      } catch (error) {
        samples[i] = { status: 0, ms: performance.now() - t0, d1: null, error: `${request.label}: ${String(error)}` };
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
