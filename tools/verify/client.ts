import type { ArchivedMonthSchema, AuditEntryRecord } from "../../shared/api";
import type { z } from "zod";
import type { AuthenticationResponseJSON } from "../../shared/webauthn-json";
import type { PunchFacts } from "./punches";

/** A proof as `/api/admin/punches/proofs` answers it (shared/api.ts `PunchProofSchema`). */
export interface Proof {
  record: PunchFacts;
  signed: string | null;
  assertion: AuthenticationResponseJSON | null;
  punchHash: string;
  credentialId: string | null;
  publicKey: { cose: string; jwk: unknown } | null;
  origin: string | null;
  receipt: { payload: string; signature: string };
}

export type ArchivedMonth = z.infer<typeof ArchivedMonthSchema>;

/** The pages the Worker serves at most (shared/api.ts). */
const PROOF_PAGE = 500;
const AUDIT_PAGE = 500;
/** A request that has not answered by then has failed (a page, or an archived month). */
const REQUEST_TIMEOUT_MS = 120_000;

/** Reads the Worker's admin API with an API key; any answer but the expected one stops the run. */
export class WorkerClient {
  readonly base: string;

  constructor(
    url: string,
    private readonly apiKey: string,
    private readonly fetcher: typeof fetch = fetch,
  ) {
    this.base = url.replace(/\/+$/, "");
  }

  private async get(path: string, auth = true): Promise<Response> {
    const res = await this.fetcher(this.base + path, {
      headers: auth ? { Authorization: `Bearer ${this.apiKey}` } : {},
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!res.ok) {
      const body = await res.text().catch(() => "");
      throw new WorkerError(res.status, `GET ${path} answered ${res.status}: ${body.slice(0, 300)}`);
    }
    return res;
  }

  private async json<T>(path: string, auth = true): Promise<T> {
    return (await (await this.get(path, auth)).json()) as T;
  }

  receiptKey(): Promise<Record<string, unknown>> {
    return this.json("/api/receipts/key", false);
  }

  /** The signed checkpoints of the chain's head, oldest first. */
  async checkpoints(): Promise<{ seq: number; hash: string; payload: string; signature: string }[]> {
    return (await this.json<{ items: { seq: number; hash: string; payload: string; signature: string }[] }>("/api/admin/audit/checkpoints")).items;
  }

  /**
   * Asks the server to seal what is pending (its own check comes with the answer, and is not
   * read). Auditors and admins may; for anyone else the newest entries just stay unsealed.
   */
  async sealPending(): Promise<void> {
    try {
      await this.get("/api/admin/audit/verify");
    } catch (err) {
      if (!(err instanceof WorkerError && err.status === 403)) throw err;
    }
  }

  /** Audit entries with a sequence number above `after`, newest first as the API pages them. */
  async auditAfter(after = 0): Promise<AuditEntryRecord[]> {
    const out: AuditEntryRecord[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page: { items: AuditEntryRecord[]; nextCursor: string | null } = await this.json(`/api/admin/audit?limit=${AUDIT_PAGE}${cursor ? `&cursor=${cursor}` : ""}`);
      for (const e of page.items) {
        if (e.seq <= after) return out;
        out.push(e);
      }
      if (!page.nextCursor) return out;
      cursor = page.nextCursor;
    }
  }

  /** Every proof with an effective time in [from, to], oldest first. */
  async proofs(from: number | null, to: number | null): Promise<Proof[]> {
    const out: Proof[] = [];
    let cursor: string | null = null;
    const range = `${from !== null ? `&from=${from}` : ""}${to !== null ? `&to=${to}` : ""}`;
    for (;;) {
      const page: { items: Proof[]; nextCursor: string | null } = await this.json(`/api/admin/punches/proofs?limit=${PROOF_PAGE}${range}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      out.push(...page.items);
      if (!page.nextCursor) return out;
      cursor = page.nextCursor;
    }
  }

  /** Whether the database still holds a punch (for a punch the log names outside the range read). */
  async punchExists(id: string): Promise<boolean> {
    try {
      await this.get(`/api/admin/punches/${encodeURIComponent(id)}`);
      return true;
    } catch (err) {
      if (err instanceof WorkerError && err.status === 404) return false;
      throw err;
    }
  }

  async archivedMonths(): Promise<ArchivedMonth[]> {
    return (await this.json<{ items: ArchivedMonth[] }>("/api/admin/archive")).items;
  }

  /** An archived month's NDJSON, its parts one after the other. */
  async archivedMonth(month: string): Promise<Uint8Array> {
    return new Uint8Array(await (await this.get(`/api/admin/archive/${month}`)).arrayBuffer());
  }
}

export class WorkerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
