import { drizzle } from "drizzle-orm/d1";
import type { SQL } from "drizzle-orm";
import { isStorageFailure, StorageUnavailableError } from "../errors";

/**
 * Drizzle over one request's (counted) binding. No relational schema: nothing uses
 * `db.query`, and extracting its config cost every request CPU time.
 */
export function createDb(d1: D1Database) {
  return drizzle(d1);
}

export type DB = ReturnType<typeof createDb>;

export interface D1Stats {
  roundTrips: number;
  ms: number;
  /** Rows D1 read and wrote for this request, from the statements' `meta` (what D1 bills). */
  rowsRead: number;
  rowsWritten: number;
}

const INNER = Symbol("inner");

type Statement = D1PreparedStatement & { [INNER]?: D1PreparedStatement };

/**
 * Wraps a D1 binding so that every round trip (one statement run, or one
 * batch) is counted and timed, with the rows it read and wrote. With SERVER_TIMING
 * set, the Server-Timing header reports them: that is how tests and the benchmark see
 * that a punch stays within its two round trips and its rows do not grow.
 */
export function countRoundTrips(d1: D1Database): { d1: D1Database; stats: D1Stats } {
  const stats: D1Stats = { roundTrips: 0, ms: 0, rowsRead: 0, rowsWritten: 0 };
  const count = (result: unknown) => {
    for (const r of Array.isArray(result) ? result : [result]) {
      const meta = (r as { meta?: { rows_read?: number; rows_written?: number } } | null)?.meta;
      stats.rowsRead += meta?.rows_read ?? 0;
      stats.rowsWritten += meta?.rows_written ?? 0;
    }
  };
  const timed = async <T>(run: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    stats.roundTrips += 1;
    try {
      const result = await run();
      count(result);
      return result;
    } catch (err) {
      // The database failing is not the request's fault, nor a bug: 503, and the client tries again.
      throw isStorageFailure(err) ? new StorageUnavailableError(err) : err;
    } finally {
      stats.ms += Date.now() - start;
    }
  };
  const wrap = (statement: D1PreparedStatement): Statement => {
    const wrapped: Statement = {
      [INNER]: statement,
      bind: (...values: unknown[]) => wrap(statement.bind(...values)),
      first: ((column?: string) => timed(() => statement.first(column as string))) as D1PreparedStatement["first"],
      run: (() => timed(() => statement.run())) as D1PreparedStatement["run"],
      all: (() => timed(() => statement.all())) as D1PreparedStatement["all"],
      raw: ((options?: { columnNames?: boolean }) => timed(() => statement.raw(options as { columnNames: true }))) as D1PreparedStatement["raw"],
    } as Statement;
    return wrapped;
  };
  const counted = {
    prepare: (query: string) => wrap(d1.prepare(query)),
    batch: (statements: Statement[]) => timed(() => d1.batch(statements.map((s) => s[INNER] ?? s))),
    exec: (query: string) => timed(() => d1.exec(query)),
    withSession: d1.withSession?.bind(d1),
    dump: d1.dump?.bind(d1),
  } as unknown as D1Database;
  return { d1: counted, stats };
}

/**
 * `db.run(sql)` made usable inside `db.batch()`: drizzle-orm 0.45's D1 batch
 * binds parameters through `stmt`, which raw queries lack, so it is supplied.
 */
export function batchableRun(db: DB, query: SQL) {
  const raw = db.run(query) as unknown as { getQuery(): { sql: string }; stmt?: D1PreparedStatement };
  raw.stmt = db.$client.prepare(raw.getQuery().sql);
  return raw as unknown as ReturnType<DB["run"]>;
}
