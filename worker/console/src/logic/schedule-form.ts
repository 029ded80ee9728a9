import { isValidTimeZone } from "../../../../shared/time";
import type { Schedule, ScheduleInput } from "../api";
import type { MessageKey } from "../i18n";

/** One weekday's row of the editor (index 0 is Monday, ISO weekday 1). */
export type DayRow = { works: boolean; start: string; end: string };

/** The schedule editor's fields as typed (text, so a half-typed number is not lost). */
export type ScheduleForm = {
  name: string;
  /** Empty: each employee's own zone. */
  timezone: string;
  kind: "fixed" | "flexible";
  days: DayRow[];
  graceLateMin: string;
  graceEarlyMin: string;
  earliestInMin: string;
  /** Flexible only: the hours everyone is present (both or neither). */
  coreStart: string;
  coreEnd: string;
  /** Flexible only: hours of work a day asks for (decimals allowed); empty: the span's length. */
  requiredHours: string;
  restDayWorkAllowed: boolean;
};

export type ScheduleErrors = Partial<Record<"name" | "timezone" | "days" | "graceLateMin" | "graceEarlyMin" | "earliestInMin" | "core" | "requiredHours" | `day${number}`, MessageKey>>;

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A new schedule: Monday to Friday, 09:00 to 18:00, five minutes' grace, clock-in from an hour before. */
export function emptyForm(): ScheduleForm {
  return {
    name: "",
    timezone: "",
    kind: "fixed",
    days: Array.from({ length: 7 }, (_, i) => ({ works: i < 5, start: "09:00", end: "18:00" })),
    graceLateMin: "5",
    graceEarlyMin: "0",
    earliestInMin: "60",
    coreStart: "",
    coreEnd: "",
    requiredHours: "",
    restDayWorkAllowed: false,
  };
}

/** The editor's fields for a stored schedule. */
export function formOf(schedule: Schedule): ScheduleForm {
  const form = emptyForm();
  form.days = form.days.map((_, i) => {
    const day = schedule.days.find((d) => d.weekday === i + 1);
    return day ? { works: true, start: day.start, end: day.end } : { works: false, start: "09:00", end: "18:00" };
  });
  return {
    ...form,
    name: schedule.name,
    timezone: schedule.timezone ?? "",
    kind: schedule.kind,
    graceLateMin: String(schedule.graceLateMin),
    graceEarlyMin: String(schedule.graceEarlyMin),
    earliestInMin: String(schedule.earliestInMin),
    coreStart: schedule.coreStart ?? "",
    coreEnd: schedule.coreEnd ?? "",
    requiredHours: schedule.requiredMinutes === null ? "" : String(Math.round((schedule.requiredMinutes / 60) * 100) / 100),
    restDayWorkAllowed: schedule.restDayWorkAllowed,
  };
}

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** An end before the start: the shift runs past midnight and belongs to the day it starts. */
export function isOvernight(row: DayRow): boolean {
  return CLOCK.test(row.start) && CLOCK.test(row.end) && minutesOf(row.end) < minutesOf(row.start);
}

/** A row's length in minutes (overnight shifts counted across midnight); null while a time is incomplete. */
export function shiftMinutes(row: DayRow): number | null {
  if (!CLOCK.test(row.start) || !CLOCK.test(row.end)) return null;
  const span = minutesOf(row.end) - minutesOf(row.start);
  return span > 0 ? span : span + 24 * 60;
}

function wholeMinutes(text: string, max: number): number | null {
  const n = Number(text.trim());
  return text.trim() !== "" && Number.isInteger(n) && n >= 0 && n <= max ? n : null;
}

/**
 * The API's schedule from the editor, checked by the rules of `ScheduleInputSchema` (shared/schedule.ts):
 * each weekday once with a start and an end that differ, minutes within their bounds, core hours
 * in pairs; or what is wrong, field by field, as message keys.
 */
export function scheduleInputOf(form: ScheduleForm): { input: ScheduleInput | null; errors: ScheduleErrors } {
  const errors: ScheduleErrors = {};
  const name = form.name.trim();
  if (!name || name.length > 200) errors.name = "scheduleNameNeeded";
  const timezone = form.timezone.trim();
  if (timezone && !isValidTimeZone(timezone)) errors.timezone = "zoneUnknown";
  const days: ScheduleInput["days"] = [];
  form.days.forEach((row, i) => {
    if (!row.works) return;
    if (!CLOCK.test(row.start) || !CLOCK.test(row.end)) errors[`day${i + 1}`] = "dayTimesNeeded";
    else if (row.start === row.end) errors[`day${i + 1}`] = "dayStartEqualsEnd";
    else days.push({ weekday: i + 1, start: row.start, end: row.end });
  });
  const graceLateMin = wholeMinutes(form.graceLateMin, 240);
  if (graceLateMin === null) errors.graceLateMin = "minutesUpTo240";
  const graceEarlyMin = wholeMinutes(form.graceEarlyMin, 240);
  if (graceEarlyMin === null) errors.graceEarlyMin = "minutesUpTo240";
  const earliestInMin = wholeMinutes(form.earliestInMin, 720);
  if (earliestInMin === null) errors.earliestInMin = "minutesUpTo720";

  let coreStart: string | null = null;
  let coreEnd: string | null = null;
  let requiredMinutes: number | null = null;
  if (form.kind === "flexible") {
    coreStart = form.coreStart.trim() || null;
    coreEnd = form.coreEnd.trim() || null;
    if ((coreStart === null) !== (coreEnd === null)) errors.core = "corePair";
    else if ((coreStart && !CLOCK.test(coreStart)) || (coreEnd && !CLOCK.test(coreEnd))) errors.core = "dayTimesNeeded";
    if (form.requiredHours.trim()) {
      const hours = Number(form.requiredHours.trim().replace(",", "."));
      requiredMinutes = Math.round(hours * 60);
      if (!(hours > 0) || requiredMinutes < 1 || requiredMinutes > 24 * 60) errors.requiredHours = "requiredHoursRange";
    }
  }
  if (Object.keys(errors).length > 0) return { input: null, errors };
  return {
    input: {
      name,
      timezone: timezone || null,
      kind: form.kind,
      days,
      graceLateMin: graceLateMin!,
      graceEarlyMin: graceEarlyMin!,
      earliestInMin: earliestInMin!,
      coreStart,
      coreEnd,
      requiredMinutes,
      restDayWorkAllowed: form.restDayWorkAllowed,
    },
    errors,
  };
}

/**
 * A week in a few words: runs of weekdays with the same hours together
 * ("Mon–Fri 09:00–18:00, Sat 10:00–14:00"), weekday names from `weekday` (ISO 1–7).
 */
export function weekSummary(days: readonly { weekday: number; start: string; end: string }[], weekday: (iso: number) => string): string {
  const sorted = [...days].sort((a, b) => a.weekday - b.weekday);
  const runs: { from: number; to: number; hours: string }[] = [];
  for (const day of sorted) {
    const hours = `${day.start}–${day.end}`;
    const last = runs[runs.length - 1];
    if (last && last.hours === hours && last.to === day.weekday - 1) last.to = day.weekday;
    else runs.push({ from: day.weekday, to: day.weekday, hours });
  }
  return runs.map((r) => `${r.from === r.to ? weekday(r.from) : `${weekday(r.from)}–${weekday(r.to)}`} ${r.hours}`).join(", ");
}

/** Who to move onto the schedule and who off it, from the people ticked before and after. */
export function followerChanges(before: readonly string[], after: readonly string[]): { add: string[]; remove: string[] } {
  const was = new Set(before);
  const now = new Set(after);
  return { add: [...now].filter((id) => !was.has(id)), remove: [...was].filter((id) => !now.has(id)) };
}
