import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/browser";
import type { Correction, PunchBatchResult, PunchRecord, PunchResponse } from "../../shared/api";
import type { Employee, DaySummary, Device, EvidenceType, MeExportSchema } from "../../shared/api";
import type { z } from "zod";
import type { CorrectionFields, Session, SignedPunch } from "./storage";

/** The server answered with an error (`{ error: { code, message, details } }`). */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** No answer: the request could not be sent, or timed out. */
export class NetworkError extends Error {
  override name = "NetworkError";
}

export interface MeResponse {
  employee: Employee;
  devices: Device[];
  today: DaySummary;
  /** The employee's working hours: their schedule's, else the company's (absent from servers older than this extension). */
  workday?: { start: string; end: string; days: number[] };
  /** IANA zone `workday` and `today` are read in: the schedule's, else the employee's, else the company's (absent from older servers). */
  timezone?: string;
  /** Decimal places of latitude/longitude the company keeps; punches are rounded to it before signing (absent from older servers). */
  locationPrecision?: number;
}

export interface EnrollOptions {
  flowId: string;
  options: PublicKeyCredentialCreationOptionsJSON;
  employee: { id: string; name: string };
}

export interface EnrollVerifyBody {
  flowId: string;
  code: string;
  response: RegistrationResponseJSON;
  deviceLabel?: string;
  consent: true;
  /** The version of the notice the employee agreed to (at most 40 characters). */
  consentVersion: string;
}

/** `GET /api/me/export`: every record the server holds about the employee. */
export type MeExport = z.infer<typeof MeExportSchema>;

/** Long enough for a slow mobile link; short enough that a hung request does not stall the queue. */
export const REQUEST_TIMEOUT_MS = 20_000;
/** Evidence files can be megabytes: an upload gets longer. */
export const UPLOAD_TIMEOUT_MS = 90_000;

/** An evidence file to upload with a correction request. */
export interface UploadFile {
  name: string;
  type: EvidenceType;
  bytes: Uint8Array;
}

interface RequestOpts {
  method?: "GET" | "POST" | "DELETE";
  /** JSON, or a form sent as multipart/form-data as it is. */
  body?: unknown;
  token?: string;
  timeoutMs?: number;
  /** The answer has no body (204). */
  empty?: boolean;
}

export function createApi(serverUrl: string, fetchImpl: typeof fetch = fetch) {
  async function call(path: string, opts: RequestOpts = {}): Promise<{ status: number; body: unknown }> {
    let url: URL;
    try {
      url = new URL(path, serverUrl);
    } catch {
      throw new NetworkError(`"${serverUrl}" is not a valid server address`);
    }
    const headers: Record<string, string> = { Accept: "application/json" };
    const form = opts.body instanceof FormData;
    // A form's Content-Type (with its boundary) is the browser's to write.
    if (opts.body !== undefined && !form) headers["Content-Type"] = "application/json";
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method: opts.method ?? (opts.body === undefined ? "GET" : "POST"),
        headers,
        body: opts.body === undefined ? undefined : form ? (opts.body as FormData) : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      const timedOut = err instanceof Error && err.name === "TimeoutError";
      throw new NetworkError(timedOut ? "The server did not answer in time." : "The server could not be reached.", { cause: err });
    }
    let body: unknown = null;
    const text = await res.text().catch(() => "");
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    if (!res.ok) {
      const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
      const code = typeof error?.code === "string" ? error.code : `HTTP_${res.status}`;
      const message = typeof error?.message === "string" ? error.message : `The server answered HTTP ${res.status}.`;
      throw new ApiError(res.status, code, message, error?.details);
    }
    if (opts.empty) return { status: res.status, body: {} };
    if (body === null || typeof body !== "object") {
      throw new ApiError(res.status, "BAD_RESPONSE", "The server's answer was not the expected JSON.");
    }
    return { status: res.status, body };
  }

  function expect<T>(status: number, ok: boolean, body: unknown): T {
    if (!ok) throw new ApiError(status, "BAD_RESPONSE", "The server's answer was not the expected JSON.");
    return body as T;
  }

  return {
    async health(): Promise<{ ok: true; version: string }> {
      const { status, body } = await call("/api/health");
      return expect(status, (body as { ok?: unknown }).ok === true, body);
    },

    async nonce(): Promise<{ nonce: string; serverTime: number; expiresAt: number }> {
      const { status, body } = await call("/api/punch/nonce");
      const b = body as { nonce?: unknown; serverTime?: unknown };
      return expect(status, typeof b.nonce === "string" && typeof b.serverTime === "number", body);
    },

    async enrollOptions(code: string): Promise<EnrollOptions> {
      const { status, body } = await call("/api/enroll/options", { body: { code } });
      const b = body as Partial<EnrollOptions>;
      return expect(status, typeof b.flowId === "string" && !!b.options && !!b.employee, body);
    },

    async enrollVerify(req: EnrollVerifyBody): Promise<{ employeeId: string; credentialId: string; session: Session; locationPrecision?: number }> {
      const { status, body } = await call("/api/enroll/verify", { body: req });
      const b = body as { employeeId?: unknown; credentialId?: unknown; session?: unknown };
      return expect(status, typeof b.employeeId === "string" && typeof b.credentialId === "string" && !!b.session, body);
    },

    async punch(signed: SignedPunch): Promise<{ status: 200 | 201; body: PunchResponse }> {
      const { status, body } = await call("/api/punches", { body: { punch: signed.punch, assertion: signed.assertion } });
      const b = body as Partial<PunchResponse>;
      return { status: status === 201 ? 201 : 200, body: expect(status, !!b.punch && !!b.receipt, body) };
    },

    async batch(items: SignedPunch[]): Promise<{ results: PunchBatchResult[]; session?: Session }> {
      const { status, body } = await call("/api/punches/batch", {
        body: { items: items.map(({ punch, assertion }) => ({ punch, assertion })) },
      });
      return expect(status, Array.isArray((body as { results?: unknown }).results), body);
    },

    async me(token: string): Promise<MeResponse> {
      const { status, body } = await call("/api/me", { token });
      return expect(status, !!(body as Partial<MeResponse>).employee, body);
    },

    async myPunches(token: string, from: string, to: string): Promise<{ items: PunchRecord[] }> {
      const q = new URLSearchParams({ from, to });
      const { status, body } = await call(`/api/me/punches?${q}`, { token });
      return expect(status, Array.isArray((body as { items?: unknown }).items), body);
    },

    /** Everything the server holds about the employee: profile, consent, devices, punches with receipts, corrections. */
    async myData(token: string): Promise<MeExport> {
      const { status, body } = await call("/api/me/export", { token });
      const b = body as Partial<MeExport>;
      return expect(status, !!b.employee && Array.isArray(b.punches), body);
    },

    /** Files a correction request: JSON without files, multipart/form-data with them (fields as text, files named `evidence`). */
    async fileCorrection(token: string, fields: CorrectionFields, files: readonly UploadFile[] = []): Promise<Correction> {
      let body: unknown = { date: fields.date, kind: fields.kind, time: fields.time, reason: fields.reason };
      if (files.length > 0) {
        const form = new FormData();
        form.set("date", fields.date);
        form.set("kind", fields.kind);
        form.set("time", String(fields.time));
        form.set("reason", fields.reason);
        for (const file of files) form.append("evidence", new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type }), file.name);
        body = form;
      }
      const { status, body: answer } = await call("/api/me/corrections", { body, token, timeoutMs: files.length ? UPLOAD_TIMEOUT_MS : REQUEST_TIMEOUT_MS });
      const correction = (answer as { correction?: Correction }).correction;
      return expect(status, !!correction && typeof correction.id === "string", correction);
    },

    /** The employee's correction requests, newest first. */
    async myCorrections(token: string): Promise<{ items: Correction[] }> {
      const { status, body } = await call("/api/me/corrections", { token });
      return expect(status, Array.isArray((body as { items?: unknown }).items), body);
    },

    /** Cancels a pending request (409 CORRECTION_ALREADY_DECIDED once decided). */
    async cancelCorrection(token: string, id: string): Promise<void> {
      await call(`/api/me/corrections/${encodeURIComponent(id)}`, { method: "DELETE", token, empty: true });
    },
  };
}

export type Api = ReturnType<typeof createApi>;
