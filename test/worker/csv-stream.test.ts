import { describe, expect, it } from "vitest";
import { csvStream, jsonItemsStream } from "../../worker/services/csv";

describe("the CSV and JSON streams", () => {
  async function* batches<T>(...pages: T[][]) {
    for (const page of pages) yield page;
  }
  const read = async (stream: ReadableStream<Uint8Array>) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(await new Response(stream).arrayBuffer());

  it("read on past empty batches to the end, instead of stopping without one", async () => {
    expect(await read(csvStream(["n"], batches([], [[1]], [], [])))).toBe("\uFEFFn\r\n1\r\n");
    expect(await read(csvStream(["n"], batches<number[]>([])))).toBe("\uFEFFn\r\n");
    expect(await read(jsonItemsStream(batches([], [1], [], [2])))).toBe('{"items":[1,2]}');
    expect(await read(jsonItemsStream(batches<number>([])))).toBe('{"items":[]}');
  }, 15_000);
});
