import { fakeBrowser } from "wxt/testing/fake-browser";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { NetworkError } from "../../extension/utils/api";
import { BADGE_COLORS } from "../../extension/utils/badge";
import { CORRECTIONS_ALARM, DRAIN_ALARM, REMINDER_ALARM, TICK_ALARM, startBackground } from "../../extension/utils/background-logic";
import { fileCorrectionNow, recordCorrections } from "../../extension/utils/corrections";
import { enqueue } from "../../extension/utils/queue";
import {
  DEFAULT_PREFS,
  adoptCompanyHours,
  attentionItem,
  correctionOutboxItem,
  enrolmentItem,
  prefsItem,
  punchStateItem,
  queueItem,
  sessionItem,
  unseenDecisionsItem,
  type PunchState,
} from "../../extension/utils/storage";
import { ENROLMENT, FakeCorrectionServer, FakeServer, T0, signed } from "./fakes";

// T0 is Monday 09:00 in New York; the day's start reminder is due then, the end one at 18:00.
const ZONE = "America/New_York";
const END = T0 + 9 * 3_600_000;
const IN: PunchState = { kind: "in", since: T0, pending: false };
const OUT: PunchState = { kind: "out", since: T0 - 86_400_000, pending: false };

let clock: { now: number };
let server: FakeServer;
let corrections: FakeCorrectionServer;
let health: ReturnType<typeof vi.fn>;
/** While true, every batch request fails as if the server were down. */
let down: boolean;
let background: ReturnType<typeof startBackground> | undefined;

function start(zone = ZONE) {
  background = startBackground({
    browser: fakeBrowser,
    now: () => clock.now,
    random: () => 0.5,
    timeZone: () => zone,
    api: () => ({
      batch: (items) => (down ? Promise.reject(new NetworkError("server down")) : server.batch(items)),
      health: health as never,
      fileCorrection: corrections.fileCorrection,
      myCorrections: corrections.myCorrections,
    }),
    loadLanguage: async () => undefined,
    t: (key, ...subs) => (subs.length ? `${key}(${subs.join(",")})` : key),
  });
  return background;
}

/** Listeners run after storage events: wait for their effect (generously, on a busy machine). */
const until = (check: () => unknown) => vi.waitFor(check as () => Promise<void>, { timeout: 5_000 });
const alarm = (name: string) => fakeBrowser.alarms.get(name);
const fire = async (name: string) => fakeBrowser.alarms.onAlarm.trigger({ name, scheduledTime: clock.now });
const notifications = async () => Object.keys(await fakeBrowser.notifications.getAll());

beforeEach(async () => {
  fakeBrowser.reset();
  clock = { now: T0 - 3_600_000 };
  server = new FakeServer();
  corrections = new FakeCorrectionServer();
  corrections.now = () => clock.now;
  health = vi.fn(async () => ({ ok: true as const, version: "test" }));
  down = false;
  await enrolmentItem.setValue(ENROLMENT);
});

afterEach(() => {
  background?.stop();
  background = undefined;
});

describe("reminders", () => {
  it("at the start time, not clocked in: the start reminder shows a notification", async () => {
    await punchStateItem.setValue(OUT);
    start();
    await fakeBrowser.runtime.onStartup.trigger();
    await until(async () => expect((await alarm(`${REMINDER_ALARM}:start`))?.scheduledTime).toBe(T0));

    clock.now = T0;
    await fire(`${REMINDER_ALARM}:start`);
    await until(async () => expect(await notifications()).toEqual(["clockwork-start"]));
    const shown = (await fakeBrowser.notifications.getAll())["clockwork-start"] as unknown as { title: string; message: string };
    expect(shown).toMatchObject({ title: "reminderStartTitle", message: "reminderStartBody(09:00)" });
    // The next one is tomorrow's start.
    await until(async () => expect((await alarm(`${REMINDER_ALARM}:start`))?.scheduledTime).toBe(T0 + 86_400_000));
  });

  it("at the start time, already clocked in: no notification, and the end reminder is set instead", async () => {
    await punchStateItem.setValue(IN);
    start();
    clock.now = T0;
    await fire(`${REMINDER_ALARM}:start`);
    await until(async () => expect((await alarm(`${REMINDER_ALARM}:end`))?.scheduledTime).toBe(END));
    expect(await notifications()).toEqual([]);
    expect(await alarm(`${REMINDER_ALARM}:start`)).toBeUndefined();
  });

  it("at the end time, still clocked in: the end reminder shows a notification", async () => {
    await punchStateItem.setValue(IN);
    start();
    await fakeBrowser.runtime.onStartup.trigger();
    await until(async () => expect((await alarm(`${REMINDER_ALARM}:end`))?.scheduledTime).toBe(END));
    clock.now = END;
    await fire(`${REMINDER_ALARM}:end`);
    await until(async () => expect(await notifications()).toEqual(["clockwork-end"]));
  });

  it("at the end time, clocked out already: no notification", async () => {
    await punchStateItem.setValue({ kind: "out", since: END - 60_000, pending: false });
    start();
    clock.now = END;
    await fire(`${REMINDER_ALARM}:end`);
    await until(async () => expect(await alarm(`${REMINDER_ALARM}:start`)).toBeDefined());
    expect(await notifications()).toEqual([]);
  });

  it("clocking in replaces the start reminder by the end reminder", async () => {
    await punchStateItem.setValue(OUT);
    start();
    await background!.scheduleReminder();
    expect(await alarm(`${REMINDER_ALARM}:start`)).toBeDefined();
    await punchStateItem.setValue(IN);
    await until(async () => expect((await alarm(`${REMINDER_ALARM}:end`))?.scheduledTime).toBe(END));
    expect(await alarm(`${REMINDER_ALARM}:start`)).toBeUndefined();
  });

  it.each([
    ["the employee turned them off", { prefs: false, policy: undefined }],
    ["IT policy turns them off, over the employee's switch", { prefs: true, policy: false }],
  ])("schedules nothing when %s", async (_name, { prefs, policy }) => {
    await prefsItem.setValue({ ...DEFAULT_PREFS, remindersEnabled: prefs });
    if (policy !== undefined) await fakeBrowser.storage.managed.set({ remindersEnabled: policy });
    await punchStateItem.setValue(OUT);
    start();
    await background!.scheduleReminder();
    await punchStateItem.setValue(IN); // a state change reschedules: still nothing
    await background!.scheduleReminder();
    const names = (await fakeBrowser.alarms.getAll()).map((a) => a.name);
    expect(names.filter((n) => n.startsWith(REMINDER_ALARM))).toEqual([]);
  });

  it("IT policy turns them on even when the employee turned them off", async () => {
    await prefsItem.setValue({ ...DEFAULT_PREFS, remindersEnabled: false });
    await fakeBrowser.storage.managed.set({ remindersEnabled: true });
    await punchStateItem.setValue(OUT);
    start();
    await background!.scheduleReminder();
    expect((await alarm(`${REMINDER_ALARM}:start`))?.scheduledTime).toBe(T0);
  });
});

// A browser in Berlin, a schedule in Shanghai: Monday 2025-03-10 09:00 is 01:00Z there, 08:00Z in Berlin.
describe("reminders in the schedule's zone", () => {
  const SHANGHAI_NINE = Date.UTC(2025, 2, 10, 1, 0);
  const BERLIN_NINE = Date.UTC(2025, 2, 10, 8, 0);

  beforeEach(async () => {
    clock.now = Date.UTC(2025, 2, 10, 0, 0); // Monday 01:00 Berlin, 08:00 Shanghai
    await punchStateItem.setValue(OUT);
  });

  it("following the company: 09:00 is Shanghai's, and the notification says so", async () => {
    await prefsItem.setValue({ ...DEFAULT_PREFS, timeZone: "Asia/Shanghai" });
    start("Europe/Berlin");
    await background!.scheduleReminder();
    expect((await alarm(`${REMINDER_ALARM}:start`))?.scheduledTime).toBe(SHANGHAI_NINE);

    clock.now = SHANGHAI_NINE;
    await fire(`${REMINDER_ALARM}:start`);
    await until(async () => expect(await notifications()).toEqual(["clockwork-start"]));
    const shown = (await fakeBrowser.notifications.getAll())["clockwork-start"] as unknown as { message: string };
    expect(shown.message).toBe("reminderStartBody(09:00 (Asia/Shanghai))");
  });

  it("the employee's own hours stay in the browser's zone, whatever zone was adopted before", async () => {
    await prefsItem.setValue({ ...DEFAULT_PREFS, followCompany: false, timeZone: "Asia/Shanghai" });
    start("Europe/Berlin");
    await background!.scheduleReminder();
    expect((await alarm(`${REMINDER_ALARM}:start`))?.scheduledTime).toBe(BERLIN_NINE);
  });

  it("adopting the schedule's zone moves the pending reminder at once", async () => {
    start("Europe/Berlin");
    await background!.scheduleReminder();
    expect((await alarm(`${REMINDER_ALARM}:start`))?.scheduledTime).toBe(BERLIN_NINE);
    await adoptCompanyHours({ start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5] }, "Asia/Shanghai");
    await until(async () => expect((await alarm(`${REMINDER_ALARM}:start`))?.scheduledTime).toBe(SHANGHAI_NINE));
  });
});

describe("badge", () => {
  const badge = async () => ({
    text: await fakeBrowser.action.getBadgeText({}),
    color: await fakeBrowser.action.getBadgeBackgroundColor({}),
    title: await fakeBrowser.action.getTitle({}),
  });
  const rgba = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).concat(255);

  it("follows the device state, the queue and the attention list as they change", async () => {
    await punchStateItem.setValue(OUT);
    start();
    await until(async () => expect(await badge()).toEqual({ text: "OUT", color: rgba(BADGE_COLORS.out), title: "badgeOut" }));

    await punchStateItem.setValue(IN);
    await until(async () => expect(await badge()).toEqual({ text: "IN", color: rgba(BADGE_COLORS.in), title: "badgeIn" }));

    // Offline: two punches wait.
    await enqueue(signed(T0), T0);
    await enqueue(signed(T0 + 60_000, "out"), T0);
    await until(async () => expect(await badge()).toEqual({ text: "2", color: rgba(BADGE_COLORS.waiting), title: "badgeWaiting(2)" }));

    // A refused punch is the most urgent.
    const refused = signed(T0 - 60_000);
    await attentionItem.setValue([{ ...refused, status: 403, code: "DEVICE_REVOKED", message: "revoked", at: T0 }]);
    await until(async () => expect(await badge()).toEqual({ text: "!", color: rgba(BADGE_COLORS.attention), title: "badgeAttention(1)" }));

    await attentionItem.setValue([]);
    await queueItem.setValue([]);
    await until(async () => expect((await badge()).text).toBe("IN"));

    await enrolmentItem.setValue(null);
    await until(async () => expect(await badge()).toMatchObject({ text: "", title: "badgeNotEnrolled" }));
  });
});

describe("offline queue", () => {
  it("a queued punch schedules the drain alarm at its retry time, with the probe beside it", async () => {
    start();
    const item = signed(T0 - 3_600_000);
    await enqueue(item, clock.now);
    const due = clock.now + 45_000;
    await queueItem.setValue((await queueItem.getValue()).map((q) => ({ ...q, attempts: 2, nextAttemptAt: due })));
    await until(async () => expect((await alarm(DRAIN_ALARM))?.scheduledTime).toBe(due));
    expect((await alarm(TICK_ALARM))?.periodInMinutes).toBe(0.5);

    // The alarm fires: the punch goes, and both alarms go away with the empty queue.
    clock.now = due;
    await fire(DRAIN_ALARM);
    await until(async () => expect(await queueItem.getValue()).toEqual([]));
    expect(server.sendCounts().get(item.punch.id)).toBe(1);
    await until(async () => expect(await alarm(DRAIN_ALARM)).toBeUndefined());
    expect(await alarm(TICK_ALARM)).toBeUndefined();
  });

  it("the probe sends everything at once when the server answers again, not before", async () => {
    start();
    const item = signed(T0 - 3_600_000);
    await enqueue(item, clock.now);
    // Backed off for ten minutes after failures.
    await queueItem.setValue((await queueItem.getValue()).map((q) => ({ ...q, attempts: 6, nextAttemptAt: clock.now + 600_000 })));

    health.mockRejectedValueOnce(new NetworkError("offline"));
    await fire(TICK_ALARM);
    await until(() => expect(health).toHaveBeenCalledTimes(1));
    await new Promise((r) => setTimeout(r, 20));
    expect(server.calls).toEqual([]);
    expect(await queueItem.getValue()).toHaveLength(1);

    clock.now += 30_000;
    await fire(TICK_ALARM);
    await until(async () => expect(await queueItem.getValue()).toEqual([]));
    expect(health).toHaveBeenCalledTimes(2);
    expect(server.calls).toEqual([[item.punch.id]]);
  });

  it("syncNow sends a backed-off punch at once", async () => {
    const bg = start();
    const item = signed(T0 - 3_600_000);
    await enqueue(item, clock.now);
    await queueItem.setValue((await queueItem.getValue()).map((q) => ({ ...q, attempts: 3, nextAttemptAt: clock.now + 300_000 })));
    expect(await bg.syncNow()).toEqual({ sent: 1, waiting: 0, attention: 0, nextAttemptAt: null });
    expect(server.recorded.has(item.punch.id)).toBe(true);
  });

  it("after a failed send, the drain alarm sends every waiting punch together, oldest first", async () => {
    start();
    const older = signed(T0 - 3_600_000);
    const newer = signed(T0 - 1_800_000, "out");
    // The older punch had already failed three times; the newer one was just queued.
    await enqueue(older, clock.now);
    await queueItem.setValue((await queueItem.getValue()).map((q) => ({ ...q, attempts: 3, nextAttemptAt: clock.now })));
    await enqueue(newer, clock.now);

    down = true;
    await background!.drain();
    const [a, b] = await queueItem.getValue();
    expect(a!.nextAttemptAt).toBe(b!.nextAttemptAt);
    await until(async () => expect((await alarm(DRAIN_ALARM))?.scheduledTime).toBe(a!.nextAttemptAt));

    down = false;
    clock.now = a!.nextAttemptAt;
    await fire(DRAIN_ALARM);
    await until(async () => expect(await queueItem.getValue()).toEqual([]));
    expect(server.calls).toEqual([[older.punch.id, newer.punch.id]]);
  });

  it("a punch queued while others back off sends all of them at once, oldest first", async () => {
    start();
    const waiting = [signed(T0 - 7_200_000), signed(T0 - 6_000_000, "out")];
    for (const item of waiting) await enqueue(item, clock.now);
    // Backed off for five minutes after failures.
    await queueItem.setValue((await queueItem.getValue()).map((q) => ({ ...q, attempts: 5, nextAttemptAt: clock.now + 300_000 })));
    await until(async () => expect((await alarm(DRAIN_ALARM))?.scheduledTime).toBe(clock.now + 300_000));

    clock.now += 60_000;
    const fresh = signed(clock.now);
    await enqueue(fresh, clock.now);
    // The new punch brings the queue's next attempt forward to now (the alarm's floor is half a second).
    await until(async () => expect((await alarm(DRAIN_ALARM))?.scheduledTime).toBe(clock.now + 500));
    clock.now += 500;
    await fire(DRAIN_ALARM);
    await until(async () => expect(await queueItem.getValue()).toEqual([]));
    expect(server.calls).toEqual([[...waiting, fresh].map((i) => i.punch.id)]);
  });
});

describe("correction requests", () => {
  const SCOPE = { serverUrl: ENROLMENT.serverUrl, employeeId: ENROLMENT.employeeId };
  const FIELDS = { date: "2025-03-09", kind: "out" as const, time: T0 - 20 * 3_600_000, reason: "Left in a hurry" };
  const period = async () => (await alarm(CORRECTIONS_ALARM))?.periodInMinutes;
  const fromPopup = () => ({ api: corrections, scope: SCOPE, now: () => clock.now, newKey: () => crypto.randomUUID() });

  beforeEach(async () => {
    await sessionItem.setValue({ token: "tok", expiresAt: clock.now + 12 * 3_600_000 });
  });

  it("while one is pending, the alarm looks every 15 minutes; a decision shows one notification, and waits for the popup", async () => {
    const filed = await corrections.fileCorrection("tok", FIELDS);
    await recordCorrections(SCOPE, [filed], clock.now);
    start();
    await fakeBrowser.runtime.onStartup.trigger();
    await until(async () => expect(await period()).toBe(15));

    await fire(CORRECTIONS_ALARM);
    await new Promise((r) => setTimeout(r, 20));
    expect(await notifications()).toEqual([]);

    corrections.decide(filed.id, true, "Thanks");
    clock.now += 15 * 60_000;
    await fire(CORRECTIONS_ALARM);
    await until(async () => expect(await notifications()).toEqual([`clockwork-correction-${filed.id}`]));
    const shown = (await fakeBrowser.notifications.getAll())[`clockwork-correction-${filed.id}`] as unknown as { title: string; message: string };
    expect(shown).toMatchObject({ title: "decisionApprovedTitle", message: "decisionAboutOut(2025-03-09 13:00)\nrequestComment(Thanks)" });
    expect(await unseenDecisionsItem.getValue()).toEqual([filed.id]);
    // Nothing pending any more: no more looking, and no second notification.
    await until(async () => expect(await period()).toBeUndefined());
    await fakeBrowser.notifications.clear(`clockwork-correction-${filed.id}`);
    await fire(CORRECTIONS_ALARM);
    await new Promise((r) => setTimeout(r, 20));
    expect(await notifications()).toEqual([]);
  });

  it("one waiting on this device: a try every minute, filed once the server answers, then watched for its decision", async () => {
    start();
    corrections.down = true;
    expect(await fileCorrectionNow(fromPopup(), { fields: FIELDS, files: [] })).toEqual({ outcome: "queued", reason: "offline" });
    await until(async () => expect(await period()).toBe(1));

    clock.now += 60_000;
    await fire(CORRECTIONS_ALARM);
    await new Promise((r) => setTimeout(r, 20));
    expect(corrections.items).toEqual([]);

    corrections.down = false;
    clock.now += 60_000;
    await fire(CORRECTIONS_ALARM);
    await until(async () => expect(await correctionOutboxItem.getValue()).toEqual([]));
    expect(corrections.items).toHaveLength(1);
    await until(async () => expect(await period()).toBe(15));

    await fire(CORRECTIONS_ALARM);
    await new Promise((r) => setTimeout(r, 20));
    expect(corrections.posts).toHaveLength(1);
  });

  it("one that waited for a session goes as soon as a punch brings one", async () => {
    await sessionItem.setValue(null);
    start();
    expect(await fileCorrectionNow(fromPopup(), { fields: FIELDS, files: [] })).toEqual({ outcome: "queued", reason: "signIn" });
    await sessionItem.setValue({ token: "fresh", expiresAt: clock.now + 12 * 3_600_000 });
    await until(() => expect(corrections.items).toHaveLength(1));
    expect(corrections.posts.map((p) => p.token)).toEqual(["fresh"]);
    await until(async () => expect(await correctionOutboxItem.getValue()).toEqual([]));
  });

  it("'Send now' sends waiting requests with the punches", async () => {
    const bg = start();
    corrections.down = true;
    await fileCorrectionNow(fromPopup(), { fields: FIELDS, files: [] });
    corrections.down = false;
    await bg.syncNow();
    expect(corrections.items).toHaveLength(1);
    expect(await correctionOutboxItem.getValue()).toEqual([]);
  });
});
