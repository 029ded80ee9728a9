import { TZDate } from "@date-fns/tz";
import { isValidTimeZone } from "../../shared/time";
import type { Prefs, PunchState } from "./storage";

export type ReminderKind = "start" | "end";

function parseHHMM(text: string): { h: number; m: number } | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? { h: Number(match[1]), m: Number(match[2]) } : null;
}

/** The zone reminder times are read in: the company's while following it, else the browser's. */
export function reminderZone(prefs: Prefs, browserZone: string): string {
  return prefs.followCompany && prefs.timeZone && isValidTimeZone(prefs.timeZone) ? prefs.timeZone : browserZone;
}

/**
 * The next reminder after `now`: the end-of-day one on a workday while clocked in, otherwise
 * the start-of-day one on a workday. Wall-clock times are resolved in `timeZone` by TZDate, so
 * DST days shift the instant, not the local time.
 */
export function nextReminder(
  now: number,
  timeZone: string,
  prefs: Prefs,
  state: PunchState,
): { at: number; kind: ReminderKind } | null {
  if (!prefs.remindersEnabled || prefs.workdays.length === 0) return null;
  const kind: ReminderKind = state.kind === "in" ? "end" : "start";
  const time = parseHHMM(kind === "end" ? prefs.endTime : prefs.startTime);
  if (!time) return null;
  const zone = isValidTimeZone(timeZone) ? timeZone : "UTC";
  const today = new TZDate(now, zone);
  // Eight days covers "today, but the time has passed" followed by a whole week.
  for (let offset = 0; offset <= 7; offset++) {
    const at = new TZDate(today.getFullYear(), today.getMonth(), today.getDate() + offset, time.h, time.m, 0, 0, zone);
    const isoDay = at.getDay() === 0 ? 7 : at.getDay();
    if (!prefs.workdays.includes(isoDay)) continue;
    if (at.getTime() > now) return { at: at.getTime(), kind };
  }
  return null;
}

/** Checked when the alarm fires: the employee may have punched since it was set. */
export function shouldNotify(kind: ReminderKind, state: PunchState): boolean {
  return kind === "start" ? state.kind !== "in" : state.kind === "in";
}
