import { fillPlaceholders, getTableColumns, type SQL, sql, type Table } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";

/**
 * Statements built once per isolate. Drizzle builds a query's SQL text on every call, which on
 * the punch path (a dozen statements) was a quarter of the Worker's CPU in the bench's profile.
 * A `Prepared` keeps drizzle's SQL and its row mapping; every request binds its own values
 * (`sql.placeholder(name)`) on its own D1 binding. Lists go in as one JSON array placeholder
 * (`json_each(?)`), so one statement serves any number of items.
 */
export interface Prepared<R> {
  readonly sql: string;
  readonly params: unknown[];
  map(result: D1Result): R;
}

interface DrizzlePrepared {
  getQuery(): { sql: string; params: unknown[] };
  mapResult(response: unknown, isFromBatch?: boolean): unknown;
}

/** Drizzle over a binding that is never called: it only builds statements. */
const builder = drizzle({ prepare: () => ({}) } as unknown as D1Database);
export type Builder = typeof builder;

export function prepare<Q extends { prepare(): unknown; execute(): Promise<unknown> }>(
  build: (db: Builder) => Q,
): Prepared<Awaited<ReturnType<Q["execute"]>>> {
  const query = build(builder).prepare() as DrizzlePrepared;
  const { sql, params } = query.getQuery();
  return { sql, params, map: (result) => query.mapResult(result, true) as Awaited<ReturnType<Q["execute"]>> };
}

const dialect = new SQLiteSyncDialect();

/** A hand-written statement (drizzle's `sql` template, placeholders for values) with its own row mapping. */
export function preparedSql<R>(text: SQL, map: (result: D1Result) => R): Prepared<R> {
  const { sql: query, params } = dialect.sqlToQuery(text);
  return { sql: query, params, map };
}

export type Bound<R = unknown> = readonly [Prepared<R>, Record<string, unknown>];

/** The statement with its values, for one request's binding. */
export function bind(d1: D1Database, [query, values]: Bound): D1PreparedStatement {
  return d1.prepare(query.sql).bind(...fillPlaceholders(query.params, values));
}

/** Runs prepared statements as one batch (one round trip, one transaction). */
export function batchPrepared(d1: D1Database, items: readonly Bound[]) {
  return d1.batch(items.map((item) => bind(d1, item)));
}

/** Runs one prepared statement (one round trip) and maps its rows. */
export async function queryPrepared<R>(d1: D1Database, item: Bound<R>): Promise<R> {
  return item[0].map(await bind(d1, item).all());
}

/**
 * A SQL expression building one row of `table` (as `alias`) as a JSON object with drizzle's own
 * keys and types (JSON columns embedded, booleans as true/false), so that `JSON.parse` gives
 * what `db.select().from(table)` would, less the `omit`ted keys. For folding several reads into one statement.
 */
export function rowAsJson(table: Table, alias: string, omit: readonly string[] = []): SQL {
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => !omit.includes(key));
  const members = columns.map(([key, column]) => {
    const ref = `${alias}."${column.name}"`;
    const value =
      column.columnType === "SQLiteTextJson"
        ? `json(${ref})`
        : column.columnType === "SQLiteBoolean"
          ? `json(CASE WHEN ${ref} IS NULL THEN 'null' WHEN ${ref} THEN 'true' ELSE 'false' END)`
          : ref;
    return `'${key}', ${value}`;
  });
  return sql.raw(`json_object(${members.join(", ")})`);
}
