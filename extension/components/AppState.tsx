import { computed, signal } from "@preact/signals";
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import {
  attentionItem,
  correctionOutboxItem,
  correctionsItem,
  EMPTY_PUNCH_STATE,
  enrolmentItem,
  lastSyncItem,
  punchStateItem,
  queueItem,
  POLICY_WAIT_MS,
  readPolicy,
  receiptsItem,
  serverUnder,
  sessionItem,
  unseenDecisionsItem,
  workZoneItem,
  type AttentionItem,
  type CorrectionDraft,
  type Enrolment,
  type KnownCorrections,
  type OutboxItem,
  type Policy,
  type PunchState,
  type QueueItem,
  type Session,
  type StoredReceipt,
  type WorkZone,
} from "../utils/storage";

/** Which screen the popup shows; `from` is the id of the control that opened it, focused again on the way back. */
export type PopupView =
  | { name: "main"; from?: string }
  | { name: "fix"; date: string; kind: "in" | "out"; from?: string; draft?: CorrectionDraft }
  | { name: "requests"; from?: string; notice?: { tone: "success" | "info"; text: string } };

/** Everything the popup and options page show, mirrored from storage and kept live by watchers. */
export function createAppState() {
  const state = {
    loaded: signal(false),
    enrolment: signal<Enrolment | null>(null),
    session: signal<Session | null>(null),
    punchState: signal<PunchState>(EMPTY_PUNCH_STATE),
    queue: signal<QueueItem[]>([]),
    attention: signal<AttentionItem[]>([]),
    receipts: signal<StoredReceipt[]>([]),
    lastSync: signal<number | null>(null),
    policy: signal<Policy>({}),
    server: signal<{ url: string; locked: boolean }>({ url: "", locked: false }),
    /** Correction requests waiting on this device, and those the server holds as last read. */
    outbox: signal<OutboxItem[]>([]),
    corrections: signal<KnownCorrections | null>(null),
    unseenDecisions: signal<string[]>([]),
    workZone: signal<WorkZone | null>(null),
    view: signal<PopupView>({ name: "main" }),
  };
  return { ...state, enrolled: computed(() => state.enrolment.value !== null) };
}
export type AppState = ReturnType<typeof createAppState>;

/** Reads every item once, then follows changes made by the background or another page. */
export async function loadAppState(state: AppState, policy: Policy): Promise<void> {
  const [enrolment, session, punchState, queue, attention, receipts, lastSync, server, outbox, corrections, unseen, workZone] = await Promise.all([
    enrolmentItem.getValue(),
    sessionItem.getValue(),
    punchStateItem.getValue(),
    queueItem.getValue(),
    attentionItem.getValue(),
    receiptsItem.getValue(),
    lastSyncItem.getValue(),
    serverUnder(policy),
    correctionOutboxItem.getValue(),
    correctionsItem.getValue(),
    unseenDecisionsItem.getValue(),
    workZoneItem.getValue(),
  ]);
  state.enrolment.value = enrolment;
  state.session.value = session;
  state.punchState.value = punchState;
  state.queue.value = queue;
  state.attention.value = attention;
  state.receipts.value = receipts;
  state.lastSync.value = lastSync;
  state.policy.value = policy;
  state.server.value = server;
  state.outbox.value = outbox;
  state.corrections.value = corrections;
  state.unseenDecisions.value = unseen;
  state.workZone.value = workZone;
  state.loaded.value = true;
  enrolmentItem.watch((v) => (state.enrolment.value = v));
  sessionItem.watch((v) => (state.session.value = v));
  punchStateItem.watch((v) => (state.punchState.value = v ?? EMPTY_PUNCH_STATE));
  queueItem.watch((v) => (state.queue.value = v ?? []));
  attentionItem.watch((v) => (state.attention.value = v ?? []));
  receiptsItem.watch((v) => (state.receipts.value = v ?? []));
  lastSyncItem.watch((v) => (state.lastSync.value = v));
  correctionOutboxItem.watch((v) => (state.outbox.value = v ?? []));
  correctionsItem.watch((v) => (state.corrections.value = v));
  unseenDecisionsItem.watch((v) => (state.unseenDecisions.value = v ?? []));
  workZoneItem.watch((v) => (state.workZone.value = v));
}

/** The policy for a page about to render, and the state updated if the live policy differs. */
export function pagePolicy(state: AppState): Promise<Policy> {
  return readPolicy({
    timeoutMs: POLICY_WAIT_MS,
    onLive: (live) => {
      if (JSON.stringify(live) === JSON.stringify(state.policy.value)) return;
      state.policy.value = live;
      void serverUnder(live).then((server) => (state.server.value = server));
    },
  });
}

export const AppStateContext = createContext<AppState | null>(null);

export function useAppState(): AppState {
  const state = useContext(AppStateContext);
  if (!state) throw new Error("AppStateContext is missing");
  return state;
}

/** The zone the employee's days are judged in (from GET /api/me of this server), or null while unknown. */
export function workZoneOf(state: AppState): WorkZone | null {
  const zone = state.workZone.value;
  return zone && zone.serverUrl === state.enrolment.value?.serverUrl ? zone : null;
}

/** The requests the server holds for the enrolled employee, as last read. */
export function knownCorrectionsOf(state: AppState): KnownCorrections | null {
  const known = state.corrections.value;
  const enrolment = state.enrolment.value;
  return known && enrolment && known.serverUrl === enrolment.serverUrl && known.employeeId === enrolment.employeeId ? known : null;
}

/** A live session token, or null when there is none or it has expired. */
export function liveToken(state: AppState, now = Date.now()): string | null {
  const session = state.session.value;
  return session && session.expiresAt > now + 5_000 ? session.token : null;
}
