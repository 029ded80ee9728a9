import type { ReasonCode, Settings, SettingsUpdate } from "../api";

type Outcome = Settings["outcomes"][string];

/** A numeric setting: where it lives, its bounds (the server's), whole or not, and its unit's scale. */
type NumberSpec = { min: number; max: number; integer: boolean; /** shown value = stored / scale */ scale?: number };

/** Every numeric setting the page edits, keyed by a path into the settings document. */
export const NUMBERS = {
  offlineWindowHours: { min: 1, max: 24 * 31, integer: true },
  locationPrecision: { min: 0, max: 7, integer: true },
  locationAccuracyAllowanceM: { min: 0, max: 10_000, integer: true },
  ipMismatchKm: { min: 1, max: 20_000, integer: false },
  travelSpeedKmh: { min: 1, max: 100_000, integer: false },
  maxDevicesPerEmployee: { min: 1, max: 20, integer: true },
  "corrections.windowDays": { min: 1, max: 366, integer: true },
  "corrections.monthlyLimit": { min: 0, max: 100, integer: true },
  "corrections.maxFiles": { min: 0, max: 5, integer: true },
  /** Shown in MB. */
  "corrections.maxFileBytes": { min: 1024, max: 10 * 1024 * 1024, integer: true, scale: 1024 * 1024 },
  "retention.locationDays": { min: 1, max: 3650, integer: true },
  "retention.ipDays": { min: 1, max: 3650, integer: true },
  "retention.evidenceDays": { min: 1, max: 3650, integer: true },
  "retention.punchMonths": { min: 1, max: 240, integer: true },
} satisfies Record<string, NumberSpec>;
export type NumberKey = keyof typeof NUMBERS;

export type SettingsForm = {
  numbers: Record<NumberKey, string>;
  outcomes: Record<string, Outcome>;
  syncedPasskeysAllowed: boolean;
  allowedCountries: string;
  defaultTimezone: string;
  workdayStart: string;
  workdayEnd: string;
  workdayDays: number[];
};

function read(settings: Settings, key: NumberKey): number {
  const [group, field] = key.split(".") as [string, string | undefined];
  const value = field ? (settings as unknown as Record<string, Record<string, number>>)[group]![field]! : (settings as unknown as Record<string, number>)[group]!;
  const scale = (NUMBERS[key] as NumberSpec).scale ?? 1;
  return Math.round((value / scale) * 100) / 100;
}

export function settingsFormOf(settings: Settings): SettingsForm {
  return {
    numbers: Object.fromEntries((Object.keys(NUMBERS) as NumberKey[]).map((key) => [key, String(read(settings, key))])) as Record<NumberKey, string>,
    outcomes: { ...settings.outcomes },
    syncedPasskeysAllowed: settings.syncedPasskeysAllowed,
    allowedCountries: settings.allowedCountries.join(", "),
    defaultTimezone: settings.defaultTimezone,
    workdayStart: settings.workday.start,
    workdayEnd: settings.workday.end,
    workdayDays: [...settings.workday.days].sort(),
  };
}

export type SettingsErrors = Partial<Record<NumberKey | "allowedCountries" | "workday", true>>;

/** The PATCH body for the whole form (the server merges it), or which fields are out of bounds. */
export function settingsUpdateOf(form: SettingsForm, reasons: readonly ReasonCode[]): { update: SettingsUpdate | null; errors: SettingsErrors } {
  const errors: SettingsErrors = {};
  const values = {} as Record<NumberKey, number>;
  for (const key of Object.keys(NUMBERS) as NumberKey[]) {
    const spec: NumberSpec = NUMBERS[key];
    const shown = Number(form.numbers[key].trim().replace(",", "."));
    const value = Math.round(shown * (spec.scale ?? 1));
    if (form.numbers[key].trim() === "" || !Number.isFinite(shown) || value < spec.min || value > spec.max || (spec.integer && !spec.scale && !Number.isInteger(shown))) errors[key] = true;
    values[key] = spec.integer ? value : shown;
  }
  const countries = form.allowedCountries
    .split(/[\s,;]+/)
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
  if (countries.some((c) => !/^[A-Z]{2}$/.test(c))) errors.allowedCountries = true;
  const clock = /^([01]\d|2[0-3]):[0-5]\d$/;
  if (!clock.test(form.workdayStart) || !clock.test(form.workdayEnd)) errors.workday = true;
  if (Object.keys(errors).length > 0) return { update: null, errors };
  return {
    update: {
      offlineWindowHours: values.offlineWindowHours,
      locationPrecision: values.locationPrecision,
      locationAccuracyAllowanceM: values.locationAccuracyAllowanceM,
      ipMismatchKm: values.ipMismatchKm,
      travelSpeedKmh: values.travelSpeedKmh,
      maxDevicesPerEmployee: values.maxDevicesPerEmployee,
      syncedPasskeysAllowed: form.syncedPasskeysAllowed,
      allowedCountries: [...new Set(countries)],
      defaultTimezone: form.defaultTimezone.trim(),
      workday: { start: form.workdayStart, end: form.workdayEnd, days: [...form.workdayDays].sort() },
      outcomes: Object.fromEntries(reasons.map((r) => [r, form.outcomes[r] ?? "flag"])),
      corrections: {
        windowDays: values["corrections.windowDays"],
        monthlyLimit: values["corrections.monthlyLimit"],
        maxFiles: values["corrections.maxFiles"],
        maxFileBytes: values["corrections.maxFileBytes"],
      },
      retention: {
        locationDays: values["retention.locationDays"],
        ipDays: values["retention.ipDays"],
        evidenceDays: values["retention.evidenceDays"],
        punchMonths: values["retention.punchMonths"],
      },
    },
    errors,
  };
}

/** Roughly how many metres a latitude rounded to `decimals` places can be off (111 km a degree, half a step). */
export function precisionMetres(decimals: number): number {
  return Math.round((111_320 / 10 ** decimals / 2) * 10) / 10;
}
