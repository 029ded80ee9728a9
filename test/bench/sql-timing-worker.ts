/**
 * The product Worker, unchanged, with D1's own account of every statement added to its answers
 * (bench only, never deployed). D1 returns, with each statement's result, `meta.duration`: the
 * time the database spent executing it, apart from the network and the Worker. D1 runs one
 * statement at a time per database, so the sum over a punch's statements is what one punch costs
 * the database, and 1000 ms divided by it is how many punches one database can take per second.
 *
 * The product reports its round trips and rows (`SERVER_TIMING=on`), not statement times; this
 * wrapper hands it a D1 binding that records each statement's `meta` and appends
 *   Server-Timing: d1-sql;dur=<sum of meta.duration>;desc="<n> statements (<u> untimed)"
 *   Server-Timing: d1-size;desc="bytes=<largest meta.size_after>"
 *   Server-Timing: d1-stmt;dur=<ms>;desc="<label>"            (one per statement)
 * It also keeps the statements of the last 500 recorded punches, with their values, at
 * `GET /__bench/statements` (see `recent`).
 * Only `run()`, `all()` and `batch()` return `meta`; `first()`, `raw()` and `exec()` are counted
 * as untimed (`d1-sql` desc says how many), and the punch path uses none of them.
 *
 * Built with `wrangler deploy --dry-run` like the product (test/bench/capacity.ts), with the
 * product's wrangler.toml: the same bindings, vars and assets. Type-check with
 * `npx tsc -p test/bench/tsconfig.worker.json`.
 */
import product from "../../worker/index";
import type { RanStatement } from "./ran-statement";

interface Tally {
  statements: number;
  untimed: number;
  sqlMs: number;
  sizeAfter: number | null;
  each: { label: string; ms: number }[];
  /** The statements with their values, in the order they ran (batches flattened). */
  ran: RanStatement[];
}


/**
 * The statements of the last punch requests (`GET /__bench/statements`), so that the bench can
 * run them again on SQLite alone (capacity.ts, "SQLite's own work") and tell the database's work
 * from the local D1's handling of each statement.
 */
const RECENT_PUNCHES = 500;
const recent: RanStatement[][] = [];

interface Meta {
  duration?: number;
  size_after?: number;
}

const INNER = Symbol("inner");
type Statement = D1PreparedStatement & { [INNER]: D1PreparedStatement; label: string; sql: string; params: unknown[] };

/** "INSERT INTO punches", "UPDATE devices", "WITH claims ...", "SELECT ... FROM employees": enough to tell statements apart (ASCII: it goes in a header). */
export function statementLabel(query: string): string {
  const text = query.replace(/\s+/g, " ").trim();
  const write = text.match(/^(INSERT(?: OR \w+)? INTO|UPDATE|DELETE FROM)\s+[`"]?(\w+)/i);
  if (write) return `${write[1]!.toUpperCase()} ${write[2]}`;
  const cte = text.match(/^WITH\s+(?:RECURSIVE\s+)?[`"]?(\w+)/i);
  if (cte) return `WITH ${cte[1]} ...`;
  const from = text.match(/\bFROM\s+[`"]?(\w+)/i);
  return `${text.split(" ")[0]!.toUpperCase()} ... FROM ${from ? from[1] : "?"}`;
}

function timedD1(d1: D1Database, tally: Tally): D1Database {
  const record = (label: string, meta: Meta | undefined) => {
    const ms = meta?.duration ?? 0;
    tally.statements += 1;
    tally.sqlMs += ms;
    tally.each.push({ label, ms });
    if (meta?.size_after !== undefined) tally.sizeAfter = Math.max(tally.sizeAfter ?? 0, meta.size_after);
  };
  const wrap = (inner: D1PreparedStatement, label: string, query: string, params: unknown[] = []): Statement =>
    ({
      [INNER]: inner,
      label,
      sql: query,
      params,
      bind: (...values: unknown[]) => wrap(inner.bind(...values), label, query, values),
      all: async () => {
        const result = await inner.all();
        record(label, result.meta);
        tally.ran.push({ label, sql: query, params, batch: false });
        return result;
      },
      run: async () => {
        const result = await inner.run();
        record(label, result.meta);
        tally.ran.push({ label, sql: query, params, batch: false });
        return result;
      },
      first: (column?: string) => {
        tally.untimed += 1;
        return inner.first(column as string);
      },
      raw: (options?: { columnNames?: boolean }) => {
        tally.untimed += 1;
        return inner.raw(options as { columnNames: true });
      },
    }) as unknown as Statement;
  return {
    prepare: (query: string) => wrap(d1.prepare(query), statementLabel(query), query),
    batch: async (statements: Statement[]) => {
      const results = await d1.batch(statements.map((s) => s[INNER]));
      results.forEach((result, i) => record(statements[i]!.label, result.meta));
      for (const s of statements) tally.ran.push({ label: s.label, sql: s.sql, params: s.params, batch: true });
      return results;
    },
    exec: (query: string) => {
      tally.untimed += 1;
      return d1.exec(query);
    },
    withSession: d1.withSession?.bind(d1),
    dump: d1.dump?.bind(d1),
  } as unknown as D1Database;
}

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname === "/__bench/statements") return Response.json(recent);
    const tally: Tally = { statements: 0, untimed: 0, sqlMs: 0, sizeAfter: null, each: [], ran: [] };
    const answer = await product.fetch(request, { ...env, DB: timedD1(env.DB, tally) }, ctx);
    if (request.method === "POST" && pathname === "/api/punches" && answer.status === 201) {
      recent.push(tally.ran);
      if (recent.length > RECENT_PUNCHES) recent.shift();
    }
    if (tally.statements + tally.untimed === 0) return answer;
    const response = new Response(answer.body, answer);
    response.headers.append("Server-Timing", `d1-sql;dur=${tally.sqlMs};desc="${tally.statements} statements (${tally.untimed} untimed)"`);
    if (tally.sizeAfter !== null) response.headers.append("Server-Timing", `d1-size;desc="bytes=${tally.sizeAfter}"`);
    for (const { label, ms } of tally.each) response.headers.append("Server-Timing", `d1-stmt;dur=${ms};desc="${label}"`);
    return response;
  },
  scheduled: product.scheduled,
} satisfies ExportedHandler<Env>;
