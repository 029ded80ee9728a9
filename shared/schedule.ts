import { z } from "zod";
import { isValidTimeZone } from "./time";

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
