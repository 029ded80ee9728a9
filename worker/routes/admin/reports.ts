import { and, asc, eq, exists, gte, inArray, lt, or, type SQL } from "drizzle-orm";
import { Hono } from "hono";
import { MAX_REPORT_DAYS, TimesheetQuerySchema, TimesheetSchema, type TimesheetRow } from "../../../shared/api";
import { punchRangeForDays, summarizeDays, type DayPunch } from "../../../shared/day";
import { datesBetween } from "../../../shared/schedule";
import { localDateTime } from "../../../shared/time";
import { employees, holidays, punches, schedules } from "../../db/schema";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { describeRoute } from "../../openapi";
import { policyFrom, policyQuery } from "../../services/policy";
import { toSchedule } from "../../services/records";
import { employeeSchedule, holidayCalendar } from "../../services/rule-context";
import { assertInScope, scopeCondition } from "../../services/scope";
import { validate } from "../../validation";

/**
 * Employees per punch query. D1 binds at most 100 parameters a statement;
 * a chunk also bounds how much of a month the Worker holds at once.
 */
const EMPLOYEES_PER_CHUNK = 80;

const CSV_COLUMNS = [
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

/**
 * A text cell: always quoted, inner quotes doubled, and never a formula when a spreadsheet opens
 * it. Quoting every text cell matters beyond commas: Excel in a locale whose list separator is
 * `;` (or a tab-separated reading) splits an unquoted `Bob;=1+1` into a formula cell, while a
 * separator inside quotes never starts a cell. A leading trigger gets an apostrophe as well.
 */
function csvText(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

function csvRow(row: TimesheetRow): string {
  const time = (ms: number | null) => (ms === null ? "" : localDateTime(ms, row.timezone));
  return [
    csvText(row.employeeId),
    csvText(row.employeeName),
    csvText(row.timezone),
    csvText(row.date),
    csvText(row.status),
    csvText(time(row.firstIn)),
    csvText(time(row.lastOut)),
    row.workedMinutes,
    row.lateMinutes,
    row.earlyLeaveMinutes,
    row.overtimeMinutes,
    csvText(row.flagged.join(" ")),
  ].join(",");
}

export const reportRoutes = new Hono<AppEnv>().get(
  "/timesheet",
  describeRoute({
    summary:
      "Timesheet: one row per employee per local date (from/to inclusive, at most 62 days). CSV is UTF-8 with a BOM and CRLF line ends, times local to each row's zone",
    tags: ["admin", "reports"],
    auth: "console",
    responses: { 200: TimesheetSchema },
    errors: ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "VALIDATION_FAILED"],
  }),
  validate("query", TimesheetQuerySchema),
  async (c) => {
    const { from, to, format, employeeId } = c.req.valid("query");
    const dates = from <= to ? datesBetween(from, to) : [];
    if (dates.length === 0 || dates.length > MAX_REPORT_DAYS) {
      throw new ApiError(400, "VALIDATION_FAILED", `A timesheet covers 1 to ${MAX_REPORT_DAYS} days: from must not be after to.`, {
        issues: [{ path: "to", message: `at most ${MAX_REPORT_DAYS} days after from` }],
      });
    }
    const db = c.var.db;
    const principal = c.var.principal;
    if (employeeId) await assertInScope(db, principal, employeeId);

    const { since, until } = punchRangeForDays(from, to);
    const inRange = and(gte(punches.effectiveTime, since), lt(punches.effectiveTime, until));
    // Active employees, and those who have left but punched in the range.
    const conditions: (SQL | undefined)[] = [
      scopeCondition(principal, employees.id),
      or(
        eq(employees.active, true),
        exists(db.select({ one: punches.id }).from(punches).where(and(eq(punches.employeeId, employees.id), inRange))),
      ),
    ];
    if (employeeId) conditions.push(eq(employees.id, employeeId));
    const [people, settingsRows, scheduleRows, holidayRows] = await db.batch([
      db
        .select({ id: employees.id, name: employees.name, timezone: employees.timezone, scheduleId: employees.scheduleId })
        .from(employees)
        .where(and(...conditions))
        .orderBy(asc(employees.name), asc(employees.id)),
      policyQuery(db),
      db.select().from(schedules),
      db.select({ date: holidays.date, name: holidays.name }).from(holidays),
    ]);
    if (employeeId && people.length === 0) throw new ApiError(404, "NOT_FOUND", "No such employee.");
    const policy = policyFrom(settingsRows);
    const scheduleById = new Map(scheduleRows.map((r) => [r.id, toSchedule(r)]));
    const calendar = holidayCalendar(holidayRows);
    const now = Date.now();

    const chunks: (typeof people)[] = [];
    for (let i = 0; i < people.length; i += EMPLOYEES_PER_CHUNK) chunks.push(people.slice(i, i + EMPLOYEES_PER_CHUNK));

    /** One chunk of employees: one query, then their days. */
    async function rowsOf(chunk: typeof people): Promise<TimesheetRow[]> {
      const found = await db
        .select({ id: punches.id, employeeId: punches.employeeId, kind: punches.kind, effectiveTime: punches.effectiveTime, status: punches.status })
        .from(punches)
        .where(and(inArray(punches.employeeId, chunk.map((p) => p.id)), inRange));
      const byEmployee = new Map<string, DayPunch[]>();
      for (const p of found) {
        const list = byEmployee.get(p.employeeId);
        if (list) list.push(p);
        else byEmployee.set(p.employeeId, [p]);
      }
      const rows: TimesheetRow[] = [];
      for (const person of chunk) {
        const { schedule, tz } = employeeSchedule(person, scheduleById, policy);
        const days = summarizeDays({ schedule, tz, holidays: calendar, from, to, punches: byEmployee.get(person.id) ?? [], now });
        for (const day of days) rows.push({ employeeId: person.id, employeeName: person.name, ...day, timezone: tz });
      }
      return rows;
    }

    const csv = format === "csv";
    const encoder = new TextEncoder();
    let next = 0;
    let wrote = false;
    // Streamed chunk by chunk: a month for a thousand employees is never held whole.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (next === 0) controller.enqueue(encoder.encode(csv ? `\uFEFF${CSV_COLUMNS.join(",")}\r\n` : '{"items":['));
        if (next >= chunks.length) {
          if (!csv) controller.enqueue(encoder.encode("]}"));
          controller.close();
          return;
        }
        const rows = await rowsOf(chunks[next++]!);
        if (rows.length === 0) return;
        const text = csv
          ? rows.map((r) => `${csvRow(r)}\r\n`).join("")
          : (wrote ? "," : "") + rows.map((r) => JSON.stringify(r)).join(",");
        wrote = true;
        controller.enqueue(encoder.encode(text));
      },
    });
    const headers: Record<string, string> = csv
      ? {
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": `attachment; filename="timesheet-${from}-to-${to}.csv"`,
        }
      : { "Content-Type": "application/json; charset=utf-8" };
    return c.body(body, 200, headers);
  },
);
