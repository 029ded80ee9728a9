import type { WxtBrowser } from "wxt/browser";
import type { Correction } from "../../shared/api";
import { localDateTime } from "../../shared/time";
import type { Api } from "./api";
import { badgeFor } from "./badge";
import { drainCorrections, hasPending, refreshCorrections, type CorrectionDeps } from "./corrections";
import type { MessageKey } from "./i18n";
import type { SyncResult } from "./messaging";
import { drainQueue, queueDueAt, retryAllNow } from "./queue";
import { nextReminder, reminderZone, shouldNotify, type ReminderKind } from "./reminders";
import {
  attentionItem,
  correctionOutboxItem,
  correctionsItem,
  enrolmentItem,
  prefsItem,
  punchStateItem,
  queueItem,
  readPolicy,
  sessionItem,
  workZoneItem,
} from "./storage";

export const DRAIN_ALARM = "drain";
/** While punches wait: a probe every 30 s (the shortest period Chrome allows packed extensions). */
export const TICK_ALARM = "drain-tick";
export const REMINDER_ALARM = "reminder";
/** Correction requests: sends what waits on this device, and looks for decisions on pending ones. */
export const CORRECTIONS_ALARM = "corrections";
/** While requests wait to be sent: a try a minute (one small request; the popup and a new session send sooner). */
export const CORRECTIONS_SEND_MINUTES = 1;
/** While requests only wait for a manager: a look every 15 minutes (people decide in hours). */
export const CORRECTIONS_CHECK_MINUTES = 15;

/** Everything the background touches outside storage, so tests can hand in fakes. */
export interface BackgroundDeps {
  browser: Pick<WxtBrowser, "alarms" | "action" | "notifications" | "runtime">;
  now(): number;
  random(): number;
  timeZone(): string;
  api(serverUrl: string): Pick<Api, "batch" | "health" | "fileCorrection" | "myCorrections">;
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
    await Promise.all([drain(), checkCorrections({ lookForDecisions: false })]);
  }

  async function correctionDeps(): Promise<CorrectionDeps | null> {
    const enrolment = await enrolmentItem.getValue();
    if (!enrolment) return null;
    return { api: deps.api(enrolment.serverUrl), scope: { serverUrl: enrolment.serverUrl, employeeId: enrolment.employeeId }, now: deps.now };
  }

  let checking: Promise<void> | null = null;

  /**
   * Sends the correction requests waiting on this device; with `lookForDecisions`, then reads the
   * list while any known request is pending, and tells of the decisions since the last read.
   */
  function checkCorrections({ lookForDecisions }: { lookForDecisions: boolean }): Promise<void> {
    checking ??= (async () => {
      const cdeps = await correctionDeps();
      if (!cdeps) return;
      if ((await correctionOutboxItem.getValue()).some((item) => !item.refused)) await drainCorrections(cdeps);
      if (!lookForDecisions || !hasPending(await correctionsItem.getValue())) return;
      const news = await refreshCorrections(cdeps);
      if (news?.length) await notifyDecisions(news);
    })().finally(() => (checking = null));
    return checking;
  }

  /** The correction alarm's period follows what there is to do: send, look for decisions, or nothing. */
  async function scheduleCorrections() {
    const [enrolment, outbox, known] = await Promise.all([enrolmentItem.getValue(), correctionOutboxItem.getValue(), correctionsItem.getValue()]);
    const period = !enrolment
      ? null
      : outbox.some((item) => !item.refused)
        ? CORRECTIONS_SEND_MINUTES
        : hasPending(known) && known!.employeeId === enrolment.employeeId
          ? CORRECTIONS_CHECK_MINUTES
          : null;
    const current = await browser.alarms.get(CORRECTIONS_ALARM);
    if (period === null) {
      if (current) await browser.alarms.clear(CORRECTIONS_ALARM);
    } else if (current?.periodInMinutes !== period) {
      await browser.alarms.create(CORRECTIONS_ALARM, { periodInMinutes: period });
    }
  }

  /** One notification per decision; the popup shows them again when it next opens. */
  async function notifyDecisions(decided: Correction[]) {
    await deps.loadLanguage();
    const zone = (await workZoneItem.getValue())?.timeZone ?? deps.timeZone();
    for (const c of decided) {
      const about = deps.t(c.kind === "in" ? "decisionAboutIn" : "decisionAboutOut", localDateTime(c.time, zone));
      await browser.notifications.create(`clockwork-correction-${c.id}`, {
        type: "basic",
        iconUrl: browser.runtime.getURL("/icon/128.png"),
        title: deps.t(c.status === "approved" ? "decisionApprovedTitle" : "decisionRejectedTitle"),
        message: c.comment ? `${about}\n${deps.t("requestComment", c.comment)}` : about,
        priority: 1,
      });
    }
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
    void scheduleCorrections().catch(log("corrections"));
  };

  browser.runtime.onInstalled.addListener(async ({ reason }) => {
    refreshAll();
    if (reason === "install" && !(await enrolmentItem.getValue())) await browser.runtime.openOptionsPage();
  });
  browser.runtime.onStartup.addListener(refreshAll);

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === DRAIN_ALARM) void drain().catch(log("drain"));
    else if (alarm.name === TICK_ALARM) void tick().catch(log("probe"));
    else if (alarm.name === CORRECTIONS_ALARM) void checkCorrections({ lookForDecisions: true }).catch(log("corrections"));
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
  for (const item of [correctionOutboxItem, correctionsItem, enrolmentItem] as const) {
    unwatch.push((item.watch as (cb: () => void) => () => void)(() => void scheduleCorrections().catch(log("corrections"))));
  }
  // A fresh session (from a punch) lets requests that waited for one go at once.
  unwatch.push(
    sessionItem.watch((session) => {
      if (session) void checkCorrections({ lookForDecisions: false }).catch(log("corrections"));
    }),
  );

  // A service worker restarted by an alarm or a message: the badge is already right, but the
  // language of its title and the next alarms are re-derived cheaply.
  void refreshBadge().catch(log("badge"));

  return {
    drain,
    tick,
    updateBadge,
    scheduleReminder,
    checkCorrections,
    scheduleCorrections,
    /** "Send now" and any successful request elsewhere: everything waiting is due at once, correction requests too. */
    async syncNow(): Promise<SyncResult> {
      await retryAllNow();
      const [result] = await Promise.all([drain(), checkCorrections({ lookForDecisions: false }).catch(log("corrections"))]);
      return result;
    },
    /** Stops watching storage (tests start a fresh background per case). */
    stop() {
      for (const off of unwatch) off();
    },
  };
}
