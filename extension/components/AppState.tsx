import { computed, signal } from "@preact/signals";
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import {
  attentionItem,
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
  type AttentionItem,
  type Enrolment,
  type Policy,
  type PunchState,
  type QueueItem,
  type Session,
  type StoredReceipt,
} from "../utils/storage";

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
  };
  return { ...state, enrolled: computed(() => state.enrolment.value !== null) };
}
export type AppState = ReturnType<typeof createAppState>;

/** Reads every item once, then follows changes made by the background or another page. */
export async function loadAppState(state: AppState, policy: Policy): Promise<void> {
  const [enrolment, session, punchState, queue, attention, receipts, lastSync, server] = await Promise.all([
    enrolmentItem.getValue(),
    sessionItem.getValue(),
    punchStateItem.getValue(),
    queueItem.getValue(),
    attentionItem.getValue(),
    receiptsItem.getValue(),
    lastSyncItem.getValue(),
    serverUnder(policy),
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
  state.loaded.value = true;
  enrolmentItem.watch((v) => (state.enrolment.value = v));
  sessionItem.watch((v) => (state.session.value = v));
  punchStateItem.watch((v) => (state.punchState.value = v ?? EMPTY_PUNCH_STATE));
  queueItem.watch((v) => (state.queue.value = v ?? []));
  attentionItem.watch((v) => (state.attention.value = v ?? []));
  receiptsItem.watch((v) => (state.receipts.value = v ?? []));
  lastSyncItem.watch((v) => (state.lastSync.value = v));
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

/** A live session token, or null when there is none or it has expired. */
export function liveToken(state: AppState, now = Date.now()): string | null {
  const session = state.session.value;
  return session && session.expiresAt > now + 5_000 ? session.token : null;
}
