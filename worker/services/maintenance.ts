import { lt } from "drizzle-orm";
import type { DB } from "../db/client";
import { sessions, spentChallenges, webauthnFlows } from "../db/schema";
import { type SealReport, sealAuditLog } from "./audit";
import { flushSecurityEvents } from "./security";
import { type RetentionReport, runRetention } from "./retention";

export interface MaintenanceReport {
  /** Expired sign-in flows, sessions and spent sign-in challenges removed. */
  expired: number;
  /** Closed windows of security events written to the audit log, one entry each. */
  securityEntries: number;
  retention: RetentionReport | null;
  seal: SealReport | null;
  /** The steps that failed, with their error; the others still ran. */
  failed: { step: string; error: string }[];
}

/**
 * The scheduled handler's work (every 15 minutes), also run on demand by an admin: forget what
 * has expired, a page of retention (services/retention.ts), turn closed windows of security
 * events into audit entries, and seal the audit log (which seals those entries too). Each step
 * runs even when one before it failed.
 */
export async function runMaintenance(db: DB, env: Pick<Env, "RECEIPT_KEY" | "EVIDENCE">, now: number): Promise<MaintenanceReport> {
  const report: MaintenanceReport = { expired: 0, securityEntries: 0, retention: null, seal: null, failed: [] };
  const step = async (name: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      report.failed.push({ step: name, error: err instanceof Error ? err.message : String(err) });
    }
  };
  await step("expire", async () => {
    const results = await db.batch([
      db.delete(webauthnFlows).where(lt(webauthnFlows.expiresAt, now)),
      db.delete(sessions).where(lt(sessions.expiresAt, now)),
      db.delete(spentChallenges).where(lt(spentChallenges.expiresAt, now)),
    ]);
    report.expired = results.reduce((n, r) => n + r.meta.changes, 0);
  });
  await step("retention", async () => {
    report.retention = await runRetention(db, env.EVIDENCE, now);
  });
  await step("security-events", async () => {
    report.securityEntries = (await flushSecurityEvents(db, now)).entries;
  });
  await step("seal", async () => {
    report.seal = await sealAuditLog(db, env.RECEIPT_KEY, { now });
  });
  return report;
}

/** One line for the Worker's log. */
export function describeMaintenance(report: MaintenanceReport): string {
  const seal = report.seal
    ? `sealed ${report.seal.sealed} audit entries up to #${report.seal.head?.seq ?? 0}${report.seal.drained ? "" : " (time budget spent, more waiting)"}`
    : "audit log not sealed";
  const failed = report.failed.map((f) => `${f.step} failed: ${f.error}`).join("; ");
  const r = report.retention;
  const retention = r
    ? `retention erased location of ${r.locationErased} punches, IP of ${r.ipErased}, evidence of ${r.evidenceErased} requests, anonymised ${r.anonymized}${r.archived ? `, archived ${r.archived.punches} punches of ${r.archived.month}` : ""}${r.more ? " (more waiting)" : ""}`
    : "no retention";
  return `maintenance: removed ${report.expired} expired rows, ${retention}, wrote ${report.securityEntries} security entries, ${seal}${failed ? `; ${failed}` : ""}`;
}
