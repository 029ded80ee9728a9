import type { WxtBrowser } from "wxt/browser";
import type { Api } from "./api";
import { badgeFor } from "./badge";
import type { MessageKey } from "./i18n";
import type { SyncResult } from "./messaging";
import { drainQueue, queueDueAt, retryAllNow } from "./queue";
import { nextReminder, reminderZone, shouldNotify, type ReminderKind } from "./reminders";
import { attentionItem, enrolmentItem, prefsItem, punchStateItem, queueItem, readPolicy } from "./storage";

export const DRAIN_ALARM = "drain";
/** While punches wait: a probe every 30 s (the shortest period Chrome allows packed extensions). */
export const TICK_ALARM = "drain-tick";
export const REMINDER_ALARM = "reminder";

/** Everything the background touches outside storage, so tests can hand in fakes. */
export interface BackgroundDeps {
  browser: Pick<WxtBrowser, "alarms" | "action" | "notifications" | "runtime">;
  now(): number;
  random(): number;
  timeZone(): string;
  api(serverUrl: string): Pick<Api, "batch" | "health">;
  /** Loads the UI language (policy, choice, browser) before texts are made. */
  loadLanguage(): Promise<unknown>;
  t(key: MessageKey, ...subs: (string | number)[]): string;
}

/**
 * The service worker's logic: the offline queue's drain and probe alarms, the toolbar badge and
 * the reminders. Registers its listeners on `deps.browser` and the storage items; returns the
 * operations the message handlers call.
 */
export function startBackground(deps: BackgroundDeps) {
  const { browser } = deps;
  let draining: Promise<SyncResult> | null = null;

  /** Sends the queue if it is due, all of it, oldest first; one drain at a time (the queue module also locks across contexts). */
  function drain(): Promise<SyncResult> {
    draining ??= (async () => {
      const enrolment = await enrolmentItem.getValue();
      if (!enrolment) return { sent: 0, waiting: 0, attention: 0, nextAttemptAt: null };
      const result = await drainQueue({ api: deps.api(enrolment.serverUrl), now: deps.now, random: deps.random });
      await scheduleDrain(result.nextAttemptAt);
      return result;
    })().finally(() => (draining = null));
    return draining;
  }

  /** An alarm at the queue's next attempt, plus the periodic probe while anything waits. */
  async function scheduleDrain(nextAttemptAt: number | null) {
    if (nextAttemptAt === null) {
      await browser.alarms.clear(DRAIN_ALARM);
      await browser.alarms.clear(TICK_ALARM);
      return;
    }
    await browser.alarms.create(DRAIN_ALARM, { when: Math.max(nextAttemptAt, deps.now() + 500) });
    if (!(await browser.alarms.get(TICK_ALARM))) await browser.alarms.create(TICK_ALARM, { periodInMinutes: 0.5 });
  }

  /** The periodic probe: if the server answers again, everything waiting is due at once. */
  async function tick() {
    const [enrolment, queue] = await Promise.all([enrolmentItem.getValue(), queueItem.getValue()]);
    if (!enrolment || queue.length === 0) return scheduleDrain(null);
    if (queueDueAt(queue)! <= deps.now()) return void (await drain());
    try {
      await deps.api(enrolment.serverUrl).health();
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
    await browser.action.setTitle({ title: deps.t(badge.titleKey as MessageKey, ...badge.titleArgs) });
  }

  async function scheduleReminder() {
    await browser.alarms.clear(REMINDER_ALARM);
    const [enrolment, prefs, state, policy] = await Promise.all([enrolmentItem.getValue(), prefsItem.getValue(), punchStateItem.getValue(), readPolicy()]);
    if (!enrolment) return;
    // IT policy wins over the employee's switch, in both directions.
    const effective = { ...prefs, remindersEnabled: policy.remindersEnabled ?? prefs.remindersEnabled };
    const next = nextReminder(deps.now(), reminderZone(prefs, deps.timeZone()), effective, state);
    if (next) await browser.alarms.create(`${REMINDER_ALARM}:${next.kind}`, { when: next.at });
    // Clear an alarm of the other kind set earlier (the state changed since).
    for (const kind of ["start", "end"] as const) if (kind !== next?.kind) await browser.alarms.clear(`${REMINDER_ALARM}:${kind}`);
  }

  async function remind(kind: ReminderKind) {
    const [state, prefs] = await Promise.all([punchStateItem.getValue(), prefsItem.getValue()]);
    if (shouldNotify(kind, state)) {
      await deps.loadLanguage();
      // "09:00" alone would read as the browser's time when the schedule's zone differs.
      const zone = reminderZone(prefs, deps.timeZone());
      const time = kind === "start" ? prefs.startTime : prefs.endTime;
      await browser.notifications.create(`clockwork-${kind}`, {
        type: "basic",
        iconUrl: browser.runtime.getURL("/icon/128.png"),
        title: deps.t(kind === "start" ? "reminderStartTitle" : "reminderEndTitle"),
        message: deps.t(kind === "start" ? "reminderStartBody" : "reminderEndBody", zone === deps.timeZone() ? time : `${time} (${zone})`),
        priority: 1,
      });
    }
    await scheduleReminder();
  }

  const log = (what: string) => (err: unknown) => console.warn(`Clockwork background: ${what} failed`, err);
  const refreshBadge = () => deps.loadLanguage().then(updateBadge);
  const refreshAll = () => {
    void refreshBadge().catch(log("badge"));
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
  const unwatch: (() => void)[] = [];
  for (const item of [enrolmentItem, punchStateItem, queueItem, attentionItem] as const) {
    unwatch.push((item.watch as (cb: () => void) => () => void)(() => void updateBadge().catch(log("badge"))));
  }
  // A newly queued punch makes the queue due: everything waiting goes with it, right away.
  unwatch.push(queueItem.watch((queue) => void scheduleDrain(queueDueAt(queue ?? [])).catch(log("schedule"))));
  unwatch.push(punchStateItem.watch(() => void scheduleReminder().catch(log("reminders"))));
  unwatch.push(prefsItem.watch(() => void scheduleReminder().catch(log("reminders"))));

  // A service worker restarted by an alarm or a message: the badge is already right, but the
  // language of its title and the next alarms are re-derived cheaply.
  void refreshBadge().catch(log("badge"));

  return {
    drain,
    tick,
    updateBadge,
    scheduleReminder,
    /** "Send now" and any successful request elsewhere: everything waiting is due at once. */
    async syncNow(): Promise<SyncResult> {
      await retryAllNow();
      return drain();
    },
    /** Stops watching storage (tests start a fresh background per case). */
    stop() {
      for (const off of unwatch) off();
    },
  };
}
