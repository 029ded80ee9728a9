import { and, asc, eq, exists, gte, inArray, lt, or, type SQL } from "drizzle-orm";
import type { DaySummary, EmployeeMonthSummary, TimesheetRow, TodayItem } from "../../shared/api";
import { punchRangeForDays, summarizeDays, type DayPunch } from "../../shared/day";
import type { HolidayCalendar, Schedule } from "../../shared/schedule";
import { workDateOf } from "../../shared/schedule";
import type { Settings } from "../../shared/settings";
import { DAY_MS } from "../../shared/time";
import type { DB } from "../db/client";
import { employees, holidays, punches, schedules } from "../db/schema";
import type { Principal } from "../env";
import { ApiError } from "../errors";
import { policyFrom, policyQuery } from "./policy";
import { toSchedule } from "./records";
import { employeeSchedule, holidayCalendar } from "./rule-context";
import { assertInScope, scopeCondition } from "./scope";

// Reports read days the same way whatever they show: the people in the principal's scope with
// the company policy, schedules and holidays in one batch, then their punches a chunk of
// employees at a time (one query each), summarised by shared/day.ts. The timesheet, the month
// summary and today's board are three views of those days.

/**
 * Employees per punch query. D1 binds at most 100 parameters a statement;
 * a chunk also bounds how much of a month the Worker holds at once.
 */
export const EMPLOYEES_PER_CHUNK = 80;

interface Person {
  id: string;
  name: string;
  timezone: string | null;
  scheduleId: string | null;
}

interface Roster {
  people: Person[];
  policy: Settings;
  scheduleById: Map<string, Schedule>;
  calendar: HolidayCalendar;
}

/**
 * Who a report covers: the principal's scope (a manager's reports), active employees and those
 * who have left but punched in [since, until), or the one employee asked for (404 outside scope).
 */
async function roster(db: DB, principal: Principal, range: { since: number; until: number; employeeId?: string }): Promise<Roster> {
  if (range.employeeId) await assertInScope(db, principal, range.employeeId);
  const inRange = and(gte(punches.effectiveTime, range.since), lt(punches.effectiveTime, range.until));
  const conditions: (SQL | undefined)[] = [
    scopeCondition(principal, employees.id),
    or(eq(employees.active, true), exists(db.select({ one: punches.id }).from(punches).where(and(eq(punches.employeeId, employees.id), inRange)))),
  ];
  if (range.employeeId) conditions.push(eq(employees.id, range.employeeId));
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
  if (range.employeeId && people.length === 0) throw new ApiError(404, "NOT_FOUND", "No such employee.");
  return {
    people,
    policy: policyFrom(settingsRows),
    scheduleById: new Map(scheduleRows.map((r) => [r.id, toSchedule(r)])),
    calendar: holidayCalendar(holidayRows),
  };
}

/** The roster's people a chunk at a time, each with their schedule, zone and punches in the range. */
async function* withPunches(db: DB, r: Roster, since: number, until: number) {
  for (let i = 0; i < r.people.length; i += EMPLOYEES_PER_CHUNK) {
    const chunk = r.people.slice(i, i + EMPLOYEES_PER_CHUNK);
    const found = await db
      .select({ id: punches.id, employeeId: punches.employeeId, kind: punches.kind, effectiveTime: punches.effectiveTime, status: punches.status })
      .from(punches)
      .where(and(inArray(punches.employeeId, chunk.map((p) => p.id)), gte(punches.effectiveTime, since), lt(punches.effectiveTime, until)));
    const byEmployee = new Map<string, DayPunch[]>();
    for (const p of found) {
      const list = byEmployee.get(p.employeeId);
      if (list) list.push(p);
      else byEmployee.set(p.employeeId, [p]);
    }
    yield chunk.map((person) => ({ person, ...employeeSchedule(person, r.scheduleById, r.policy), punches: byEmployee.get(person.id) ?? [] }));
  }
}

export interface ReportRange {
  from: string;
  to: string;
  employeeId?: string;
  now: number;
}

/** Timesheet rows (one per employee per local date, `from`..`to` inclusive), a chunk of employees at a time. */
export async function* timesheetRows(db: DB, principal: Principal, range: ReportRange): AsyncGenerator<TimesheetRow[]> {
  const { since, until } = punchRangeForDays(range.from, range.to);
  const r = await roster(db, principal, { since, until, employeeId: range.employeeId });
  for await (const chunk of withPunches(db, r, since, until)) {
    yield chunk.flatMap(({ person, schedule, tz, punches: found }) =>
      summarizeDays({ schedule, tz, holidays: r.calendar, from: range.from, to: range.to, punches: found, now: range.now }).map((day) => ({
        employeeId: person.id,
        employeeName: person.name,
        ...day,
        timezone: tz,
      })),
    );
  }
}

/** What payroll needs of one employee's days: counts and minutes, summed. */
export function summarizeEmployee(rows: readonly TimesheetRow[]): EmployeeMonthSummary {
  const first = rows[0]!;
  const total: EmployeeMonthSummary = {
    employeeId: first.employeeId,
    employeeName: first.employeeName,
    timezone: first.timezone,
    from: first.date,
    to: rows[rows.length - 1]!.date,
    workDays: 0,
    daysPresent: 0,
    lateCount: 0,
    lateMinutes: 0,
    earlyLeaveCount: 0,
    earlyLeaveMinutes: 0,
    absences: 0,
    incomplete: 0,
    holidays: 0,
    workedMinutes: 0,
    overtimeMinutes: 0,
    flaggedPunches: 0,
  };
  for (const day of rows) {
    const worked = day.status === "present" || day.status === "late" || day.status === "early_leave";
    if (day.status !== "rest_day" && day.status !== "holiday") total.workDays += 1;
    if (worked) total.daysPresent += 1;
    if (day.lateMinutes > 0) total.lateCount += 1;
    if (day.earlyLeaveMinutes > 0) total.earlyLeaveCount += 1;
    if (day.status === "absent") total.absences += 1;
    if (day.status === "incomplete") total.incomplete += 1;
    if (day.status === "holiday") total.holidays += 1;
    total.lateMinutes += day.lateMinutes;
    total.earlyLeaveMinutes += day.earlyLeaveMinutes;
    total.workedMinutes += day.workedMinutes;
    total.overtimeMinutes += day.overtimeMinutes;
    total.flaggedPunches += day.flagged.length;
  }
  return total;
}

/** One summary per employee over the range, from the same days as the timesheet. */
export async function* summaryRows(db: DB, principal: Principal, range: ReportRange): AsyncGenerator<EmployeeMonthSummary[]> {
  for await (const rows of timesheetRows(db, principal, range)) {
    const byEmployee = new Map<string, TimesheetRow[]>();
    for (const row of rows) {
      const list = byEmployee.get(row.employeeId);
      if (list) list.push(row);
      else byEmployee.set(row.employeeId, [row]);
    }
    yield [...byEmployee.values()].map(summarizeEmployee);
  }
}

/**
 * Where everyone in scope stands now, each on their own work day in their own zone: the day so
 * far (shared/day.ts), in or out by their last counted punch, and that punch.
 */
export async function* todayItems(db: DB, principal: Principal, now: number): AsyncGenerator<TodayItem[]> {
  // Two days each side of now cover every zone and an overnight shift's morning.
  const since = now - 2 * DAY_MS;
  const until = now + 2 * DAY_MS;
  const r = await roster(db, principal, { since, until });
  for await (const chunk of withPunches(db, r, since, until)) {
    yield chunk.map(({ person, schedule, tz, punches: found }) => {
      const date = workDateOf(schedule, now, tz, r.calendar);
      const [day] = summarizeDays({ schedule, tz, holidays: r.calendar, from: date, to: date, punches: found, now }) as [DaySummary];
      const last = found
        .filter((p) => p.status !== "rejected" && p.effectiveTime <= now)
        .sort((a, b) => b.effectiveTime - a.effectiveTime || (a.id < b.id ? 1 : -1))[0];
      const lastToday = last && workDateOf(schedule, last.effectiveTime, tz, r.calendar) === date ? last : undefined;
      return {
        employeeId: person.id,
        employeeName: person.name,
        timezone: tz,
        state: lastToday ? lastToday.kind : "none",
        lastPunch: lastToday ? { id: lastToday.id, kind: lastToday.kind, time: lastToday.effectiveTime, status: lastToday.status } : null,
        day,
      };
    });
  }
}
