import { type PunchQuery, queryString } from "./api";
import type { CorrectionStatus } from "./api";

/** Where the console lives (Vite's `base`; the Worker serves index.html for every page below it). */
export const BASE = "/admin";

export type CorrectionFilter = { status?: CorrectionStatus | "all"; employee?: string };
/** The Punches page's filters as they stand in its URL (dates are local to the viewer). */
export type PunchFilter = { from?: string; to?: string; employee?: string; status?: PunchQuery["status"]; mode?: PunchQuery["mode"]; reason?: PunchQuery["reason"] };

/** The pages under Rules, in the order of their tabs. */
export const RULE_PAGES = ["sites", "networks", "schedules", "holidays", "settings"] as const;
export type RulePage = (typeof RULE_PAGES)[number];

/** Every page's URL, built in one place so links and the router agree. */
export const paths = {
  today: `${BASE}/`,
  employees: `${BASE}/employees`,
  importEmployees: `${BASE}/employees/import`,
  employee: (id: string) => `${BASE}/employees/${encodeURIComponent(id)}`,
  corrections: (filter: CorrectionFilter = {}) => `${BASE}/corrections${queryString(filter)}`,
  flagged: `${BASE}/flagged`,
  punches: (filter: PunchFilter = {}) => `${BASE}/punches${queryString(filter)}`,
  punch: (id: string) => `${BASE}/punches/${encodeURIComponent(id)}`,
  rules: (page: RulePage = "sites") => `${BASE}/rules/${page}`,
  reports: (query: { from?: string; to?: string; employee?: string } = {}) => `${BASE}/reports${queryString(query)}`,
  audit: `${BASE}/audit`,
  archive: `${BASE}/archive`,
  apiKeys: `${BASE}/api-keys`,
} as const;
