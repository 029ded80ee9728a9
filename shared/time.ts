const zoneCache = new Map<string, Intl.DateTimeFormat | null>();

function dateFormatter(timeZone: string): Intl.DateTimeFormat | null {
  let formatter = zoneCache.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat("en-CA", {
        timeZone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
      });
    } catch {
      formatter = null;
    }
    zoneCache.set(timeZone, formatter);
  }
  return formatter;
}

/** True when `timeZone` is an IANA zone name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  return timeZone.length > 0 && timeZone.length <= 64 && dateFormatter(timeZone) !== null;
}

/** The local calendar date (`YYYY-MM-DD`) of an instant in an IANA zone. */
export function localDate(epochMs: number, timeZone: string): string {
  const formatter = dateFormatter(timeZone) ?? dateFormatter("UTC")!;
  const parts = formatter.formatToParts(new Date(epochMs));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

const dateTimeCache = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD HH:MM` wall-clock time of an instant in an IANA zone (for people and spreadsheets). */
export function localDateTime(epochMs: number, timeZone: string): string {
  let formatter = dateTimeCache.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-CA", {
      timeZone: isValidTimeZone(timeZone) ? timeZone : "UTC",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    dateTimeCache.set(timeZone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The UTC calendar date of an instant (to widen local-date lookups by a day each side). */
export function utcDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
