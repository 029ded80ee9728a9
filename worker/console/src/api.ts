import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/browser";
import type { Device, Employee, PunchRecord, Role } from "../../../shared/api";

export type { Device, Employee, PunchRecord, Role };

/** A non-2xx answer, carrying the API's `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

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
    const error = (data as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    throw new ApiError(
      res.status,
      typeof error?.code === "string" ? error.code : `HTTP_${res.status}`,
      typeof error?.message === "string" ? error.message : `${res.status} ${res.statusText}`,
    );
  }
  return data as T;
}

type FlowOptions<O> = { flowId: string; options: O };
export type CodePurpose = "extension" | "console";
export type IssuedCode = { code: string; expiresAt: number; purpose: CodePurpose };

export const api = {
  setup: (body: { token: string; name: string; email: string }) =>
    request<{ employeeId: string; consoleEnrollmentCode: string }>("POST", "/api/setup", body),

  consoleEnrollOptions: <O>(code: string) => request<FlowOptions<O>>("POST", "/api/console/enroll/options", { code }),
  consoleEnrollVerify: (body: { flowId: string; code: string; response: RegistrationResponseJSON }) =>
    request<{ employee: Employee }>("POST", "/api/console/enroll/verify", body),
  loginOptions: <O>() => request<FlowOptions<O>>("POST", "/api/console/login/options", {}),
  loginVerify: (body: { flowId: string; response: AuthenticationResponseJSON }) =>
    request<{ employee: Employee }>("POST", "/api/console/login/verify", body),
  logout: () => request<void>("POST", "/api/console/logout"),
  session: () => request<{ employee: Employee }>("GET", "/api/console/session"),

  employees: () => request<{ items: Employee[] }>("GET", "/api/admin/employees"),
  createEmployee: (body: { name: string; email: string; role: Role; timezone: string | null }) =>
    request<Employee>("POST", "/api/admin/employees", body),
  issueEnrollmentCode: (employeeId: string, purpose: CodePurpose) =>
    request<IssuedCode>("POST", `/api/admin/employees/${encodeURIComponent(employeeId)}/enrollment-codes`, { purpose }),
  devices: (employeeId: string) => request<{ items: Device[] }>("GET", `/api/admin/employees/${encodeURIComponent(employeeId)}/devices`),
  revokeDevice: (deviceId: string) => request<Device>("DELETE", `/api/admin/devices/${encodeURIComponent(deviceId)}`),
  punches: (limit = 50) => request<{ items: PunchRecord[]; nextCursor: string | null }>("GET", `/api/admin/punches?limit=${limit}`),
};
