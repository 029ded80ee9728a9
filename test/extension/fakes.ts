// Test doubles for the extension layer: signed punches and a server that behaves like the
// Worker's punch routes (idempotent on the punch id, one HTTP status per batch item).
import type { PunchBatchResult, PunchRecord, Receipt } from "../../shared/api";
import type { Punch } from "../../shared/punch";
import { buildPunch } from "../../extension/utils/punch";
import type { Enrolment, SignedPunch } from "../../extension/utils/storage";

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
