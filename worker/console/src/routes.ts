import { type CorrectionStatus, type PunchRecord, queryString } from "./api";

/** Where the console lives (Vite's `base`; the Worker serves index.html for every page below it). */
export const BASE = "/admin";

export type CorrectionFilter = { status?: CorrectionStatus | "all"; employee?: string };
export type PunchFilter = { status?: PunchRecord["status"]; employee?: string };

/** Every page's URL, built in one place so links and the router agree. */
export const paths = {
  overview: `${BASE}/`,
  employees: `${BASE}/employees`,
  employee: (id: string) => `${BASE}/employees/${encodeURIComponent(id)}`,
  corrections: (filter: CorrectionFilter = {}) => `${BASE}/corrections${queryString(filter)}`,
  flagged: `${BASE}/flagged`,
  punches: (filter: PunchFilter = {}) => `${BASE}/punches${queryString(filter)}`,
} as const;
