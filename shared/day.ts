import type { DayStatus, DaySummary } from "./api";
import type { PunchKind } from "./punch";
import type { PunchStatus } from "./rules";
import { workDays, type DayPlan, type HolidayCalendar, type Schedule } from "./schedule";
import { DAY_MS, MINUTE_MS } from "./time";

export interface DayPunch {
  id: string;
  kind: PunchKind;
  effectiveTime: number;
  status: PunchStatus;
}

type SummaryRules = Pick<Schedule, "kind" | "graceLateMin" | "graceEarlyMin">;

const byTime = (a: DayPunch, b: DayPunch) =>
  a.effectiveTime - b.effectiveTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Whole minutes of `ms`, counted in full once beyond the grace, else 0. */
const beyondGrace = (ms: number, graceMin: number) => (ms > graceMin * MINUTE_MS ? Math.floor(ms / MINUTE_MS) : 0);

/**
 * Summarises one work day from the punches inside its bounds (any order, any status).
 * Rejected punches do not count; accepted and flagged ones do. Each "in" pairs with
 * the next "out"; an "in" while one is open keeps the earlier. An interval still open
 * counts up to `now` until the day closes (`now >= closesAt`), after which it counts
 * nothing and makes the day `incomplete`. Lateness and early leave follow the plan's
 * shift (core hours and required minutes for flexible schedules); on a holiday or rest
 * day all work is overtime.
 */
export function summarizeDay(input: {
  date: string;
  plan: DayPlan;
  schedule: SummaryRules;
  punches: readonly DayPunch[];
  /** The present instant. */
  now: number;
  /** The day's `workDayBounds(...).to`: from then on the day is over. */
  closesAt: number;
}): DaySummary {
  const counted = input.punches.filter((p) => p.status !== "rejected").sort(byTime);
  return summarizeCounted(input, counted);
}

/** `summarizeDay` for punches already without rejected ones and sorted by (time, id). */
function summarizeCounted(
  { date, plan, schedule, now, closesAt }: { date: string; plan: DayPlan; schedule: SummaryRules; now: number; closesAt: number },
  counted: readonly DayPunch[],
): DaySummary {
  let open: number | null = null;
  let workedMs = 0;
  let unpaired = false;
  let firstIn: number | null = null;
  let lastOut: number | null = null;
  const flagged: string[] = [];
  for (const punch of counted) {
    if (punch.status === "flagged") flagged.push(punch.id);
    if (punch.kind === "in") {
      firstIn ??= punch.effectiveTime;
      open ??= punch.effectiveTime;
    } else {
      lastOut = punch.effectiveTime;
      if (open === null) unpaired = true;
      else {
        workedMs += punch.effectiveTime - open;
        open = null;
      }
    }
  }
  const closed = now >= closesAt;
  const clockedIn = open !== null;
  if (clockedIn) {
    if (closed) unpaired = true;
    else workedMs += Math.max(0, now - open!);
  }
  const worked = Math.floor(workedMs / MINUTE_MS);
  const incomplete = closed && unpaired;
  const summary = (status: DayStatus, lateMinutes = 0, earlyLeaveMinutes = 0, overtimeMinutes = 0): DaySummary => ({
    date, status, firstIn, lastOut, workedMinutes: worked, lateMinutes, earlyLeaveMinutes, overtimeMinutes, flagged,
  });

  if (plan.kind !== "shift") {
    return summary(incomplete ? "incomplete" : plan.kind === "holiday" ? "holiday" : "rest_day", 0, 0, worked);
  }
  const shift = plan.shift;
  const shiftOver = closed || now >= shift.end;
  if (counted.length === 0) return summary(shiftOver ? "absent" : "scheduled");

  // Leaving early is judged once the employee has left and the shift is over.
  const judgeLeave = !clockedIn && shiftOver;
  let late = 0;
  let early = 0;
  if (schedule.kind === "fixed") {
    if (firstIn !== null) late = beyondGrace(firstIn - shift.start, schedule.graceLateMin);
    if (judgeLeave && lastOut !== null) early = beyondGrace(shift.end - lastOut, schedule.graceEarlyMin);
  } else {
    if (firstIn !== null && shift.coreStart !== null) late = beyondGrace(firstIn - shift.coreStart, schedule.graceLateMin);
    if (judgeLeave && lastOut !== null && shift.coreEnd !== null) early = beyondGrace(shift.coreEnd - lastOut, schedule.graceEarlyMin);
    if (judgeLeave && worked < shift.requiredMinutes - schedule.graceEarlyMin) early = Math.max(early, shift.requiredMinutes - worked);
  }
  const status = incomplete ? "incomplete" : late > 0 ? "late" : early > 0 ? "early_leave" : "present";
  return summary(status, late, early, Math.max(0, worked - shift.requiredMinutes));
}

/**
 * Every work day from `from` to `to` (local dates, inclusive) for one employee. Each
 * punch goes to the day whose `workDayBounds` hold it, in one sweep over the punches
 * sorted once; punches outside the range are left out.
 */
/**
 * The instants whose punches can fall in the work days `from`..`to` (local dates): every zone's
 * local day lies within a day of the UTC one, and an overnight shift's morning adds one more.
 * What a report over those days reads.
 */
export function punchRangeForDays(from: string, to: string): { since: number; until: number } {
  return { since: Date.parse(`${from}T00:00:00Z`) - 2 * DAY_MS, until: Date.parse(`${to}T00:00:00Z`) + 3 * DAY_MS };
}

export function summarizeDays(input: {
  schedule: Schedule;
  tz: string;
  holidays: HolidayCalendar;
  from: string;
  to: string;
  punches: readonly DayPunch[];
  now: number;
}): DaySummary[] {
  const { schedule, tz, holidays, now } = input;
  const counted = input.punches.filter((p) => p.status !== "rejected").sort(byTime);
  const summaries: DaySummary[] = [];
  let i = 0;
  for (const { date, plan, from, to } of workDays(schedule, input.from, input.to, tz, holidays)) {
    while (i < counted.length && counted[i]!.effectiveTime < from) i++;
    const first = i;
    while (i < counted.length && counted[i]!.effectiveTime < to) i++;
    summaries.push(summarizeCounted({ date, plan, schedule, now, closesAt: to }, counted.slice(first, i)));
  }
  return summaries;
}
