import type { ImportRow } from "../api";

/** The columns an employee import takes (the API's row fields), in the order the preview shows them. */
export const IMPORT_FIELDS = ["name", "email", "role", "managerEmail", "scheduleName", "timezone"] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
/** Which column of the file (0-based) feeds each field; null for none. */
export type ColumnMapping = Record<ImportField, number | null>;

/** Header spellings people use for each field (compared without case, spaces, dashes or underscores). */
const SYNONYMS: Record<ImportField, string[]> = {
  name: ["name", "fullname", "employee", "employeename", "姓名", "名字", "员工"],
  email: ["email", "emailaddress", "mail", "workemail", "邮箱", "电子邮件", "电子邮箱", "邮件"],
  role: ["role", "角色"],
  managerEmail: ["manageremail", "manager", "managermail", "reportsto", "经理邮箱", "经理", "上级", "上级邮箱"],
  scheduleName: ["schedulename", "schedule", "shift", "排班", "班次", "排班名称"],
  timezone: ["timezone", "tz", "zone", "时区"],
};

const normal = (header: string) => header.trim().toLowerCase().replace(/[\s_\-.]/g, "");

/** Each field's column, guessed from the header row; a header matches one field at most. */
export function guessMapping(headers: readonly string[]): ColumnMapping {
  const mapping = Object.fromEntries(IMPORT_FIELDS.map((field) => [field, null])) as ColumnMapping;
  const taken = new Set<number>();
  for (const field of IMPORT_FIELDS) {
    const index = headers.findIndex((header, i) => !taken.has(i) && SYNONYMS[field].includes(normal(header)));
    if (index >= 0) {
      mapping[field] = index;
      taken.add(index);
    }
  }
  return mapping;
}

/** The fields that must have a column before rows can be checked. */
export function missingRequired(mapping: ColumnMapping): ImportField[] {
  return (["name", "email"] as const).filter((field) => mapping[field] === null);
}

/**
 * The API's rows from the file's records (the header row left out): each mapped cell trimmed,
 * empty optional cells left out so the server applies its defaults.
 */
export function rowsFrom(records: readonly (readonly string[])[], mapping: ColumnMapping): ImportRow[] {
  return records.map((record) => {
    const cell = (field: ImportField) => {
      const index = mapping[field];
      return index === null ? "" : (record[index] ?? "").trim();
    };
    const row: ImportRow = { name: cell("name"), email: cell("email") };
    for (const field of ["role", "managerEmail", "scheduleName", "timezone"] as const) {
      const value = cell(field);
      if (value) row[field] = field === "role" ? value.toLowerCase() : value;
    }
    return row;
  });
}

export type ParsedCsv = { headers: string[]; records: string[][]; errors: { row: number; message: string }[] };

/**
 * A CSV (or tab-separated text pasted from a spreadsheet) as a header row and records, with
 * papaparse: quoted fields, commas and line breaks inside quotes, a byte-order mark, blank lines.
 */
export async function parseCsv(text: string): Promise<ParsedCsv> {
  const { default: Papa } = await import("papaparse");
  const result = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: "greedy" });
  const [headers = [], ...records] = result.data;
  return {
    headers: headers.map((h) => h.trim()),
    records,
    errors: result.errors.map((e) => ({ row: e.row ?? 0, message: e.message })),
  };
}
