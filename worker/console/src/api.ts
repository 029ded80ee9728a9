import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/browser";
import type { z } from "zod";
// Types only: the schemas stay on the server, so zod never reaches the console's bundle.
import type * as S from "../../../shared/api";
import type { ErrorBody } from "../../../shared/errors";

export type { CorrectionStatus, DayStatus, PunchMode, Role } from "../../../shared/api";
export type { ReasonCode } from "../../../shared/settings";
export type { PunchKind } from "../../../shared/punch";

/** What a route answers: the output of its response schema. */
type Out<Schema extends z.ZodType> = z.output<Schema>;
/** What a route accepts: the input of its request schema (defaults may be left out). */
type In<Schema extends z.ZodType> = z.input<Schema>;

export type Employee = Out<typeof S.EmployeeSchema>;
export type Device = Out<typeof S.DeviceSchema>;
export type PunchRecord = Out<typeof S.PunchRecordSchema>;
export type Correction = Out<typeof S.CorrectionSchema>;
export type Evidence = Out<typeof S.EvidenceSchema>;
export type TimesheetRow = Out<typeof S.TimesheetRowSchema>;
export type IssuedCode = Out<typeof S.EnrollmentCodeResponseSchema>;
export type CodePurpose = IssuedCode["purpose"];
export type CreateEmployee = In<typeof S.CreateEmployeeRequestSchema>;
export type ManualPunch = In<typeof S.ManualPunchRequestSchema>;
export type PunchReview = In<typeof S.PunchReviewRequestSchema>;
export type CorrectionDecision = In<typeof S.CorrectionDecisionRequestSchema>;
export type PunchQuery = Omit<In<typeof S.AdminPunchesQuerySchema>, "from" | "to" | "limit" | "format"> & { from?: number; to?: number; limit?: number };
/** The CSV export's query: the list's filters, with from and to required (at most 366 days apart). */
export type PunchExportQuery = Omit<PunchQuery, "cursor" | "limit" | "from" | "to"> & { from: number; to: number };
export type PunchDetail = Out<typeof S.AdminPunchDetailSchema>;
export type EmployeeUpdate = Exclude<In<typeof S.UpdateEmployeeRequestSchema>, undefined>;
export type ImportRow = In<typeof S.EmployeeImportRowSchema>;
export type ImportResult = Out<typeof S.EmployeeImportResultSchema>;
export type Site = Out<typeof S.SiteSchema>;
export type SiteInput = In<typeof S.SiteInputSchema>;
export type Place = Out<typeof S.LocationSchema>;
export type PlaceInput = In<typeof S.LocationInputSchema>;
export type Network = Out<typeof S.NetworkSchema>;
export type NetworkInput = In<typeof S.NetworkInputSchema>;
export type Schedule = Out<typeof S.ScheduleSchema>;
export type ScheduleInput = In<typeof S.ScheduleInputSchema>;
export type Holiday = Out<typeof S.HolidaySchema>;
export type HolidayInput = In<typeof S.HolidayInputSchema>;
export type HolidayImport = In<typeof S.HolidayImportSchema>;
export type HolidayImportResult = Out<typeof S.HolidayImportResponseSchema>;
export type Settings = Out<typeof S.SettingsResponseSchema>;
export type SettingsUpdate = In<typeof S.SettingsUpdateSchema>;
export type Today = Out<typeof S.TodaySchema>;
export type TodayItem = Out<typeof S.TodayItemSchema>;
export type MonthSummary = Out<typeof S.EmployeeMonthSummarySchema>;
export type ReportQuery = { from: string; to: string; employeeId?: string };
export type AuditEntry = Out<typeof S.AuditEntrySchema>;
export type AuditQuery = Omit<In<typeof S.AuditQuerySchema>, "from" | "to" | "limit"> & { from?: number; to?: number; limit?: number };
export type AuditVerify = Out<typeof S.AuditVerifySchema>;
export type ArchivedMonth = Out<typeof S.ArchivedMonthSchema>;
/** A punch as retention archived it: the stored row (the fields the console reads). */
export type ArchivedPunch = Pick<PunchRecord, "id" | "employeeId" | "kind" | "mode" | "status" | "reasons" | "effectiveTime" | "tz">;
export type ApiKey = Out<typeof S.ApiKeySchema>;
export type ApiKeyRole = ApiKey["role"];
export type ApiKeyCreated = Out<typeof S.ApiKeyCreatedSchema>;
export type Company = NonNullable<Out<typeof S.ConsoleSessionResponseSchema>["company"]>;
export type CorrectionQuery = Omit<In<typeof S.AdminCorrectionsQuerySchema>, "limit"> & { limit?: number };
/** One page of a list the API pages through with keyset cursors. */
export type Page<T> = { items: T[]; nextCursor: string | null };

/** A non-2xx answer, carrying the API's `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorBody["error"]["code"] | `HTTP_${number}`,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** `?a=1&b=2` from the defined values (empty strings left out too). */
export function queryString(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

const id = (value: string) => encodeURIComponent(value);
const byTime = (a: { effectiveTime: number }, b: { effectiveTime: number }) => a.effectiveTime - b.effectiveTime;

async function request<T>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
  // Same origin: the session cookie goes along and the browser sets Origin on unsafe methods.
  const res = await fetch(path, {
    method,
    headers: { ...(body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" }), ...extraHeaders },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw failure(res, data);
  return data as T;
}

/** A non-2xx answer as an ApiError, with the API's code and message where its body has them. */
function failure(res: Response, data: unknown): ApiError {
  const error = (data as Partial<ErrorBody> | undefined)?.error;
  return new ApiError(
    res.status,
    typeof error?.code === "string" ? error.code : `HTTP_${res.status}`,
    typeof error?.message === "string" ? error.message : `${res.status} ${res.statusText}`,
  );
}

type FlowOptions<O> = { flowId: string; options: O };

/** List, add, change and remove for a rule resource whose routes share one shape. */
function crud<Item, Input>(base: string) {
  return {
    list: () => request<{ items: Item[] }>("GET", base),
    create: (body: Input) => request<Item>("POST", base, body),
    update: (itemId: string, body: Partial<Input>) => request<Item>("PATCH", `${base}/${id(itemId)}`, body),
    remove: (itemId: string) => request<Item>("DELETE", `${base}/${id(itemId)}`),
  };
}

/** Every route the console uses, typed by the shared schemas. */
export const api = {
  setup: (body: In<typeof S.SetupRequestSchema>) => request<Out<typeof S.SetupResponseSchema>>("POST", "/api/setup", body),

  consoleEnrollOptions: <O>(code: string) => request<FlowOptions<O>>("POST", "/api/console/enroll/options", { code }),
  consoleEnrollVerify: (body: { flowId: string; code: string; response: RegistrationResponseJSON }) =>
    request<Out<typeof S.ConsoleSessionResponseSchema>>("POST", "/api/console/enroll/verify", body),
  loginOptions: <O>() => request<FlowOptions<O>>("POST", "/api/console/login/options", {}),
  loginVerify: (body: { flowId: string; response: AuthenticationResponseJSON }) =>
    request<Out<typeof S.ConsoleSessionResponseSchema>>("POST", "/api/console/login/verify", body),
  logout: () => request<void>("POST", "/api/console/logout"),
  session: () => request<Out<typeof S.ConsoleSessionResponseSchema>>("GET", "/api/console/session"),

  employees: () => request<Out<typeof S.EmployeeListSchema>>("GET", "/api/admin/employees"),
  employee: (employeeId: string) => request<Employee>("GET", `/api/admin/employees/${id(employeeId)}`),
  createEmployee: (body: CreateEmployee) => request<Employee>("POST", "/api/admin/employees", body),
  updateEmployee: (employeeId: string, body: EmployeeUpdate) => request<Employee>("PATCH", `/api/admin/employees/${id(employeeId)}`, body),
  /** Deactivates: records stay, sessions end, passkeys are revoked. */
  deactivateEmployee: (employeeId: string) => request<Employee>("DELETE", `/api/admin/employees/${id(employeeId)}`),
  importEmployees: (rows: ImportRow[], dryRun: boolean) => request<ImportResult>("POST", "/api/admin/employees/import", { rows, dryRun }),
  places: (employeeId: string) => crud<Place, PlaceInput>(`/api/admin/employees/${id(employeeId)}/locations`),
  issueEnrollmentCode: (employeeId: string, purpose: CodePurpose) =>
    request<IssuedCode>("POST", `/api/admin/employees/${id(employeeId)}/enrollment-codes`, { purpose }),
  devices: (employeeId: string) => request<Out<typeof S.DeviceListSchema>>("GET", `/api/admin/employees/${id(employeeId)}/devices`),
  revokeDevice: (deviceId: string) => request<Device>("DELETE", `/api/admin/devices/${id(deviceId)}`),

  punches: (query: PunchQuery) => request<Out<typeof S.AdminPunchPageSchema>>("GET", `/api/admin/punches${queryString(query)}`),
  /**
   * Every punch the filter matches between from and to, as a CSV file. Fetched rather than
   * linked, so that a refusal (a span over the limit) throws the API's message instead of
   * being saved as the file.
   */
  punchesCsv: async (query: PunchExportQuery): Promise<Blob> => {
    const res = await fetch(`/api/admin/punches${queryString({ ...query, format: "csv" })}`, { headers: { Accept: "text/csv" } });
    if (!res.ok) throw failure(res, await res.json().catch(() => undefined));
    return res.blob();
  },
  punch: (punchId: string) => request<PunchDetail>("GET", `/api/admin/punches/${id(punchId)}`),
  /** `key`: the same for a retry of the same punch (Idempotency-Key), so that it is entered once. */
  enterPunch: (body: ManualPunch, key: string) => request<Out<typeof S.PunchResponseRecordSchema>>("POST", "/api/admin/punches", body, { "Idempotency-Key": key }),
  reviewPunch: (punchId: string, body: PunchReview) =>
    request<Out<typeof S.PunchResponseRecordSchema>>("POST", `/api/admin/punches/${id(punchId)}/review`, body),

  corrections: (query: CorrectionQuery) => request<Out<typeof S.CorrectionPageSchema>>("GET", `/api/admin/corrections${queryString(query)}`),
  decideCorrection: (correctionId: string, body: CorrectionDecision) =>
    request<Out<typeof S.CorrectionResponseSchema>>("POST", `/api/admin/corrections/${id(correctionId)}/decision`, body),
  /** Same origin with the cookie, so an `<img src>` or a download link can use it as is. */
  evidenceUrl: (correctionId: string, evidenceId: string) => `/api/admin/corrections/${id(correctionId)}/evidence/${id(evidenceId)}`,

  timesheet: (query: ReportQuery) => request<Out<typeof S.TimesheetSchema>>("GET", `/api/admin/reports/timesheet${queryString({ ...query, format: "json" })}`),
  timesheetCsvUrl: (query: ReportQuery) => `/api/admin/reports/timesheet${queryString({ ...query, format: "csv" })}`,
  summary: (query: ReportQuery) => request<Out<typeof S.SummaryListSchema>>("GET", `/api/admin/reports/summary${queryString({ ...query, format: "json" })}`),
  summaryCsvUrl: (query: ReportQuery) => `/api/admin/reports/summary${queryString({ ...query, format: "csv" })}`,
  today: () => request<Today>("GET", "/api/admin/today"),

  sites: crud<Site, SiteInput>("/api/admin/sites"),
  networks: crud<Network, NetworkInput>("/api/admin/networks"),
  schedules: crud<Schedule, ScheduleInput>("/api/admin/schedules"),
  holidays: {
    ...crud<Holiday, HolidayInput>("/api/admin/holidays"),
    list: (year?: string) => request<{ items: Holiday[] }>("GET", `/api/admin/holidays${queryString({ year })}`),
    import: (body: HolidayImport) => request<HolidayImportResult>("POST", "/api/admin/holidays/import", body),
  },
  settings: () => request<Settings>("GET", "/api/admin/settings"),
  updateSettings: (body: SettingsUpdate) => request<Settings>("PATCH", "/api/admin/settings", body),

  audit: (query: AuditQuery) => request<Out<typeof S.AuditPageSchema>>("GET", `/api/admin/audit${queryString(query)}`),
  verifyAudit: (from?: number) => request<AuditVerify>("GET", `/api/admin/audit/verify${queryString({ from })}`),
  archive: () => request<{ items: ArchivedMonth[] }>("GET", "/api/admin/archive"),
  archivedMonthUrl: (month: string) => `/api/admin/archive/${id(month)}`,
  /**
   * An archived month's punches (NDJSON, one stored row a line), read as a stream and kept to the
   * fields shown, up to `max` of them: a large company's month is gigabytes, which the download
   * gives whole. `complete` says whether the month ended before `max`.
   */
  archivedMonth: async (month: string, max: number): Promise<{ punches: ArchivedPunch[]; complete: boolean }> => {
    const res = await fetch(`/api/admin/archive/${id(month)}`, { headers: { Accept: "application/x-ndjson" } });
    // A refusal answers the API's JSON error: read it the one way every other call does.
    if (!res.ok || !res.body) await request("GET", `/api/admin/archive/${id(month)}`);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const punches: ArchivedPunch[] = [];
    let rest = "";
    const take = (line: string) => {
      if (line.trim() === "") return;
      const { id: punchId, employeeId, kind, mode, status, reasons, effectiveTime, tz } = JSON.parse(line) as ArchivedPunch;
      punches.push({ id: punchId, employeeId, kind, mode, status, reasons, effectiveTime, tz });
    };
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const lines = (rest + value).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) take(line);
      if (punches.length >= max) {
        await reader.cancel();
        return { punches: punches.slice(0, max).sort(byTime), complete: false };
      }
    }
    take(rest);
    return { punches: punches.sort(byTime), complete: true };
  },

  apiKeys: () => request<{ items: ApiKey[] }>("GET", "/api/admin/api-keys"),
  createApiKey: (body: { label: string; role: ApiKeyRole }) => request<ApiKeyCreated>("POST", "/api/admin/api-keys", body),
  revokeApiKey: (keyId: string) => request<ApiKey>("DELETE", `/api/admin/api-keys/${id(keyId)}`),
};

