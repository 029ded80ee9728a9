/** A statement as the product ran it (captured by sql-timing-worker.ts, run again by sqlite-work.ts). */
export interface RanStatement {
  /** "INSERT INTO punches", "WITH claims ..." (sql-timing-worker.ts, statementLabel). */
  label: string;
  sql: string;
  params: unknown[];
  /** Part of a write batch (the punch's write), or a statement of its own (its read). */
  batch: boolean;
}
