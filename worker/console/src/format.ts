import { WebAuthnError } from "@simplewebauthn/browser";
import { DAY_MS, utcDate } from "../../../shared/time";
import { ApiError } from "./api";
import type { Locale, Translate } from "./i18n";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let found = formatters.get(key);
  if (!found) {
    try {
      found = new Intl.DateTimeFormat(locale, options);
    } catch {
      // A zone this browser does not know: the viewer's own, which the zone name then says.
      found = new Intl.DateTimeFormat(locale, { ...options, timeZone: undefined });
    }
    formatters.set(key, found);
  }
  return found;
}

/** The viewer's own zone (IANA name). */
export function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * Date and time in the viewer's locale. `zone`: the zone the moment matters in (a punch's, an
 * employee's), named after the time; without it the viewer's own zone, unnamed.
 */
export function formatDateTime(locale: Locale, ms: number, zone?: string | null): string {
  return formatter(locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    ...(zone ? { timeZone: zone, timeZoneName: "short" } : {}),
  }).format(ms);
}

/** Time of day in the viewer's locale, in `zone` and named so. */
export function formatTime(locale: Locale, ms: number, zone?: string | null): string {
  return formatter(locale, { hour: "2-digit", minute: "2-digit", ...(zone ? { timeZone: zone, timeZoneName: "short" } : {}) }).format(ms);
}

/** A local date (`YYYY-MM-DD`, a calendar day with no zone of its own) in the viewer's locale, with its weekday. */
export function formatLocalDate(locale: Locale, date: string): string {
  return formatter(locale, { weekday: "short", year: "numeric", month: "short", day: "numeric", timeZone: "UTC" }).format(Date.parse(`${date}T00:00:00Z`));
}

/** `YYYY-MM-DD` `days` after `date` (negative: before); calendar days, so UTC arithmetic is exact. */
export function addDays(date: string, days: number): string {
  return utcDate(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS);
}

/** Minutes as hours and minutes (`7 h 05 min` / `7 小时 05 分钟`). */
export function formatMinutes(t: Translate, minutes: number): string {
  return t("hoursMinutes", { h: Math.floor(minutes / 60), m: String(minutes % 60).padStart(2, "0") });
}

export function formatBytes(locale: Locale, bytes: number): string {
  const [value, unit] = bytes >= 1024 * 1024 ? [bytes / 1024 / 1024, "megabyte"] : bytes >= 1024 ? [bytes / 1024, "kilobyte"] : [bytes, "byte"];
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1 }).format(value);
}

/** What to tell a person about a failure: the API's own message, or a plain reason. */
export function describeError(t: Translate, err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof WebAuthnError && err.code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED") return t("passkeyAlreadyRegistered");
  if (err instanceof Error && (err.name === "NotAllowedError" || err.name === "AbortError")) return t("passkeyCancelled");
  if (err instanceof TypeError) return t("networkError");
  return err instanceof Error ? err.message : String(err);
}

/** An ISO weekday's name (1 = Monday) in the viewer's language. */
export function weekdayName(locale: Locale, iso: number, style: "short" | "long" = "short"): string {
  // 2024-01-01 was a Monday.
  return formatter(locale, { weekday: style, timeZone: "UTC" }).format(Date.UTC(2024, 0, iso));
}

/** A local date as month and day only ("Mar 4" / "3月4日"), for chart axes. */
export function formatShortDate(locale: Locale, date: string): string {
  return formatter(locale, { month: "short", day: "numeric", timeZone: "UTC" }).format(Date.parse(`${date}T00:00:00Z`));
}

/** The local dates from `from` to `to`, both included (at most `limit`, so a typo cannot loop for years). */
export function datesBetween(from: string, to: string, limit = 400): string[] {
  const dates: string[] = [];
  for (let d = from; d <= to && dates.length < limit; d = addDays(d, 1)) dates.push(d);
  return dates;
}
