// Zone names come from outside (a punch's own zone, an admin's settings), so every cache here is
// bounded, and spellings of one zone share one formatter: a caller sending a hundred spellings of
// a zone per request costs a map lookup each, not a new formatter each.

/** The runtime's zones by their lower-case name (`Intl.DateTimeFormat` reads zones case-insensitively). */
const KNOWN_ZONES = new Map<string, string>(
  [...(Intl.supportedValuesOf?.("timeZone") ?? []), "UTC"].map((zone) => [zone.toLowerCase(), zone]),
);
const CACHE_MAX = 1000;

/** A cache that forgets everything when full: enough for the few zones a company uses, bounded for any input. */
function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, value);
  return value;
}

const zoneCache = new Map<string, Intl.DateTimeFormat | null>();

function dateFormatter(timeZone: string): Intl.DateTimeFormat | null {
  const key = KNOWN_ZONES.get(timeZone.toLowerCase()) ?? timeZone;
  const cached = zoneCache.get(key);
  if (cached !== undefined) return cached;
  let formatter: Intl.DateTimeFormat | null;
  try {
    formatter = new Intl.DateTimeFormat("en-CA", { timeZone: key, year: "numeric", month: "2-digit", day: "2-digit" });
  } catch {
    formatter = null;
  }
  return remember(zoneCache, key, formatter);
}

/** True when `timeZone` is an IANA zone name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0 || timeZone.length > 64) return false;
  return KNOWN_ZONES.has(timeZone.toLowerCase()) || dateFormatter(timeZone) !== null;
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
  const key = isValidTimeZone(timeZone) ? (KNOWN_ZONES.get(timeZone.toLowerCase()) ?? timeZone) : "UTC";
  const formatter =
    dateTimeCache.get(key) ??
    remember(
      dateTimeCache,
      key,
      new Intl.DateTimeFormat("en-CA", { timeZone: key, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
    );
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
