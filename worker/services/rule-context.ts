import { and, asc, desc, eq, gte, inArray, lt, lte, ne } from "drizzle-orm";
import type { PunchKind } from "../../shared/punch";
import { IP_LOCATION_ACCURACY_M, type GeoPoint, type Place } from "../../shared/rules";
import { companySchedule, scheduleZone, type HolidayCalendar, type Schedule } from "../../shared/schedule";
import type { Settings } from "../../shared/settings";
import { DAY_MS, utcDate } from "../../shared/time";
import type { DB } from "../db/client";
import { employeeLocations, employees, holidays, networks, punches, schedules, sites } from "../db/schema";

type ScheduleRow = typeof schedules.$inferSelect;
type EmployeeRow = Pick<typeof employees.$inferSelect, "id" | "timezone" | "scheduleId">;

/** A schedule row as the rules see it. */
export function toSchedule(row: ScheduleRow): Schedule {
  return {
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    kind: row.kind,
    days: row.days,
    graceLateMin: row.graceLateMin,
    graceEarlyMin: row.graceEarlyMin,
    earliestInMin: row.earliestInMin,
    coreStart: row.coreStart,
    coreEnd: row.coreEnd,
    requiredMinutes: row.requiredMinutes,
    restDayWorkAllowed: row.restDayWorkAllowed,
  };
}

/** The schedule an employee works to and the zone it is read in. */
export function employeeSchedule(
  employee: EmployeeRow,
  byId: ReadonlyMap<string, Schedule>,
  settings: Pick<Settings, "workday" | "defaultTimezone">,
): { schedule: Schedule; tz: string } {
  const schedule = (employee.scheduleId && byId.get(employee.scheduleId)) || companySchedule(settings.workday);
  return { schedule, tz: scheduleZone(schedule, employee.timezone, settings.defaultTimezone) };
}

/**
 * The hours the extension's reminders follow: the schedule's most common
 * start and end, on every weekday it has a shift.
 */
export function workdayOf(schedule: Schedule): { start: string; end: string; days: number[] } {
  const counts = new Map<string, number>();
  for (const d of schedule.days) counts.set(`${d.start}-${d.end}`, (counts.get(`${d.start}-${d.end}`) ?? 0) + 1);
  const [common] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const [start, end] = (common?.[0] ?? "09:00-18:00").split("-") as [string, string];
  return { start, end, days: schedule.days.map((d) => d.weekday).sort((a, b) => a - b) };
}

export function holidayCalendar(rows: readonly { date: string; name: string }[]): HolidayCalendar {
  return new Map(rows.map((r) => [r.date, r.name]));
}

/** A counted punch the rules compare a new one with. */
export interface TimelinePunch {
  id: string;
  kind: PunchKind;
  time: number;
  location: (GeoPoint & { accuracy: number }) | null;
}

/** Where a stored punch was: the browser's fix, else the IP's city-level position. */
export function storedLocation(row: {
  geoLat: number | null;
  geoLon: number | null;
  geoAccuracy: number | null;
  ipLat: number | null;
  ipLon: number | null;
}): TimelinePunch["location"] {
  if (row.geoLat !== null && row.geoLon !== null) return { lat: row.geoLat, lon: row.geoLon, accuracy: row.geoAccuracy ?? 0 };
  if (row.ipLat !== null && row.ipLon !== null) return { lat: row.ipLat, lon: row.ipLon, accuracy: IP_LOCATION_ACCURACY_M };
  return null;
}

const timelineColumns = {
  id: punches.id,
  employeeId: punches.employeeId,
  kind: punches.kind,
  time: punches.effectiveTime,
  geoLat: punches.geoLat,
  geoLon: punches.geoLon,
  geoAccuracy: punches.geoAccuracy,
  ipLat: punches.ipLat,
  ipLon: punches.ipLon,
};

/**
 * The statements a punch request adds to its one batched read, for the
 * employees it names: their schedules, places, networks, the holidays around
 * now, and their counted punches from `since` on plus the last one before it
 * (so every new punch finds the one before it, however the batch is ordered).
 */
export function ruleContextQueries(db: DB, employeeIds: readonly string[], since: number, until: number) {
  const ids = [...employeeIds];
  const counted = ne(punches.status, "rejected");
  return [
    db
      .select()
      .from(schedules)
      .where(inArray(schedules.id, db.select({ id: employees.scheduleId }).from(employees).where(inArray(employees.id, ids)))),
    db.select().from(sites),
    db.select().from(networks),
    db.select().from(employeeLocations).where(inArray(employeeLocations.employeeId, ids)),
    // Queued punches may be up to the offline window (at most 31 days) old; a day each side covers every zone.
    db
      .select({ date: holidays.date, name: holidays.name })
      .from(holidays)
      .where(and(gte(holidays.date, utcDate(since - 32 * DAY_MS)), lte(holidays.date, utcDate(until + DAY_MS)))),
    db
      .select(timelineColumns)
      .from(punches)
      .where(and(inArray(punches.employeeId, ids), gte(punches.effectiveTime, since), lte(punches.effectiveTime, until), counted))
      .orderBy(asc(punches.effectiveTime), asc(punches.id)),
    ...ids.map((id) =>
      db
        .select(timelineColumns)
        .from(punches)
        .where(and(eq(punches.employeeId, id), lt(punches.effectiveTime, since), counted))
        .orderBy(desc(punches.effectiveTime), desc(punches.id))
        .limit(1),
    ),
  ] as const;
}

type Results<T> = { [K in keyof T]: T[K] extends PromiseLike<infer R> ? R : never };
type QueryResults = Results<ReturnType<typeof ruleContextQueries>>;

export interface EmployeeRules {
  schedule: Schedule;
  tz: string;
  places: Place[];
  networks: string[];
}

/**
 * What the rules need per employee, from `ruleContextQueries`' results, and a
 * timeline of counted punches that new punches join as they are judged.
 */
export function ruleContextFrom(results: readonly unknown[], settings: Settings) {
  const [scheduleRows, siteRows, networkRows, locationRows, holidayRows, recentRows, ...lastRows] = results as unknown as QueryResults;
  const scheduleById = new Map((scheduleRows as ScheduleRow[]).map((r) => [r.id, toSchedule(r)]));
  const holidaysByDate = holidayCalendar(holidayRows);
  const applies = (employeeIds: string[] | null, id: string) => employeeIds === null || employeeIds.includes(id);

  const timeline = new Map<string, TimelinePunch[]>();
  type TimelineRow = (typeof recentRows)[number];
  const add = (row: TimelineRow) => {
    const list = timeline.get(row.employeeId) ?? [];
    list.push({ id: row.id, kind: row.kind, time: row.time, location: storedLocation(row) });
    timeline.set(row.employeeId, list);
  };
  for (const rows of lastRows) for (const row of rows as TimelineRow[]) add(row);
  for (const row of recentRows) add(row);
  const before = (a: { time: number; id: string }, b: { time: number; id: string }) => a.time < b.time || (a.time === b.time && a.id < b.id);

  return {
    holidays: holidaysByDate,
    forEmployee(employee: EmployeeRow): EmployeeRules {
      const { schedule, tz } = employeeSchedule(employee, scheduleById, settings);
      return {
        schedule,
        tz,
        places: [
          ...siteRows.filter((s) => applies(s.employeeIds, employee.id)),
          ...locationRows.filter((l) => l.employeeId === employee.id),
        ].map((p) => ({ lat: p.lat, lon: p.lon, radiusM: p.radiusM })),
        networks: networkRows.filter((n) => applies(n.employeeIds, employee.id)).map((n) => n.cidr),
      };
    },
    /** The employee's last counted punch before this one. */
    previous(employeeId: string, punch: { time: number; id: string }): TimelinePunch | null {
      const list = timeline.get(employeeId) ?? [];
      let found: TimelinePunch | null = null;
      for (const p of list) if (before(p, punch) && (found === null || before(found, p))) found = p;
      return found;
    },
    /** A newly judged punch that counts joins the timeline for the ones after it. */
    record(employeeId: string, punch: TimelinePunch) {
      const list = timeline.get(employeeId) ?? [];
      list.push(punch);
      timeline.set(employeeId, list);
    },
  };
}
