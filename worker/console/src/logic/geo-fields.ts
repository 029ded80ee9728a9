/** The text of a circle's fields, as typed. */
export type CircleText = { lat: string; lon: string; radiusM: string };
export type CircleValue = { lat: number; lon: number; radiusM: number };
export type CircleErrors = Partial<Record<keyof CircleText, "latRange" | "lonRange" | "radiusRange">>;

const number = (text: string) => (text.trim() === "" ? NaN : Number(text.trim().replace(",", ".")));

/** The circle the fields describe, or what is wrong with each field (the API's bounds). */
export function readCircle(text: CircleText): { value: CircleValue | null; errors: CircleErrors } {
  const lat = number(text.lat);
  const lon = number(text.lon);
  const radiusM = number(text.radiusM);
  const errors: CircleErrors = {};
  if (!(lat >= -90 && lat <= 90)) errors.lat = "latRange";
  if (!(lon >= -180 && lon <= 180)) errors.lon = "lonRange";
  if (!(Number.isInteger(radiusM) && radiusM >= 1 && radiusM <= 100_000)) errors.radiusM = "radiusRange";
  return { value: Object.keys(errors).length ? null : { lat, lon, radiusM }, errors };
}

/** "52.52, 13.405" pasted into one field (as maps copy a point): both coordinates, else null. */
export function splitPair(text: string): { lat: string; lon: string } | null {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
  return m ? { lat: m[1]!, lon: m[2]! } : null;
}
