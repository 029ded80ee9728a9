import type { HolidayInput } from "../api";
import type { MessageKey } from "../i18n";

export type HolidayProblem = { line: number; message: MessageKey; text: string };
export type ParsedHolidays = { items: HolidayInput[]; problems: HolidayProblem[]; years: string[] };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` that exists on the calendar (not 2026-02-30). */
export function isCalendarDate(date: string): boolean {
  if (!DATE.test(date)) return false;
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const utc = new Date(Date.UTC(y, m - 1, d));
  return utc.getUTCFullYear() === y && utc.getUTCMonth() === m - 1 && utc.getUTCDate() === d;
}

/** `2026/1/1`, `2026.01.01` or `2026-1-1` as `2026-01-01`; anything else as typed. */
function normalDate(text: string): string {
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text.trim());
  return m ? `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}` : text.trim();
}

function check(pairs: { line: number; date: string; name: string }[]): ParsedHolidays {
  const items: HolidayInput[] = [];
  const problems: HolidayProblem[] = [];
  const seen = new Map<string, number>();
  for (const { line, date: raw, name: rawName } of pairs) {
    const date = normalDate(raw);
    const name = rawName.trim();
    if (!isCalendarDate(date)) problems.push({ line, message: "holidayBadDate", text: raw });
    else if (!name || name.length > 200) problems.push({ line, message: "holidayBadName", text: raw });
    else if (seen.has(date)) problems.push({ line, message: "holidayTwice", text: date });
    else {
      seen.set(date, line);
      items.push({ date, name });
    }
  }
  const years = [...new Set(items.map((i) => i.date.slice(0, 4)))].sort();
  return { items: items.sort((a, b) => a.date.localeCompare(b.date)), problems, years };
}

/**
 * A holiday list from a file or a paste: JSON (an array of `{ date, name }`, or `{ items: [...] }`
 * as the API takes it) or CSV (`date,name`, with or without a header row; papaparse reads
 * quotes and tabs). Each line is checked as the API will; the bad ones are listed, not sent.
 */
export async function parseHolidays(text: string): Promise<ParsedHolidays> {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch {
      return { items: [], problems: [{ line: 1, message: "holidayBadJson", text: "" }], years: [] };
    }
    const list = Array.isArray(data) ? data : (data as { items?: unknown }).items;
    if (!Array.isArray(list)) return { items: [], problems: [{ line: 1, message: "holidayBadJson", text: "" }], years: [] };
    return check(
      list.map((entry, i) => {
        const e = (entry ?? {}) as Record<string, unknown>;
        return { line: i + 1, date: String(e.date ?? ""), name: String(e.name ?? "") };
      }),
    );
  }
  const { default: Papa } = await import("papaparse");
  const rows = Papa.parse<string[]>(trimmed, { skipEmptyLines: "greedy" }).data;
  // A header row is one whose first cell is no date.
  const header = rows[0] && !/^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$/.test((rows[0][0] ?? "").trim()) ? rows[0].map((h) => h.trim().toLowerCase()) : null;
  const dateColumn = header ? Math.max(0, header.findIndex((h) => h === "date" || h === "日期")) : 0;
  const nameColumn = header ? header.findIndex((h) => h === "name" || h === "名称" || h === "节日" || h === "holiday") : 1;
  const body = header ? rows.slice(1) : rows;
  return check(
    body.map((row, i) => ({
      line: i + (header ? 2 : 1),
      date: row[dateColumn] ?? "",
      name: (nameColumn >= 0 ? row[nameColumn] : row.filter((_, j) => j !== dateColumn).join(" ")) ?? "",
    })),
  );
}
