import { sql } from "drizzle-orm";
import type { PunchKind } from "../../shared/punch";
import { IP_LOCATION_ACCURACY_M, type GeoPoint, type Place } from "../../shared/rules";
import { companySchedule, scheduleZone, type HolidayCalendar, type Schedule } from "../../shared/schedule";
import type { Settings } from "../../shared/settings";
import { DAY_MS, utcDate } from "../../shared/time";
import { type Bound, preparedSql, rowAsJson } from "../db/prepared";
import { eventCountSql, type SecurityAction, windowOf } from "./security";
import { eq } from "drizzle-orm";
import type { DB } from "../db/client";
import { devices, type employees, punches, schedules } from "../db/schema";
import { policyFrom, policyQuery } from "./policy";
import { toSchedule } from "./records";

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

/** The zone an employee's days are judged in (their schedule's, theirs, or the company's), read in one batch. */
export async function employeeZone(db: DB, employee: EmployeeRow): Promise<string> {
  const [scheduleRows, settingsRows] = await db.batch([
    db.select().from(schedules).where(eq(schedules.id, employee.scheduleId ?? "")),
    policyQuery(db),
  ]);
  return employeeSchedule(employee, new Map(scheduleRows.map((r) => [r.id, toSchedule(r)])), policyFrom(settingsRows)).tz;
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

/** A stored punch as idempotency needs it: everything but the signed text. */
export type StoredPunch = Omit<typeof punches.$inferSelect, "signedPunch">;

/** Everything a punch is checked and judged against, as the one statement below returns it. */
export interface RuleContextRows {
  credentials: CredentialRow[];
  /** Earlier copies of the punches (same ids), for idempotency. */
  existing: StoredPunch[];
  policy: unknown;
  schedules: Schedule[];
  sites: (Place & { employeeIds: string[] | null })[];
  networks: { cidr: string; employeeIds: string[] | null }[];
  locations: (Place & { employeeId: string })[];
  holidays: { date: string; name: string }[];
  /** For each punch, its employee's last counted punch before it. */
  previous: TimelineRow[];
  /** Punches refused for their credential from the request's source in the current window (a rate limit). */
  refusals: number;
  /** Failed signatures per credential from the request's source in the current window (a rate limit). */
  assertionFailures: Record<string, number>;
}

/** What the read needs to know of each punch before anything is verified. */
export interface PunchClaim {
  id: string;
  employeeId: string;
  credentialId: string;
  /** Where in time the punch can land at the earliest (bracketing only moves a time later, never past receipt). */
  time: number;
}

/** Refusals for the credential a punch names: they count against the source. */
const CREDENTIAL_REFUSALS: SecurityAction[] = ["security.credential_unknown", "security.credential_revoked", "security.origin_not_allowed"];

const timeline = (alias: string) => sql.raw(`json_object('id', ${alias}.id, 'employeeId', ${alias}.employee_id, 'kind', ${alias}.kind,
  'time', ${alias}.effective_time, 'geoLat', ${alias}.geo_lat, 'geoLon', ${alias}.geo_lon, 'geoAccuracy', ${alias}.geo_accuracy,
  'ipLat', ${alias}.ip_lat, 'ipLon', ${alias}.ip_lon)`);

/**
 * The whole read of a punch request in one statement (one row of JSON columns): the credentials
 * it names with their employees, earlier copies of its punches, the company policy, the rule
 * inputs of its employees, and the source's refusals this window. Nothing here grows with an
 * employee's history or with what an unsigned body claims: rule inputs and earlier punches are
 * read only for employees who own the credential their punch names, and only the one counted
 * punch right before each punch (a step down the (employee, time) index), so at most one row per
 * item of the request. Local D1 charges per statement; this read used to be ten.
 */
const RULE_CONTEXT = preparedSql(
  sql`WITH claims AS (
      SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.employeeId') AS employee_id,
        json_extract(value, '$.credentialId') AS credential_id, json_extract(value, '$.time') AS time
      FROM json_each(${sql.placeholder("claims")})),
    known AS (
      SELECT DISTINCT c.employee_id FROM claims c JOIN devices d ON d.credential_id = c.credential_id AND d.employee_id = c.employee_id)
  SELECT
    (SELECT json_group_array(json_object('device', ${rowAsJson(devices, "d")},
        'employeeActive', json(CASE WHEN e.active THEN 'true' ELSE 'false' END), 'employeeTimezone', e.timezone,
        'employeeScheduleId', e.schedule_id))
      FROM devices d JOIN employees e ON e.id = d.employee_id
      WHERE d.credential_id IN (SELECT credential_id FROM claims)) AS credentials,
    (SELECT json_group_array(${rowAsJson(punches, "x", ["signedPunch"])}) FROM punches x
      WHERE x.id IN (SELECT id FROM claims)) AS existing,
    (SELECT data FROM settings WHERE id = 1) AS policy,
    (SELECT json_group_array(json_object('id', s.id, 'name', s.name, 'timezone', s.timezone, 'kind', s.kind, 'days', json(s.days),
        'graceLateMin', s.grace_late_min, 'graceEarlyMin', s.grace_early_min, 'earliestInMin', s.earliest_in_min,
        'coreStart', s.core_start, 'coreEnd', s.core_end, 'requiredMinutes', s.required_minutes,
        'restDayWorkAllowed', json(CASE WHEN s.rest_day_work_allowed THEN 'true' ELSE 'false' END)))
      FROM schedules s WHERE s.id IN (SELECT schedule_id FROM employees WHERE id IN (SELECT employee_id FROM known))) AS schedules,
    (SELECT json_group_array(json_object('lat', lat, 'lon', lon, 'radiusM', radius_m, 'employeeIds', json(employee_ids))) FROM sites) AS sites,
    (SELECT json_group_array(json_object('cidr', cidr, 'employeeIds', json(employee_ids))) FROM networks) AS networks,
    (SELECT json_group_array(json_object('employeeId', employee_id, 'lat', lat, 'lon', lon, 'radiusM', radius_m))
      FROM employee_locations WHERE employee_id IN (SELECT employee_id FROM known)) AS locations,
    (SELECT json_group_array(json_object('date', date, 'name', name))
      FROM holidays WHERE date >= ${sql.placeholder("holidaysFrom")} AND date <= ${sql.placeholder("holidaysTo")}) AS holidays,
    (SELECT json_group_array(${timeline("p")}) FROM punches p WHERE p.id IN (
      SELECT (SELECT q.id FROM punches q WHERE q.employee_id = c.employee_id AND q.effective_time <= c.time AND q.status <> 'rejected'
                AND (q.effective_time < c.time OR (q.effective_time = c.time AND q.id < c.id))
              ORDER BY q.effective_time DESC, q.id DESC LIMIT 1)
      FROM claims c WHERE c.employee_id IN (SELECT employee_id FROM known))) AS previous,
    ${eventCountSql(CREDENTIAL_REFUSALS)} AS refusals,
    (SELECT json_group_object(substr(source, length(${sql.placeholder("source")}) + 2), count) FROM security_events
      WHERE window_start = ${sql.placeholder("windowStart")} AND action = 'security.assertion_invalid'
        AND source IN (SELECT ${sql.placeholder("source")} || ' ' || credential_id FROM claims)) AS assertionFailures`,
  (result): RuleContextRows => {
    const row = (result.results[0] ?? {}) as Record<string, string | number | null>;
    const list = <T>(text: unknown): T[] => (typeof text === "string" ? (JSON.parse(text) as T[]) : []);
    return {
      credentials: list(row.credentials),
      existing: list(row.existing),
      policy: typeof row.policy === "string" ? JSON.parse(row.policy) : undefined,
      schedules: list(row.schedules),
      sites: list(row.sites),
      networks: list(row.networks),
      locations: list(row.locations),
      holidays: list(row.holidays),
      previous: list(row.previous),
      refusals: Number(row.refusals ?? 0),
      assertionFailures: typeof row.assertionFailures === "string" ? JSON.parse(row.assertionFailures) : {},
    };
  },
);

/** The punch request's one read with its values (see RULE_CONTEXT). */
export function ruleContextQuery(claims: readonly PunchClaim[], source: string, receivedAt: number): Bound<RuleContextRows> {
  const times = claims.map((c) => c.time);
  return [
    RULE_CONTEXT,
    {
      claims: JSON.stringify(claims),
      // Two days each side cover every zone and the day before an overnight shift.
      holidaysFrom: utcDate(Math.min(...times) - 2 * DAY_MS),
      holidaysTo: utcDate(Math.max(...times) + 2 * DAY_MS),
      windowStart: windowOf(receivedAt),
      source,
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
 * What the rules need per employee, from `ruleContextQuery`'s result, and a
 * timeline of counted punches that new punches join as they are judged.
 */
export function ruleContextFrom(rows: RuleContextRows, settings: Settings) {
  const { sites: siteRows, networks: networkRows, locations: locationRows } = rows;
  const scheduleById = new Map(rows.schedules.map((s) => [s.id, s]));
  const holidaysByDate = holidayCalendar(rows.holidays);
  const applies = (employeeIds: string[] | null, id: string) => employeeIds === null || employeeIds.includes(id);

  const timeline = new Map<string, TimelinePunch[]>();
  const add = (row: TimelineRow) => {
    const list = timeline.get(row.employeeId) ?? [];
    list.push({ id: row.id, kind: row.kind, time: row.time, location: storedLocation(row) });
    timeline.set(row.employeeId, list);
  };
  for (const row of rows.previous) add(row);
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
