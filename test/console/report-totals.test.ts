import { describe, expect, it } from "vitest";
import type { TimesheetRow } from "../../worker/console/src/api";
import { hours, perDay, totalsByEmployee, totalsOf, toTsv } from "../../worker/console/src/logic/report-totals";

function row(employeeId: string, date: string, fields: Partial<TimesheetRow>): TimesheetRow {
  return {
    employeeId,
    employeeName: employeeId === "a" ? "Ada" : "Bo",
    timezone: "Europe/Berlin",
    date,
    status: "present",
    firstIn: null,
    lastOut: null,
    workedMinutes: 0,
    lateMinutes: 0,
    earlyLeaveMinutes: 0,
    overtimeMinutes: 0,
    flagged: [],
    ...fields,
  };
}

const rows = [
  row("a", "2026-03-02", { status: "late", workedMinutes: 470, lateMinutes: 10, flagged: ["p1"] }),
  row("b", "2026-03-02", { status: "present", workedMinutes: 540, overtimeMinutes: 60 }),
  row("a", "2026-03-03", { status: "early_leave", workedMinutes: 420, earlyLeaveMinutes: 60 }),
  row("b", "2026-03-03", { status: "absent" }),
  row("a", "2026-03-04", { status: "incomplete", workedMinutes: 0 }),
  row("b", "2026-03-04", { status: "rest_day" }),
  row("a", "2026-03-05", { status: "holiday" }),
];

describe("report totals", () => {
  it("counts days present as present, late or left early, as the summary route does", () => {
    expect(totalsOf(rows.filter((r) => r.employeeId === "a"))).toEqual({
      days: 4,
      daysPresent: 2,
      lateCount: 1,
      lateMinutes: 10,
      earlyLeaveCount: 1,
      earlyLeaveMinutes: 60,
      absences: 0,
      incomplete: 1,
      workedMinutes: 890,
      overtimeMinutes: 0,
      flaggedPunches: 1,
    });
  });

  it("groups per employee in the order they come, each with its own totals", () => {
    const groups = totalsByEmployee(rows);
    expect(groups.map((g) => [g.employeeName, g.rows.length, g.totals.daysPresent, g.totals.absences, g.totals.workedMinutes, g.totals.overtimeMinutes])).toEqual([
      ["Ada", 4, 2, 0, 890, 0],
      ["Bo", 3, 1, 1, 540, 60],
    ]);
  });

  it("sums hours and late arrivals per day for the charts, every date present", () => {
    expect(perDay(rows, ["2026-03-01", "2026-03-02", "2026-03-03"])).toEqual([
      { date: "2026-03-01", workedHours: 0, lateArrivals: 0, present: 0 },
      { date: "2026-03-02", workedHours: 16.83, lateArrivals: 1, present: 2 },
      { date: "2026-03-03", workedHours: 7, lateArrivals: 0, present: 1 },
    ]);
  });

  it("writes tab-separated text a spreadsheet pastes cell by cell", () => {
    expect(hours(470)).toBe(7.83);
    expect(toTsv(["Name", "Worked (h)"], [["Lin\tMei", 7.83], ["Bo\nWang", 9]])).toBe("Name\tWorked (h)\nLin Mei\t7.83\nBo Wang\t9\n");
  });
});
