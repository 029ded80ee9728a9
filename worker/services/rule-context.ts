import { sql } from "drizzle-orm";
import type { PunchKind } from "../../shared/punch";
import { IP_LOCATION_ACCURACY_M, type GeoPoint, type Place } from "../../shared/rules";
import { companySchedule, scheduleZone, type HolidayCalendar, type Schedule } from "../../shared/schedule";
import type { Settings } from "../../shared/settings";
import { DAY_MS, utcDate } from "../../shared/time";
import { type Bound, preparedSql, rowAsJson } from "../db/prepared";
import { devices, type employees, punches } from "../db/schema";

type EmployeeRow = Pick<typeof employees.$inferSelect, "id" | "timezone" | "scheduleId">;

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

/** A stored punch as the rule context reads it. */
interface TimelineRow {
  id: string;
  employeeId: string;
  kind: PunchKind;
  time: number;
  geoLat: number | null;
  geoLon: number | null;
  geoAccuracy: number | null;
  ipLat: number | null;
  ipLon: number | null;
}

/** A credential the punch names, with what the rules need of its employee. */
export interface CredentialRow {
  device: typeof devices.$inferSelect;
  employeeActive: boolean;
  employeeTimezone: string | null;
  employeeScheduleId: string | null;
}

/** Everything a punch is checked and judged against, as the one statement below returns it. */
export interface RuleContextRows {
  credentials: CredentialRow[];
  /** Earlier copies of the punches (same ids), for idempotency. */
  existing: (typeof punches.$inferSelect)[];
  policy: unknown;
  schedules: Schedule[];
  sites: (Place & { employeeIds: string[] | null })[];
  networks: { cidr: string; employeeIds: string[] | null }[];
  locations: (Place & { employeeId: string })[];
  holidays: { date: string; name: string }[];
  recent: TimelineRow[];
  lastBefore: TimelineRow[];
}

const timeline = (alias: string) => sql.raw(`json_object('id', ${alias}.id, 'employeeId', ${alias}.employee_id, 'kind', ${alias}.kind,
  'time', ${alias}.effective_time, 'geoLat', ${alias}.geo_lat, 'geoLon', ${alias}.geo_lon, 'geoAccuracy', ${alias}.geo_accuracy,
  'ipLat', ${alias}.ip_lat, 'ipLon', ${alias}.ip_lon)`);
const employeeIds = sql`(SELECT value FROM json_each(${sql.placeholder("employeeIds")}))`;

/**
 * The whole read of a punch request in one statement (one row of JSON columns): the
 * credentials it names with their employees, earlier copies of its punches, the company policy
 * and every rule input for its employees. Local D1 charges per statement, and this read used to
 * be ten. Schedules, sites, networks, their places, the holidays around the punches, their
 * counted punches from `since` on, and each one's last counted punch before it (straight down
 * the (employee, time) index), so every new punch finds the one before it.
 */
const RULE_CONTEXT = preparedSql(
  sql`SELECT
    (SELECT json_group_array(json_object('device', ${rowAsJson(devices, "d")},
        'employeeActive', json(CASE WHEN e.active THEN 'true' ELSE 'false' END), 'employeeTimezone', e.timezone,
        'employeeScheduleId', e.schedule_id))
      FROM devices d JOIN employees e ON e.id = d.employee_id
      WHERE d.credential_id IN (SELECT value FROM json_each(${sql.placeholder("credentialIds")}))) AS credentials,
    (SELECT json_group_array(${rowAsJson(punches, "x")}) FROM punches x
      WHERE x.id IN (SELECT value FROM json_each(${sql.placeholder("punchIds")}))) AS existing,
    (SELECT data FROM settings WHERE id = 1) AS policy,
    (SELECT json_group_array(json_object('id', s.id, 'name', s.name, 'timezone', s.timezone, 'kind', s.kind, 'days', json(s.days),
        'graceLateMin', s.grace_late_min, 'graceEarlyMin', s.grace_early_min, 'earliestInMin', s.earliest_in_min,
        'coreStart', s.core_start, 'coreEnd', s.core_end, 'requiredMinutes', s.required_minutes,
        'restDayWorkAllowed', json(CASE WHEN s.rest_day_work_allowed THEN 'true' ELSE 'false' END)))
      FROM schedules s WHERE s.id IN (SELECT schedule_id FROM employees WHERE id IN ${employeeIds})) AS schedules,
    (SELECT json_group_array(json_object('lat', lat, 'lon', lon, 'radiusM', radius_m, 'employeeIds', json(employee_ids))) FROM sites) AS sites,
    (SELECT json_group_array(json_object('cidr', cidr, 'employeeIds', json(employee_ids))) FROM networks) AS networks,
    (SELECT json_group_array(json_object('employeeId', employee_id, 'lat', lat, 'lon', lon, 'radiusM', radius_m))
      FROM employee_locations WHERE employee_id IN ${employeeIds}) AS locations,
    (SELECT json_group_array(json_object('date', date, 'name', name))
      FROM holidays WHERE date >= ${sql.placeholder("holidaysFrom")} AND date <= ${sql.placeholder("holidaysTo")}) AS holidays,
    (SELECT json_group_array(${timeline("p")}) FROM punches p
      WHERE p.employee_id IN ${employeeIds} AND p.effective_time >= ${sql.placeholder("since")}
        AND p.effective_time <= ${sql.placeholder("until")} AND p.status <> 'rejected') AS recent,
    (SELECT json_group_array(${timeline("p")}) FROM punches p WHERE p.id IN (
      SELECT (SELECT q.id FROM punches q WHERE q.employee_id = e.value AND q.effective_time < ${sql.placeholder("since")}
                AND q.status <> 'rejected' ORDER BY q.effective_time DESC LIMIT 1)
      FROM json_each(${sql.placeholder("employeeIds")}) e)) AS lastBefore`,
  (result): RuleContextRows => {
    const row = (result.results[0] ?? {}) as Record<string, string | null>;
    const list = <T>(text: string | null | undefined): T[] => (text ? (JSON.parse(text) as T[]) : []);
    return {
      credentials: list(row.credentials),
      existing: list(row.existing),
      policy: row.policy ? JSON.parse(row.policy) : undefined,
      schedules: list(row.schedules),
      sites: list(row.sites),
      networks: list(row.networks),
      locations: list(row.locations),
      holidays: list(row.holidays),
      recent: list(row.recent),
      lastBefore: list(row.lastBefore),
    };
  },
);

/** The punch request's one read with its values (see RULE_CONTEXT). */
export function ruleContextQuery(
  request: { credentialIds: readonly string[]; punchIds: readonly string[]; employeeIds: readonly string[] },
  since: number,
  until: number,
): Bound<RuleContextRows> {
  return [
    RULE_CONTEXT,
    {
      credentialIds: JSON.stringify(request.credentialIds),
      punchIds: JSON.stringify(request.punchIds),
      employeeIds: JSON.stringify(request.employeeIds),
      since,
      until,
      // Queued punches may be up to the offline window (at most 31 days) old; a day each side covers every zone.
      holidaysFrom: utcDate(since - 32 * DAY_MS),
      holidaysTo: utcDate(until + DAY_MS),
    },
  ];
}

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
export function ruleContextFrom(rows: RuleContextRows, settings: Settings) {
  const { sites: siteRows, networks: networkRows, locations: locationRows, recent: recentRows, lastBefore: lastRows } = rows;
  const scheduleById = new Map(rows.schedules.map((s) => [s.id, s]));
  const holidaysByDate = holidayCalendar(rows.holidays);
  const applies = (employeeIds: string[] | null, id: string) => employeeIds === null || employeeIds.includes(id);

  const timeline = new Map<string, TimelinePunch[]>();
  const add = (row: TimelineRow) => {
    const list = timeline.get(row.employeeId) ?? [];
    list.push({ id: row.id, kind: row.kind, time: row.time, location: storedLocation(row) });
    timeline.set(row.employeeId, list);
  };
  for (const row of lastRows) add(row);
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
