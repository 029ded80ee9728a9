import type { DayStatus, TimesheetRow } from "../api";

/** Days that count as worked (the summary route's `daysPresent`). */
const WORKED: ReadonlySet<DayStatus> = new Set(["present", "late", "early_leave"]);

export type Totals = {
  days: number;
  daysPresent: number;
  lateCount: number;
  lateMinutes: number;
  earlyLeaveCount: number;
  earlyLeaveMinutes: number;
  absences: number;
  incomplete: number;
  workedMinutes: number;
  overtimeMinutes: number;
  flaggedPunches: number;
};

const empty = (): Totals => ({
  days: 0,
  daysPresent: 0,
  lateCount: 0,
  lateMinutes: 0,
  earlyLeaveCount: 0,
  earlyLeaveMinutes: 0,
  absences: 0,
  incomplete: 0,
  workedMinutes: 0,
  overtimeMinutes: 0,
  flaggedPunches: 0,
});

function add(totals: Totals, row: TimesheetRow) {
  totals.days += 1;
  if (WORKED.has(row.status)) totals.daysPresent += 1;
  if (row.lateMinutes > 0) totals.lateCount += 1;
  totals.lateMinutes += row.lateMinutes;
  if (row.earlyLeaveMinutes > 0) totals.earlyLeaveCount += 1;
  totals.earlyLeaveMinutes += row.earlyLeaveMinutes;
  if (row.status === "absent") totals.absences += 1;
  if (row.status === "incomplete") totals.incomplete += 1;
  totals.workedMinutes += row.workedMinutes;
  totals.overtimeMinutes += row.overtimeMinutes;
  totals.flaggedPunches += row.flagged.length;
}

/** One timesheet's rows summed. */
export function totalsOf(rows: readonly TimesheetRow[]): Totals {
  const totals = empty();
  for (const row of rows) add(totals, row);
  return totals;
}

export type EmployeeTotals = { employeeId: string; employeeName: string; rows: TimesheetRow[]; totals: Totals };

/** The rows grouped per employee (in the order they first appear: the API's, by name), each with its totals. */
export function totalsByEmployee(rows: readonly TimesheetRow[]): EmployeeTotals[] {
  const groups = new Map<string, EmployeeTotals>();
  for (const row of rows) {
    let group = groups.get(row.employeeId);
    if (!group) groups.set(row.employeeId, (group = { employeeId: row.employeeId, employeeName: row.employeeName, rows: [], totals: empty() }));
    group.rows.push(row);
    add(group.totals, row);
  }
  return [...groups.values()];
}

export type DayPoint = { date: string; workedHours: number; lateArrivals: number; present: number };

/** Per local date, across everyone in the report: hours worked and late arrivals (for the charts), dates in order, none missing. */
export function perDay(rows: readonly TimesheetRow[], dates: readonly string[]): DayPoint[] {
  const byDate = new Map(dates.map((date) => [date, { date, workedHours: 0, lateArrivals: 0, present: 0 }]));
  for (const row of rows) {
    const point = byDate.get(row.date);
    if (!point) continue;
    point.workedHours += row.workedMinutes / 60;
    if (row.lateMinutes > 0) point.lateArrivals += 1;
    if (WORKED.has(row.status)) point.present += 1;
  }
  return [...byDate.values()].map((p) => ({ ...p, workedHours: Math.round(p.workedHours * 100) / 100 }));
}

/** Minutes as decimal hours, two places (as the summary CSV has them). */
export const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;

/**
 * Rows as tab-separated text: what a spreadsheet takes from the clipboard, one cell per column
 * (tabs and line breaks inside a cell become spaces).
 */
export function toTsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (value: string | number) => String(value).replace(/[\t\r\n]+/g, " ");
  return [header, ...rows].map((row) => row.map(cell).join("\t")).join("\n") + "\n";
}
