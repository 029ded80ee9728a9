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

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
