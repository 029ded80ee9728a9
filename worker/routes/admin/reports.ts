import { Hono } from "hono";
import {
  type EmployeeMonthSummary,
  MAX_REPORT_DAYS,
  SummaryListSchema,
  TimesheetQuerySchema,
  TimesheetSchema,
  type TimesheetRow,
  TodaySchema,
} from "../../../shared/api";
import type { ErrorCode } from "../../../shared/errors";
import { datesBetween } from "../../../shared/schedule";
import { localDateTime } from "../../../shared/time";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi";
import { csvHeaders, csvStream, jsonItemsStream, primed } from "../../services/csv";
import { summaryRows, timesheetRows, todayItems } from "../../services/timesheet";
import { validate } from "../../validation";

const ERRORS: ErrorCode[] = ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "VALIDATION_FAILED"];

const TIMESHEET_COLUMNS = [
  "employeeId",
  "employeeName",
  "timezone",
  "date",
  "status",
  "firstIn",
  "lastOut",
  "workedMinutes",
  "lateMinutes",
  "earlyLeaveMinutes",
  "overtimeMinutes",
  "flagged",
] as const;

function timesheetCells(row: TimesheetRow) {
  const time = (ms: number | null) => (ms === null ? "" : localDateTime(ms, row.timezone));
  return [
    row.employeeId,
    row.employeeName,
    row.timezone,
    row.date,
    row.status,
    time(row.firstIn),
    time(row.lastOut),
    row.workedMinutes,
    row.lateMinutes,
    row.earlyLeaveMinutes,
    row.overtimeMinutes,
    row.flagged.join(" "),
  ];
}

const SUMMARY_COLUMNS = [
  "employeeId",
  "employeeName",
  "timezone",
  "from",
  "to",
  "workDays",
  "daysPresent",
  "lateCount",
  "lateMinutes",
  "earlyLeaveCount",
  "earlyLeaveMinutes",
  "absences",
  "incomplete",
  "holidays",
  "workedHours",
  "overtimeHours",
  "flaggedPunches",
] as const;

const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;

function summaryCells(s: EmployeeMonthSummary) {
  return [
    s.employeeId,
    s.employeeName,
    s.timezone,
    s.from,
    s.to,
    s.workDays,
    s.daysPresent,
    s.lateCount,
    s.lateMinutes,
    s.earlyLeaveCount,
    s.earlyLeaveMinutes,
    s.absences,
    s.incomplete,
    s.holidays,
    hours(s.workedMinutes),
    hours(s.overtimeMinutes),
    s.flaggedPunches,
  ];
}

/** from..to, inclusive, at most MAX_REPORT_DAYS days. */
function checkRange(from: string, to: string) {
  const dates = from <= to ? datesBetween(from, to) : [];
  if (dates.length === 0 || dates.length > MAX_REPORT_DAYS) {
    throw new ApiError(400, "VALIDATION_FAILED", `A report covers 1 to ${MAX_REPORT_DAYS} days: from must not be after to.`, {
      issues: [{ path: "to", message: `at most ${MAX_REPORT_DAYS} days after from` }],
    });
  }
}

/** Maps each batch of a generator. */
async function* mapBatches<T, U>(batches: AsyncIterable<T[]>, map: (item: T) => U): AsyncGenerator<U[]> {
  for await (const batch of batches) yield batch.map(map);
}

export const reportRoutes = new Hono<AppEnv>()
  .get(
    "/timesheet",
    describeRoute({
      summary:
        "Timesheet: one row per employee per local date (from/to inclusive, at most 62 days). CSV is UTF-8 with a BOM and CRLF line ends, times local to each row's zone",
      tags: ["admin", "reports"],
      auth: "console",
      responses: { 200: TimesheetSchema },
      errors: ERRORS,
    }),
    validate("query", TimesheetQuerySchema),
    async (c) => {
      const { from, to, format, employeeId } = c.req.valid("query");
      checkRange(from, to);
      const rows = await primed(timesheetRows(c.var.db, c.var.principal, { from, to, employeeId, now: Date.now() }));
      // Streamed a chunk of employees at a time: a month for a thousand employees is never held whole.
      if (format === "csv") {
        return c.body(csvStream(TIMESHEET_COLUMNS, mapBatches(rows, timesheetCells)), 200, csvHeaders(`timesheet-${from}-to-${to}.csv`));
      }
      return c.body(jsonItemsStream(rows), 200, { "Content-Type": "application/json; charset=utf-8" });
    },
  )
  .get(
    "/summary",
    describeRoute({
      summary: "Per employee over a range (a month for payroll): days present, late and early-leave counts and minutes, absences, worked and overtime hours",
      tags: ["admin", "reports"],
      auth: "console",
      responses: { 200: SummaryListSchema },
      errors: ERRORS,
    }),
    validate("query", TimesheetQuerySchema),
    async (c) => {
      const { from, to, format, employeeId } = c.req.valid("query");
      checkRange(from, to);
      const rows = await primed(summaryRows(c.var.db, c.var.principal, { from, to, employeeId, now: Date.now() }));
      if (format === "csv") {
        return c.body(csvStream(SUMMARY_COLUMNS, mapBatches(rows, summaryCells)), 200, csvHeaders(`summary-${from}-to-${to}.csv`));
      }
      return c.body(jsonItemsStream(rows), 200, { "Content-Type": "application/json; charset=utf-8" });
    },
  );

/** Today's board: everyone in scope, where they stand now, with counts. */
export const todayRoutes = new Hono<AppEnv>().get(
  "/",
  describeRoute({
    summary: "Where everyone in scope stands now: in or out, late, absent, on holiday or a rest day, flagged punches, with counts",
    tags: ["admin", "reports"],
    auth: "console",
    responses: { 200: TodaySchema },
    errors: ["UNAUTHENTICATED", "FORBIDDEN"],
  }),
  async (c) => {
    const now = Date.now();
    const items = [];
    for await (const batch of todayItems(c.var.db, c.var.principal, now)) items.push(...batch);
    const byStatus: Record<string, number> = {};
    for (const item of items) byStatus[item.day.status] = (byStatus[item.day.status] ?? 0) + 1;
    return c.json({
      now,
      counts: {
        in: items.filter((i) => i.state === "in").length,
        out: items.filter((i) => i.state === "out").length,
        byStatus,
        flagged: items.filter((i) => i.day.flagged.length > 0).length,
      },
      items,
    });
  },
);
