import { and, asc, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Context } from "hono";
import canonicalize from "canonicalize";
import { sha256, toBase64Url } from "../../shared/encoding";
import type { DB } from "../db/client";
import { type Bound, prepare } from "../db/prepared";
import { auditLog } from "../db/schema";
import type { AppEnv, Principal } from "../env";
import { clientIp } from "./request";

export interface AuditEntry {
  action: string;
  actor?: Pick<Principal, "type" | "id"> | { type: "system" | "anonymous"; id?: string | null };
  subjectType?: string;
  subjectId?: string | null;
  data?: Record<string, unknown>;
  ip?: string | null;
  at: number;
}

/**
 * The insert for one audit entry, to put in the same batch as the change it
 * describes (so a change is never recorded without its audit entry). Entries
 * are sealed into the hash chain later, by the scheduled handler.
 */
export function auditInsert(db: DB, entry: AuditEntry) {
  return db.insert(auditLog).values(auditRow(entry));
}

/** `auditInsert` for a change the signed-in principal makes in this request: its actor and IP are the request's. */
export function auditChange(c: Context<AppEnv>, entry: Omit<AuditEntry, "actor" | "ip">) {
  return auditInsert(c.var.db, { ...entry, actor: c.var.principal, ip: clientIp(c) });
}

function auditRow(entry: AuditEntry) {
  return {
    at: entry.at,
    actorType: entry.actor?.type ?? "anonymous",
    actorId: entry.actor?.id ?? null,
    action: entry.action,
    subjectType: entry.subjectType ?? null,
    subjectId: entry.subjectId ?? null,
    data: entry.data ?? null,
    ip: entry.ip ?? null,
  } as const;
}

const AUDIT_INSERT = prepare((db) =>
  db.insert(auditLog).values({
    at: sql.placeholder("at"),
    actorType: sql.placeholder("actorType"),
    actorId: sql.placeholder("actorId"),
    action: sql.placeholder("action"),
    subjectType: sql.placeholder("subjectType"),
    subjectId: sql.placeholder("subjectId"),
    data: sql.placeholder("data"),
    ip: sql.placeholder("ip"),
  }),
);

/** `auditInsert` as a statement built once per isolate (db/prepared.ts), for hot paths. */
export function auditInsertPrepared(entry: AuditEntry): Bound {
  return [AUDIT_INSERT, auditRow(entry)];
}

/** The hash that seals one entry: it covers the entry and the previous entry's hash. */
export async function entryHash(prevHash: string, entry: typeof auditLog.$inferSelect): Promise<string> {
  const { hash: _hash, prevHash: _prev, ...fields } = entry;
  return toBase64Url(await sha256(`${prevHash}\n${canonicalize(fields)}`));
}

/** Seals unsealed entries, oldest first, into the chain. Returns how many were sealed. */
export async function sealAuditLog(db: DB, max = 500): Promise<number> {
  const [last] = await db
    .select({ hash: auditLog.hash })
    .from(auditLog)
    .where(isNotNull(auditLog.hash))
    .orderBy(desc(auditLog.seq))
    .limit(1);
  const pending = await db.select().from(auditLog).where(isNull(auditLog.hash)).orderBy(asc(auditLog.seq)).limit(max);
  let prev = last?.hash ?? GENESIS;
  const updates = [];
  for (const entry of pending) {
    const hash = await entryHash(prev, entry);
    updates.push(db.update(auditLog).set({ prevHash: prev, hash }).where(and(eq(auditLog.seq, entry.seq), isNull(auditLog.hash))));
    prev = hash;
  }
  if (updates.length > 0) await db.batch(updates as unknown as Parameters<typeof db.batch>[0]);
  return updates.length;
}

export const GENESIS = "clockwork-audit-genesis";
