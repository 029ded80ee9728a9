import { tzOffset } from "@date-fns/tz";
import { z } from "zod";
import { DAY_MS, isValidTimeZone, MINUTE_MS, utcDate } from "./time";

/** Wall-clock time of day, `HH:MM` (24 h). */
export const ClockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24 h)");

export const ScheduleDaySchema = z.strictObject({
  /** ISO weekday: Monday = 1 … Sunday = 7. */
  weekday: z.number().int().min(1).max(7),
  start: ClockTimeSchema,
  /** An end before the start is an overnight shift belonging to the start day. */
  end: ClockTimeSchema,
});
export type ScheduleDay = z.infer<typeof ScheduleDaySchema>;

const Minutes = (max: number) => z.number().int().min(0).max(max);

/** The fields of a weekly pattern, as an admin writes them. */
export const ScheduleFieldsSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  /** The zone the times are in; without one, each employee's own zone. */
  timezone: z.string().min(1).max(64).refine(isValidTimeZone, "must be an IANA time zone").nullable().optional(),
  kind: z.enum(["fixed", "flexible"]),
  days: z.array(ScheduleDaySchema).max(7),
  graceLateMin: Minutes(240),
  graceEarlyMin: Minutes(240),
  /** How long before the start one may clock in; earlier is `outside_window`. */
  earliestInMin: Minutes(720),
  /** Flexible schedules: the hours everyone is present. */
  coreStart: ClockTimeSchema.nullable().optional(),
  coreEnd: ClockTimeSchema.nullable().optional(),
  /** Minutes of work a day asks for; without it, the shift's length. */
  requiredMinutes: z.number().int().min(1).max(24 * 60).nullable().optional(),
  /** Whether punching on a day without a shift (rest day, holiday) is expected; otherwise `outside_window`. */
  restDayWorkAllowed: z.boolean().optional(),
});

/** A whole schedule, checked across fields. */
export const ScheduleInputSchema = ScheduleFieldsSchema.superRefine((s, ctx) => {
  const seen = new Set<number>();
  s.days.forEach((d, i) => {
    if (seen.has(d.weekday)) ctx.addIssue({ code: "custom", path: ["days", i, "weekday"], message: "each weekday at most once" });
    seen.add(d.weekday);
    if (d.start === d.end) ctx.addIssue({ code: "custom", path: ["days", i, "end"], message: "must differ from start" });
  });
  if ((s.coreStart == null) !== (s.coreEnd == null)) {
    ctx.addIssue({ code: "custom", path: ["coreEnd"], message: "coreStart and coreEnd go together" });
  }
});
export type ScheduleInput = z.infer<typeof ScheduleInputSchema>;

/** A schedule as the rules and day summaries see it: every optional field resolved. */
export interface Schedule {
  id: string;
  name: string;
  timezone: string | null;
  kind: "fixed" | "flexible";
  days: ScheduleDay[];
  graceLateMin: number;
  graceEarlyMin: number;
  /** Null: no earliest clock-in (the company's default hours). */
  earliestInMin: number | null;
  coreStart: string | null;
  coreEnd: string | null;
  requiredMinutes: number | null;
  restDayWorkAllowed: boolean;
}

/** One day's shift as instants (epoch ms), resolved in a time zone. */
export interface Shift {
  /** The local date the shift belongs to (its start day). */
  date: string;
  start: number;
  end: number;
  /** Core hours (flexible schedules), when set. */
  coreStart: number | null;
  coreEnd: number | null;
  /** Minutes of work the day asks for: `requiredMinutes`, or the shift's length. */
  requiredMinutes: number;
}

/** What a day is under a schedule. */
export type DayPlan =
  | { kind: "shift"; shift: Shift }
  | { kind: "holiday"; name: string }
  | { kind: "rest" };

/** Holidays of the company calendar, by local date. */
export type HolidayCalendar = ReadonlyMap<string, string>;

/** The company's working hours (settings) as the schedule of employees who have none. */
export function companySchedule(workday: { start: string; end: string; days: readonly number[] }): Schedule {
  return {
    id: "company",
    name: "Company hours",
    timezone: null,
    kind: "fixed",
    days: workday.days.map((weekday) => ({ weekday, start: workday.start, end: workday.end })),
    graceLateMin: 0,
    graceEarlyMin: 0,
    earliestInMin: null,
    coreStart: null,
    coreEnd: null,
    requiredMinutes: null,
    restDayWorkAllowed: true,
  };
}

/**
 * The zone a schedule is read in: the schedule's own, else the employee's,
 * else the company default. The device's reported zone never decides it.
 */
export function scheduleZone(schedule: Pick<Schedule, "timezone">, employeeZone: string | null, defaultZone: string): string {
  return schedule.timezone ?? employeeZone ?? defaultZone;
}

// ---- calendar dates (YYYY-MM-DD) ----------------------------------------------------

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const year = (date: string) => digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3);
const month = (date: string) => digit(date, 5) * 10 + digit(date, 6);
const dayOfMonth = (date: string) => digit(date, 8) * 10 + digit(date, 9);
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** A local date `days` calendar days after `date` (negative: before). No time zone involved. */
export function addDays(date: string, days: number): string {
  const d = dayOfMonth(date) + days;
  // Every month has 28 days: most steps stay inside one and need no Date.
  if (d >= 1 && d <= 28) return date.slice(0, 8) + pad2(d);
  const t = new Date(Date.UTC(year(date), month(date) - 1, d));
  return `${String(t.getUTCFullYear()).padStart(4, "0")}-${pad2(t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())}`;
}

/** The ISO weekday of a local date: Monday = 1 … Sunday = 7. */
export function isoWeekday(date: string): number {
  const days = Math.floor(Date.UTC(year(date), month(date) - 1, dayOfMonth(date)) / DAY_MS);
  return ((days % 7) + 10) % 7 + 1; // 1970-01-01 was a Thursday
}

/** The local dates from `from` to `to`, both included; empty when `to` is before `from`. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) dates.push(d);
  return dates;
}

// ---- instants in a zone -----------------------------------------------------------

const INSTANT_CACHE_MAX = 50_000;
/** zone → "HH:MM" → date → instant; nested so that lookups hash short strings. */
const instantCache = new Map<string, Map<string, Map<string, number>>>();
let instantCacheSize = 0;

/**
 * Epoch ms of wall-clock `time` (`HH:MM`) on local `date` in `tz`.
 *
 * A wall time a DST jump skips resolves forward by the gap (02:30 on New York's
 * spring-forward day is 03:30 EDT); one that occurs twice resolves to the earlier
 * occurrence (02:30 on Berlin's fall-back day is 02:30 CEST): what `TZDate` and
 * native `Date` do when the host runs in that zone (Temporal's "compatible"). The
 * offsets come from @date-fns/tz's `tzOffset` at candidate instants, not from
 * `TZDate`'s field constructor, whose answer for those hours depends on the host's
 * own zone. Memoized: the timesheet asks for the same few times ~100k times.
 *
 * @throws RangeError for a zone the runtime does not know.
 */
export function zonedInstant(date: string, time: string, tz: string): number {
  let byDate = instantCache.get(tz)?.get(time);
  const cached = byDate?.get(date);
  if (cached !== undefined) return cached;

  const wall = Date.UTC(year(date), month(date) - 1, dayOfMonth(date), digit(time, 0) * 10 + digit(time, 1), digit(time, 3) * 10 + digit(time, 4));
  const offsetMs = (at: number) => Math.round(tzOffset(tz, new Date(at)) * MINUTE_MS);
  // A zone changes its offset at most once around a wall time, so the offsets a
  // day either side are the only candidates.
  const before = offsetMs(wall - DAY_MS);
  const after = offsetMs(wall + DAY_MS);
  if (Number.isNaN(before) || Number.isNaN(after)) throw new RangeError(`unknown time zone: ${tz}`);
  const early = Math.min(wall - before, wall - after);
  const late = Math.max(wall - before, wall - after);
  // Neither reads back as `wall`: it was skipped, and the offset before the gap moves it past the gap.
  const instant = early + offsetMs(early) === wall ? early : late + offsetMs(late) === wall ? late : wall - before;

  if (instantCacheSize >= INSTANT_CACHE_MAX) {
    instantCache.clear();
    instantCacheSize = 0;
    byDate = undefined;
  }
  if (byDate) byDate.set(date, instant);
  else {
    let byTime = instantCache.get(tz);
    if (!byTime) instantCache.set(tz, (byTime = new Map()));
    byTime.set(time, new Map([[date, instant]]));
  }
  instantCacheSize++;
  return instant;
}

/** The local date (`YYYY-MM-DD`) of an instant in `tz`. */
function zonedDate(instant: number, tz: string): string {
  // The wall clock is the instant moved by the zone's offset at that instant (cheaper than a TZDate).
  return utcDate(instant + Math.round(tzOffset(tz, new Date(instant)) * MINUTE_MS));
}

// ---- days under a schedule ----------------------------------------------------------

/** The schedule's shift on `date`, or null on a holiday or a day without one. */
function shiftDay(schedule: Pick<Schedule, "days">, date: string, holidays: HolidayCalendar): ScheduleDay | null {
  if (holidays.has(date)) return null;
  const weekday = isoWeekday(date);
  for (const day of schedule.days) if (day.weekday === weekday) return day;
  return null;
}

/** An end at or before the start on the clock: the shift ends on the next date. */
const isOvernight = (day: ScheduleDay) => day.end <= day.start;

function resolvePlan(schedule: Schedule, date: string, next: string, day: ScheduleDay | null, tz: string, holidays: HolidayCalendar): DayPlan {
  const name = holidays.get(date);
  if (name !== undefined) return { kind: "holiday", name };
  if (!day) return { kind: "rest" };

  const overnight = isOvernight(day);
  // Clock times of the shift, those after midnight of an overnight shift on the next date.
  const onShift = (time: string) => zonedInstant(overnight && time < day.start ? next : date, time, tz);
  const start = zonedInstant(date, day.start, tz);
  // Max: a start pushed forward past a DST gap could land after the end.
  const end = Math.max(start, zonedInstant(overnight ? next : date, day.end, tz));
  const hasCore = schedule.coreStart != null && schedule.coreEnd != null;
  return {
    kind: "shift",
    shift: {
      date,
      start,
      end,
      coreStart: hasCore ? onShift(schedule.coreStart!) : null,
      coreEnd: hasCore ? onShift(schedule.coreEnd!) : null,
      requiredMinutes: schedule.requiredMinutes ?? Math.round((end - start) / MINUTE_MS),
    },
  };
}

/**
 * Where work day `date` begins: local midnight, or after an overnight shift of the
 * previous date half-way between that shift's end and what comes next (this date's
 * shift start, else the next midnight), so a late "out" still counts for the shift.
 */
function dayStart(date: string, next: string, before: ScheduleDay | null, today: ScheduleDay | null, tz: string): number {
  if (!before || !isOvernight(before)) return zonedInstant(date, "00:00", tz);
  const shiftEnd = zonedInstant(date, before.end, tz);
  const nextStart = today ? zonedInstant(date, today.start, tz) : zonedInstant(next, "00:00", tz);
  return Math.floor((shiftEnd + nextStart) / 2);
}

/**
 * What local `date` is under a schedule: a holiday of the calendar beats a shift; a
 * shift when the schedule has that ISO weekday; else a rest day. An overnight shift
 * (end at or before start on the clock) ends on the next date and belongs to its
 * start date; so do core times earlier on the clock than its start.
 * `requiredMinutes` defaults to the shift's real length (a DST night is an hour
 * shorter or longer).
 */
export function planDay(schedule: Schedule, date: string, tz: string, holidays: HolidayCalendar): DayPlan {
  return resolvePlan(schedule, date, addDays(date, 1), shiftDay(schedule, date, holidays), tz, holidays);
}

/**
 * The instants `[from, to)` that belong to work day `date`: from local midnight to
 * the next, except that the morning after an overnight shift belongs to the shift
 * up to the midpoint between its end and the next shift's start (or the next
 * midnight). Consecutive days tile time with no gap and no overlap.
 */
export function workDayBounds(schedule: Schedule, date: string, tz: string, holidays: HolidayCalendar): { from: number; to: number } {
  const [day] = workDays(schedule, date, date, tz, holidays);
  return { from: day!.from, to: day!.to };
}

/**
 * `planDay` and `workDayBounds` of every date from `from` to `to` (inclusive), each
 * date's schedule day looked up once: what the timesheet and day summaries iterate.
 */
export function workDays(
  schedule: Schedule,
  from: string,
  to: string,
  tz: string,
  holidays: HolidayCalendar,
): { date: string; plan: DayPlan; from: number; to: number }[] {
  const days: { date: string; plan: DayPlan; from: number; to: number }[] = [];
  if (to < from) return days;
  let date = from;
  let next = addDays(date, 1);
  let before = shiftDay(schedule, addDays(date, -1), holidays);
  let today = shiftDay(schedule, date, holidays);
  let start = dayStart(date, next, before, today, tz);
  for (;;) {
    const after = addDays(next, 1);
    const tomorrow = shiftDay(schedule, next, holidays);
    const end = dayStart(next, after, today, tomorrow, tz);
    days.push({ date, plan: resolvePlan(schedule, date, next, today, tz, holidays), from: start, to: end });
    if (date >= to) return days;
    date = next;
    next = after;
    today = tomorrow;
    start = end;
  }
}

/** The work date an instant belongs to, consistent with `workDayBounds`. */
export function workDateOf(schedule: Schedule, instant: number, tz: string, holidays: HolidayCalendar): string {
  const local = zonedDate(instant, tz);
  // A day's bounds lie within its midnight and the next, so the answer is this date or the one before.
  for (const date of [local, addDays(local, -1), addDays(local, 1)]) {
    const { from, to } = workDayBounds(schedule, date, tz, holidays);
    if (from <= instant && instant < to) return date;
  }
  return local;
}
