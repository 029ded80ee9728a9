import { bcp47, t } from "../utils/i18n";

/** "09:02" in the UI language, in the browser's time zone. */
export function timeOf(ms: number): string {
  return new Intl.DateTimeFormat(bcp47(), { hour: "numeric", minute: "2-digit" }).format(ms);
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

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}
