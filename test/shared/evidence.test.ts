import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectEvidenceType } from "../../shared/evidence";

const bytes = (...values: number[]) => new Uint8Array(values);
const ascii = (text: string) => new TextEncoder().encode(text);

describe("detectEvidenceType", () => {
  it.each<[string, Uint8Array, string | null]>([
    ["a PNG", bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0), "image/png"],
    ["a JPEG (JFIF)", bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10), "image/jpeg"],
    ["a JPEG (Exif)", bytes(0xff, 0xd8, 0xff, 0xe1), "image/jpeg"],
    ["a WebP", new Uint8Array([...ascii("RIFF"), 1, 2, 3, 4, ...ascii("WEBPVP8 ")]), "image/webp"],
    ["a PDF", ascii("%PDF-1.4\n"), "application/pdf"],
    ["a WAV (RIFF but not WebP)", new Uint8Array([...ascii("RIFF"), 1, 2, 3, 4, ...ascii("WAVE")]), null],
    ["text", ascii("hello, this is a png"), null],
    ["HTML", ascii("<!doctype html><script>"), null],
    ["an SVG", ascii("<svg xmlns="), null],
    ["a GIF", ascii("GIF89a"), null],
    ["a PNG signature cut short", bytes(0x89, 0x50, 0x4e, 0x47), null],
    ["nothing", bytes(), null],
  ])("%s", (_name, head, type) => {
    expect(detectEvidenceType(head)).toBe(type);
  });

  it("bytes that start with no known signature are never given a type", () => {
    const known = [[0x89, 0x50], [0xff, 0xd8], [0x52, 0x49], [0x25, 0x50]];
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 32 }), (head) => {
        fc.pre(!known.some(([a, b]) => head[0] === a && head[1] === b));
        expect(detectEvidenceType(head)).toBeNull();
      }),
    );
  });
});
