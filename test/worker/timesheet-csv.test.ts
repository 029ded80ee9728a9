import { beforeAll, describe, expect, it } from "vitest";
import { adminCall, createEmployee, setUpFirstAdmin, type Admin } from "./helpers";

// Excel reads a CSV with the locale's list separator: `,` in some places, `;` in much of
// Europe, and a tab when pasted. A name must stay one cell, and never a formula, in all three.
const NAMES = [
  "Bob;=1+1;@SUM(A1)",
  "Tab\t=1+1\t@SUM(A1)",
  "=HYPERLINK(\"https://evil.example\",\"x\")",
  "Quote\";=cmd|' /C calc'!A0",
  "Carl\r\n=1+1",
  "-2+3",
  "+1",
  "@A1",
  "张伟; @SUM(1)",
];
const TRIGGERS = ["=", "+", "-", "@", "\t", "\r"];
const DAY = "2026-03-02";

let admin: Admin;
let csv: string;
const idOf = new Map<string, string>();

/**
 * Cells as a spreadsheet splits them with `separator`: a quote opens or closes a quoted
 * stretch wherever it stands, two quotes inside one are a literal quote, and a separator or
 * line end counts only outside quotes.
 */
function parseCsv(text: string, separator: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      if (quoted && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = !quoted;
    } else if (!quoted && ch === separator) {
      row.push(cell);
      cell = "";
    } else if (!quoted && ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows;
}

beforeAll(async () => {
  admin = await setUpFirstAdmin();
  for (const name of NAMES) idOf.set(name, (await createEmployee(admin, { name })).id);
  const res = await adminCall(admin, "GET", `/api/admin/reports/timesheet?from=${DAY}&to=${DAY}&format=csv`);
  expect(res.status).toBe(200);
  csv = res.text.slice(1);
});

describe("the CSV timesheet against formula injection", () => {
  it.each(NAMES)("keeps %j whole in one quoted cell", (name) => {
    const id = idOf.get(name)!;
    const row = parseCsv(csv, ",").find((cells) => cells[0] === id);
    // A leading trigger is defused by an apostrophe; otherwise the name is exactly as stored.
    expect(row?.[1]).toBe(TRIGGERS.some((t) => name.startsWith(t)) ? `'${name}` : name);
    expect(csv).toContain(`,"${(row![1] as string).replaceAll('"', '""')}",`);
  });

  it.each([
    ["semicolon", ";"],
    ["tab", "\t"],
    ["comma", ","],
  ])("read with a %s separator, no cell starts a formula", (_name, separator) => {
    const cells = parseCsv(csv, separator).flat();
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.filter((cell) => TRIGGERS.some((t) => cell.startsWith(t)))).toEqual([]);
  });
});
