/**
 * A text cell: always quoted, inner quotes doubled, and never a formula when a spreadsheet opens
 * it. Quoting every text cell matters beyond commas: Excel in a locale whose list separator is
 * `;` (or a tab-separated reading) splits an unquoted `Bob;=1+1` into a formula cell, while a
 * separator inside quotes never starts a cell. A leading trigger gets an apostrophe as well.
 */
export function csvText(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** A cell: numbers as they are, text (and anything else) quoted; null and undefined empty. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  return typeof value === "number" ? String(value) : csvText(String(value));
}

/** One CRLF-terminated line. */
export const csvLine = (cells: readonly (string | number | boolean | null | undefined)[]) => `${cells.map(csvCell).join(",")}\r\n`;

/**
 * The next batch with something in it, or null at the end. A stream's pull that enqueues nothing
 * is not pulled again, so the streams below read on past empty batches.
 */
async function nextBatch<T>(iterator: AsyncIterator<readonly T[]>): Promise<readonly T[] | null> {
  for (;;) {
    const next = await iterator.next();
    if (next.done) return null;
    if (next.value.length > 0) return next.value;
  }
}

/**
 * A CSV file that Excel opens as UTF-8 (a byte-order mark, CRLF line ends), streamed: the rows come
 * in batches from `batches`, each written as soon as it is there, so a large report is never held whole.
 */
export function csvStream(header: readonly string[], batches: AsyncIterable<readonly (readonly (string | number | boolean | null | undefined)[])[]>) {
  const encoder = new TextEncoder();
  const iterator = batches[Symbol.asyncIterator]();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${header.join(",")}\r\n`));
        return;
      }
      const batch = await nextBatch(iterator);
      if (batch === null) return controller.close();
      controller.enqueue(encoder.encode(batch.map(csvLine).join("")));
    },
  });
}

/** A JSON `{ "items": [...] }` document streamed from batches of items. */
export function jsonItemsStream<T>(batches: AsyncIterable<readonly T[]>) {
  const encoder = new TextEncoder();
  const iterator = batches[Symbol.asyncIterator]();
  let started = false;
  let wrote = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode('{"items":['));
        return;
      }
      const batch = await nextBatch(iterator);
      if (batch === null) {
        controller.enqueue(encoder.encode("]}"));
        return controller.close();
      }
      controller.enqueue(encoder.encode((wrote ? "," : "") + batch.map((item) => JSON.stringify(item)).join(",")));
      wrote = true;
    },
  });
}

/** Response headers of a CSV download. */
export const csvHeaders = (filename: string) => ({
  "Content-Type": "text/csv; charset=utf-8",
  "Content-Disposition": `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
});

/**
 * Runs a download up to its first batch before the answer starts: a refusal (someone outside the
 * caller's scope, no such employee) or a failed first read then answers with its own status and
 * error body, instead of a 200 whose body stops after the header.
 */
export async function primed<T>(batches: AsyncGenerator<T>): Promise<AsyncGenerator<T>> {
  const first = await batches.next();
  return (async function* () {
    if (first.done) return;
    yield first.value;
    yield* batches;
  })();
}
