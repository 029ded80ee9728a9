import { browser } from "wxt/browser";
import { defineBackground } from "wxt/utils/define-background";
import { createApi } from "../utils/api";
import { badgeFor } from "../utils/badge";
import { initI18n, quickPolicy, t, type MessageKey } from "../utils/i18n";
import { onMessage, type SyncResult } from "../utils/messaging";
import { drainQueue, retryAllNow } from "../utils/queue";
import { nextReminder, shouldNotify, type ReminderKind } from "../utils/reminders";
import {
  attentionItem,
  enrolmentItem,
  prefsItem,
  punchStateItem,
  queueItem,
  readPolicy,
} from "../utils/storage";

const DRAIN_ALARM = "drain";
/** While punches wait: a probe every 30 s (the shortest period Chrome allows packed extensions). */
const TICK_ALARM = "drain-tick";
const REMINDER_ALARM = "reminder";

export default defineBackground(() => {
  let draining: Promise<SyncResult> | null = null;

  /** Sends what is due; one drain at a time (the queue module also locks across contexts). */
  function drain(): Promise<SyncResult> {
    draining ??= (async () => {
      const enrolment = await enrolmentItem.getValue();
      if (!enrolment) return { sent: 0, waiting: 0, attention: 0, nextAttemptAt: null };
      const api = createApi(enrolment.serverUrl);
      const result = await drainQueue({ api, now: Date.now, random: Math.random });
      await scheduleDrain(result.nextAttemptAt);
      return result;
    })().finally(() => (draining = null));
    return draining;
  }

  /** An alarm at the earliest retry time, plus the periodic probe while anything waits. */
  async function scheduleDrain(nextAttemptAt: number | null) {
    if (nextAttemptAt === null) {
      await browser.alarms.clear(DRAIN_ALARM);
      await browser.alarms.clear(TICK_ALARM);
      return;
    }
    await browser.alarms.create(DRAIN_ALARM, { when: Math.max(nextAttemptAt, Date.now() + 500) });
    if (!(await browser.alarms.get(TICK_ALARM))) await browser.alarms.create(TICK_ALARM, { periodInMinutes: 0.5 });
  }

  /** The periodic probe: if the server answers again, everything waiting is due at once. */
  async function tick() {
    const [enrolment, queue] = await Promise.all([enrolmentItem.getValue(), queueItem.getValue()]);
    if (!enrolment || queue.length === 0) return scheduleDrain(null);
    if (queue.some((q) => q.nextAttemptAt <= Date.now())) return void (await drain());
    try {
      await createApi(enrolment.serverUrl).health();
    } catch {
      return;
    }
    await retryAllNow();
    await drain();
  }

  async function updateBadge() {
    const [enrolment, state, queue, attention] = await Promise.all([
      enrolmentItem.getValue(),
      punchStateItem.getValue(),
      queueItem.getValue(),
      attentionItem.getValue(),
    ]);
    const badge = badgeFor({ enrolled: enrolment !== null, state, waiting: queue.length, attention: attention.length });
    await browser.action.setBadgeText({ text: badge.text });
    await browser.action.setBadgeBackgroundColor({ color: badge.color });
    await browser.action.setTitle({ title: t(badge.titleKey as MessageKey, ...badge.titleArgs) });
  }

  async function scheduleReminder() {
    await browser.alarms.clear(REMINDER_ALARM);
    const [enrolment, prefs, state, policy] = await Promise.all([enrolmentItem.getValue(), prefsItem.getValue(), punchStateItem.getValue(), readPolicy()]);
    if (!enrolment) return;
    // IT policy wins over the employee's switch, in both directions.
    const effective = { ...prefs, remindersEnabled: policy.remindersEnabled ?? prefs.remindersEnabled };
    const next = nextReminder(Date.now(), Intl.DateTimeFormat().resolvedOptions().timeZone, effective, state);
    if (next) await browser.alarms.create(`${REMINDER_ALARM}:${next.kind}`, { when: next.at });
    // Clear an alarm of the other kind set earlier (the state changed since).
    for (const kind of ["start", "end"] as const) if (kind !== next?.kind) await browser.alarms.clear(`${REMINDER_ALARM}:${kind}`);
  }

  async function remind(kind: ReminderKind) {
    const [state, prefs] = await Promise.all([punchStateItem.getValue(), prefsItem.getValue()]);
    if (shouldNotify(kind, state)) {
      await loadLanguage();
      await browser.notifications.create(`clockwork-${kind}`, {
        type: "basic",
        iconUrl: browser.runtime.getURL("/icon/128.png"),
        title: t(kind === "start" ? "reminderStartTitle" : "reminderEndTitle"),
        message: t(kind === "start" ? "reminderStartBody" : "reminderEndBody", kind === "start" ? prefs.startTime : prefs.endTime),
        priority: 1,
      });
    }
    await scheduleReminder();
  }

  // Chrome's policy service may take seconds after a browser start: use the cached policy meanwhile.
  const loadLanguage = () => quickPolicy().then((policy) => initI18n(undefined, policy));

  const log = (what: string) => (err: unknown) => console.warn(`Clockwork background: ${what} failed`, err);
  const refreshAll = () => {
    void loadLanguage().then(updateBadge).catch(log("badge"));
    void drain().catch(log("drain"));
    void scheduleReminder().catch(log("reminders"));
  };

  browser.runtime.onInstalled.addListener(async ({ reason }) => {
    refreshAll();
    if (reason === "install" && !(await enrolmentItem.getValue())) await browser.runtime.openOptionsPage();
  });
  browser.runtime.onStartup.addListener(refreshAll);

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === DRAIN_ALARM) void drain().catch(log("drain"));
    else if (alarm.name === TICK_ALARM) void tick().catch(log("probe"));
    else if (alarm.name.startsWith(`${REMINDER_ALARM}:`)) void remind(alarm.name.slice(REMINDER_ALARM.length + 1) as ReminderKind).catch(log("reminder"));
  });

  browser.notifications.onClicked.addListener((id) => {
    // Chrome cannot open the popup from here everywhere; the shortcut is in the message.
    void browser.notifications.clear(id);
  });

  // The badge follows every change, whoever makes it (popup, passkey window, this worker).
  for (const item of [enrolmentItem, punchStateItem, queueItem, attentionItem] as const) {
    (item.watch as (cb: () => void) => void)(() => void updateBadge().catch(log("badge")));
  }
  // A newly queued punch gets its first retry scheduled right away.
  queueItem.watch((queue) => {
    const next = queue?.length ? Math.min(...queue.map((q) => q.nextAttemptAt)) : null;
    void scheduleDrain(next).catch(log("schedule"));
  });
  punchStateItem.watch(() => void scheduleReminder().catch(log("reminders")));
  prefsItem.watch(() => void scheduleReminder().catch(log("reminders")));

  onMessage("syncNow", async () => {
    await retryAllNow();
    return drain();
  });
  onMessage("remindersChanged", () => scheduleReminder());

  // A service worker restarted by an alarm or a message: the badge is already right, but the
  // language of its title and the next alarms are re-derived cheaply.
  void loadLanguage().then(updateBadge).catch(log("badge"));
});
