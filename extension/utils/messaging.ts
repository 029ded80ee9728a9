import { defineExtensionMessaging } from "@webext-core/messaging";

/** What the background answers after a drain of the offline queue. */
export interface SyncResult {
  sent: number;
  waiting: number;
  attention: number;
  nextAttemptAt: number | null;
}

/** The punch window's report once its passkey ceremony ends (the popup may be gone by then). */
export interface WindowPunchReport {
  kind: "in" | "out";
  outcome: "recorded" | "queued" | "refused" | "cancelled" | "failed";
  message: string;
}

/** Every message between the popup, the options page, the passkey window and the background. */
interface ProtocolMap {
  /** Drain the queue now (after any successful request, or the "Send now" button). */
  syncNow(): SyncResult;
  /** Reminder settings or the policy changed: schedule the next reminder again. */
  remindersChanged(): void;
  /** The passkey window finished (or gave up on) the punch the popup could not sign. */
  punchFromWindow(report: WindowPunchReport): void;
}

export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>();
