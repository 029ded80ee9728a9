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
export type PunchQuery = Omit<In<typeof S.AdminPunchesQuerySchema>, "from" | "to" | "limit"> & { from?: number; to?: number; limit?: number };
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

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  // Same origin: the session cookie goes along and the browser sets Origin on unsafe methods.
  const res = await fetch(path, {
    method,
    headers: body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const error = (data as Partial<ErrorBody> | undefined)?.error;
    throw new ApiError(
      res.status,
      typeof error?.code === "string" ? error.code : `HTTP_${res.status}`,
      typeof error?.message === "string" ? error.message : `${res.status} ${res.statusText}`,
    );
  }
  return data as T;
}

type FlowOptions<O> = { flowId: string; options: O };

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
  issueEnrollmentCode: (employeeId: string, purpose: CodePurpose) =>
    request<IssuedCode>("POST", `/api/admin/employees/${id(employeeId)}/enrollment-codes`, { purpose }),
  devices: (employeeId: string) => request<Out<typeof S.DeviceListSchema>>("GET", `/api/admin/employees/${id(employeeId)}/devices`),
  revokeDevice: (deviceId: string) => request<Device>("DELETE", `/api/admin/devices/${id(deviceId)}`),

  punches: (query: PunchQuery) => request<Out<typeof S.AdminPunchPageSchema>>("GET", `/api/admin/punches${queryString(query)}`),
  enterPunch: (body: ManualPunch) => request<Out<typeof S.PunchResponseRecordSchema>>("POST", "/api/admin/punches", body),
  reviewPunch: (punchId: string, body: PunchReview) =>
    request<Out<typeof S.PunchResponseRecordSchema>>("POST", `/api/admin/punches/${id(punchId)}/review`, body),

  corrections: (query: CorrectionQuery) => request<Out<typeof S.CorrectionPageSchema>>("GET", `/api/admin/corrections${queryString(query)}`),
  decideCorrection: (correctionId: string, body: CorrectionDecision) =>
    request<Out<typeof S.CorrectionResponseSchema>>("POST", `/api/admin/corrections/${id(correctionId)}/decision`, body),
  /** Same origin with the cookie, so an `<img src>` or a download link can use it as is. */
  evidenceUrl: (correctionId: string, evidenceId: string) => `/api/admin/corrections/${id(correctionId)}/evidence/${id(evidenceId)}`,

  timesheet: (query: { from: string; to: string; employeeId?: string }) =>
    request<Out<typeof S.TimesheetSchema>>("GET", `/api/admin/reports/timesheet${queryString({ ...query, format: "json" })}`),
};

