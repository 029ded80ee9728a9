// Test doubles for the extension layer: signed punches and a server that behaves like the
// Worker's punch routes (idempotent on the punch id, one HTTP status per batch item).
import type { Correction, PunchBatchResult, PunchRecord, Receipt } from "../../shared/api";
import type { Punch } from "../../shared/punch";
import { ApiError, NetworkError, type UploadFile } from "../../extension/utils/api";
import { buildPunch } from "../../extension/utils/punch";
import type { CorrectionFields, Enrolment, SignedPunch } from "../../extension/utils/storage";

export const T0 = Date.UTC(2025, 2, 10, 13, 0, 0); // Monday 2025-03-10 09:00 in New York

export const ENROLMENT: Enrolment = {
  serverUrl: "https://clock.example.com",
  employeeId: "emp_1",
  employeeName: "Ada Lovelace",
  credentialId: "Y3JlZGVudGlhbC0x",
  deviceLabel: "Laptop",
  enrolledAt: T0 - 86_400_000,
};

export function signed(clientTime: number, kind: "in" | "out" = "in"): SignedPunch {
  const punch = buildPunch({ enrolment: ENROLMENT, kind, nonce: null, geo: { error: "denied" }, now: clientTime, timeZone: "America/New_York" });
  return {
    punch,
    assertion: {
      id: ENROLMENT.credentialId,
      rawId: ENROLMENT.credentialId,
      type: "public-key",
      response: { clientDataJSON: "Y2Q", authenticatorData: "YWQ", signature: "c2ln" },
      clientExtensionResults: {},
    },
  };
}

export function recordOf(punch: Punch, receivedAt: number): PunchRecord {
  return {
    id: punch.id,
    employeeId: punch.employeeId,
    deviceId: "dev_1",
    kind: punch.kind,
    status: "accepted",
    mode: "offline",
    effectiveTime: punch.clientTime,
    receivedAt,
    clientTime: punch.clientTime,
    reasons: [],
    localDate: "2025-03-10",
    tz: punch.tz,
    geo: punch.geo,
    ip: null,
    country: null,
  };
}

export const receiptOf = (punch: Punch): Receipt => ({ payload: `{"punchId":"${punch.id}"}`, signature: `sig-${punch.id}` });

/** Per punch id: an error answer the server gives instead of recording it. */
export type Scripted = { status: number; code: string; message: string };

/**
 * The server side of POST /api/punches and /api/punches/batch. `recorded` is what the
 * database would hold; `calls` is every batch request as sent.
 */
export class FakeServer {
  recorded = new Map<string, PunchRecord>();
  calls: string[][] = [];
  singleCalls: string[] = [];
  refuse = new Map<string, Scripted>();
  now = () => T0;
  /** Runs before the server answers a batch (after recording): throw to lose the answer. */
  afterRecord: (() => Promise<void>) | null = null;
  session: { token: string; expiresAt: number } | undefined;

  answer(item: SignedPunch): PunchBatchResult {
    const scripted = this.refuse.get(item.punch.id);
    if (scripted) return { id: item.punch.id, status: scripted.status, error: { code: scripted.code, message: scripted.message } };
    const existing = this.recorded.get(item.punch.id);
    if (existing) return { id: item.punch.id, status: 200, punch: existing, receipt: receiptOf(item.punch) };
    const record = recordOf(item.punch, this.now());
    this.recorded.set(item.punch.id, record);
    return { id: item.punch.id, status: 201, punch: record, receipt: receiptOf(item.punch) };
  }

  batch = async (items: SignedPunch[]) => {
    this.calls.push(items.map((i) => i.punch.id));
    const results = items.map((i) => this.answer(i));
    if (this.afterRecord) await this.afterRecord();
    return { results, ...(this.session ? { session: this.session } : {}) };
  };

  /** How many times each punch id reached the server. */
  sendCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const id of this.calls.flat()) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  }
}

/**
 * The server side of /api/me/corrections as the Worker behaves: one pending request per date and
 * kind (409 CORRECTION_DUPLICATE), no idempotency key, newest first in the list. `posts` is every
 * POST that reached it; `afterRecord` runs once a request is stored, before the answer (throw to
 * lose the answer); `down` answers nothing at all.
 */
export class FakeCorrectionServer {
  items: Correction[] = [];
  posts: { fields: CorrectionFields; files: UploadFile[]; token: string }[] = [];
  refuse: { status: number; code: string; message: string; details?: unknown } | null = null;
  afterRecord: (() => Promise<void>) | null = null;
  down = false;
  /** The server's clock (the device's may differ). */
  now = () => T0;
  private seq = 0;

  fileCorrection = async (token: string, fields: CorrectionFields, files: readonly UploadFile[] = []): Promise<Correction> => {
    if (this.down) throw new NetworkError("The server could not be reached.");
    this.posts.push({ fields, files: [...files], token });
    if (this.refuse) throw new ApiError(this.refuse.status, this.refuse.code, this.refuse.message, this.refuse.details);
    if (this.items.some((c) => c.status === "pending" && c.date === fields.date && c.kind === fields.kind)) {
      throw new ApiError(409, "CORRECTION_DUPLICATE", "You already have a pending request.");
    }
    const correction: Correction = {
      id: `cor_${++this.seq}`,
      employeeId: ENROLMENT.employeeId,
      date: fields.date,
      kind: fields.kind,
      time: fields.time,
      reason: fields.reason.trim(),
      status: "pending",
      evidence: files.map((f, i) => ({ id: `ev_${this.seq}_${i}`, name: f.name, type: f.type, size: f.bytes.byteLength })),
      createdAt: this.now(),
    };
    this.items.push(correction);
    if (this.afterRecord) await this.afterRecord();
    return correction;
  };

  myCorrections = async (_token: string): Promise<{ items: Correction[] }> => {
    if (this.down) throw new NetworkError("The server could not be reached.");
    return { items: [...this.items].reverse().map((c) => ({ ...c })) };
  };

  cancelCorrection = async (_token: string, id: string): Promise<void> => {
    if (this.down) throw new NetworkError("The server could not be reached.");
    const c = this.items.find((item) => item.id === id);
    if (!c) throw new ApiError(404, "NOT_FOUND", "No such correction request.");
    if (c.status !== "pending") throw new ApiError(409, "CORRECTION_ALREADY_DECIDED", "Already decided.");
    Object.assign(c, { status: "cancelled", decidedAt: this.now(), decidedBy: c.employeeId });
  };

  /** A manager's decision. */
  decide(id: string, approve: boolean, comment = "") {
    const c = this.items.find((item) => item.id === id)!;
    Object.assign(c, { status: approve ? "approved" : "rejected", decidedAt: this.now(), decidedBy: "mgr_1", comment, ...(approve ? { punchId: `p_${id}` } : {}) });
  }
}

/** Bytes that start like a file of each evidence type (and one that is none of them). */
export const FILE_HEADS = {
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  jpeg: [0xff, 0xd8, 0xff, 0xe0],
  webp: [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50],
  pdf: [0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37],
  gif: [0x47, 0x49, 0x46, 0x38, 0x39, 0x61],
} as const;

/** A picked file (what an <input type=file> gives) of `size` bytes starting with `head`; counts whole reads. */
export function pickedFile(name: string, head: readonly number[], size = 64) {
  const bytes = new Uint8Array(size);
  bytes.set(head.slice(0, size));
  const file = {
    name,
    size,
    wholeReads: 0,
    slice: (start = 0, end = size) => ({ arrayBuffer: async () => bytes.slice(start, end).buffer }),
    arrayBuffer: async () => {
      file.wholeReads++;
      return bytes.slice().buffer;
    },
  };
  return file;
}
