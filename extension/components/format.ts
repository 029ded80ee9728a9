import type { DaySummary, DayStatus } from "../../shared/api";
import { bcp47, t, type MessageKey } from "../utils/i18n";

/** "09:02" in the UI language, in the browser's time zone (or `timeZone`). */
export function timeOf(ms: number, timeZone?: string): string {
  return new Intl.DateTimeFormat(bcp47(), { hour: "numeric", minute: "2-digit", ...(timeZone ? { timeZone } : {}) }).format(ms);
}

/** "Mon 24 Nov, 09:02" (or today's time only). */
export function dateTimeOf(ms: number, now = Date.now()): string {
  if (localDateOf(ms) === localDateOf(now)) return timeOf(ms);
  return new Intl.DateTimeFormat(bcp47(), { weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit" }).format(ms);
}

/** "Monday 24 November" for history group headings. */
export function dayHeading(localDate: string): string {
  const [y, m, d] = localDate.split("-").map(Number);
  return new Intl.DateTimeFormat(bcp47(), { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" }).format(Date.UTC(y!, m! - 1, d!));
}

/** YYYY-MM-DD in the browser's time zone. */
export function localDateOf(ms: number): string {
  return new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);
}

export function durationOf(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  return t("durationHM", Math.floor(m / 60), m % 60);
}

/** "12 min" under an hour, "1 h 15 min" from there. */
export function minutesOf(minutes: number, text = t): string {
  const m = Math.max(0, Math.round(minutes));
  return m < 60 ? text("durationM", m) : text("durationHM", Math.floor(m / 60), m % 60);
}

const STANDING: Record<DayStatus, MessageKey> = {
  present: "standing_present",
  late: "standing_late",
  early_leave: "standing_early_leave",
  absent: "standing_absent",
  incomplete: "standing_incomplete",
  holiday: "standing_holiday",
  rest_day: "standing_rest_day",
  scheduled: "standing_scheduled",
};

/** Today's standing in words ("Late by 12 min"), from the server's day summary; null for a status this version does not know. */
export function standingOf(today: Pick<DaySummary, "status" | "lateMinutes" | "earlyLeaveMinutes">, text = t): string | null {
  const key = STANDING[today.status] as MessageKey | undefined;
  if (!key) return null;
  if (today.status === "late") return text(key, minutesOf(today.lateMinutes, text));
  if (today.status === "early_leave") return text(key, minutesOf(today.earlyLeaveMinutes, text));
  return text(key);
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** "1.5 MB", "200 KB": a file size for people. */
export function sizeOf(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  const number = (n: number) => new Intl.NumberFormat(bcp47(), { maximumFractionDigits: 1 }).format(n);
  return mb >= 1 ? `${number(mb)} MB` : `${number(Math.max(1, Math.round(bytes / 1024)))} KB`;
}
