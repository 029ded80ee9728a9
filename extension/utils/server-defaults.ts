import type { CorrectionPolicy, Settings } from "../../shared/settings";

/**
 * The server's defaults the extension goes by until the company's are known: the values of
 * `DEFAULT_SETTINGS` (shared/settings.ts), copied as plain numbers because importing that module
 * brings zod and every settings schema into each page (24 KB of the popup's 62 KB gzipped).
 * test/extension/server-defaults.test.ts holds the two equal.
 */
export const SERVER_DEFAULTS: Pick<Settings, "locationPrecision"> & { corrections: CorrectionPolicy } = {
  locationPrecision: 4,
  corrections: { windowDays: 30, monthlyLimit: 3, maxFiles: 3, maxFileBytes: 5 * 1024 * 1024 },
};
