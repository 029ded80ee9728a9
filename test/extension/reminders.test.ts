import { describe, expect, it } from "vitest";
import { nextReminder, reminderZone, shouldNotify } from "../../extension/utils/reminders";
import { DEFAULT_PREFS, type Prefs, type PunchState } from "../../extension/utils/storage";

const IN: PunchState = { kind: "in", since: 0, pending: false };
const OUT: PunchState = { kind: "out", since: 0, pending: false };
const NEVER: PunchState = { kind: null, since: null, pending: false };
const EVERY_DAY: Prefs = { ...DEFAULT_PREFS, workdays: [1, 2, 3, 4, 5, 6, 7] };
const utc = (iso: string) => Date.parse(iso);

// 2025-03-09 (Sunday) is spring-forward day in New York: 02:00 EST → 03:00 EDT.
describe("nextReminder", () => {
  it.each([
    ["NY Friday before start: today 09:00 EST", "America/New_York", "2025-03-07T12:00:00Z", DEFAULT_PREFS, NEVER, "2025-03-07T14:00:00Z", "start"],
    ["NY Friday after start, clocked out: Monday 09:00, now EDT", "America/New_York", "2025-03-07T15:00:00Z", DEFAULT_PREFS, OUT, "2025-03-10T13:00:00Z", "start"],
    ["NY Saturday evening, every day a workday: Sunday 09:00 EDT", "America/New_York", "2025-03-09T01:00:00Z", EVERY_DAY, NEVER, "2025-03-09T13:00:00Z", "start"],
    ["NY clocked in on Friday: 18:00 EST", "America/New_York", "2025-03-07T15:00:00Z", DEFAULT_PREFS, IN, "2025-03-07T23:00:00Z", "end"],
    ["NY clocked in past Friday's end: Monday 18:00 EDT", "America/New_York", "2025-03-08T00:00:00Z", DEFAULT_PREFS, IN, "2025-03-10T22:00:00Z", "end"],
    ["NY at exactly the start time: the next workday", "America/New_York", "2025-03-10T13:00:00Z", DEFAULT_PREFS, OUT, "2025-03-11T13:00:00Z", "start"],
    ["Shanghai Monday early: 09:00 +08", "Asia/Shanghai", "2025-03-09T23:30:00Z", DEFAULT_PREFS, NEVER, "2025-03-10T01:00:00Z", "start"],
    ["Shanghai Sunday 08:00 local is not a workday: Monday", "Asia/Shanghai", "2025-03-09T00:00:00Z", DEFAULT_PREFS, NEVER, "2025-03-10T01:00:00Z", "start"],
    ["Shanghai clocked in: 18:00 +08", "Asia/Shanghai", "2025-03-10T02:00:00Z", DEFAULT_PREFS, IN, "2025-03-10T10:00:00Z", "end"],
    ["Shanghai custom times and a Saturday workday", "Asia/Shanghai", "2025-03-07T12:00:00Z", { ...DEFAULT_PREFS, startTime: "08:30", workdays: [6] }, OUT, "2025-03-08T00:30:00Z", "start"],
  ] as const)("%s", (_name, zone, now, prefs, state, at, kind) => {
    expect(nextReminder(utc(now), zone, prefs as Prefs, state)).toEqual({ at: utc(at), kind });
  });

  it("nothing when reminders are off or no day is a workday", () => {
    expect(nextReminder(utc("2025-03-07T12:00:00Z"), "America/New_York", { ...DEFAULT_PREFS, remindersEnabled: false }, NEVER)).toBeNull();
    expect(nextReminder(utc("2025-03-07T12:00:00Z"), "America/New_York", { ...DEFAULT_PREFS, workdays: [] }, NEVER)).toBeNull();
  });

  it("the New York start reminder is at the same local 09:00 on both sides of the clock change", () => {
    const before = nextReminder(utc("2025-03-07T12:00:00Z"), "America/New_York", DEFAULT_PREFS, NEVER)!;
    const after = nextReminder(before.at, "America/New_York", DEFAULT_PREFS, NEVER)!;
    expect(after.at - before.at).toBe(3 * 86_400_000 - 3_600_000); // Friday → Monday, one hour lost
  });
});

describe("reminderZone", () => {
  const SHANGHAI: Prefs = { ...DEFAULT_PREFS, timeZone: "Asia/Shanghai" };

  it.each<[string, Prefs, string]>([
    ["following the company with a known zone: the schedule's", SHANGHAI, "Asia/Shanghai"],
    ["following the company, zone not yet known: the browser's", DEFAULT_PREFS, "Europe/Berlin"],
    ["the employee's own hours: the browser's, even with a zone left over", { ...SHANGHAI, followCompany: false }, "Europe/Berlin"],
    ["a zone this browser does not know: the browser's", { ...DEFAULT_PREFS, timeZone: "Mars/Olympus_Mons" }, "Europe/Berlin"],
  ])("%s", (_name, prefs, zone) => {
    expect(reminderZone(prefs, "Europe/Berlin")).toBe(zone);
  });

  it("browser in Berlin, schedule in Shanghai: the reminder is 09:00 Shanghai, not 09:00 Berlin", () => {
    const now = utc("2025-03-10T00:00:00Z"); // Monday 01:00 Berlin, 08:00 Shanghai
    expect(nextReminder(now, reminderZone(SHANGHAI, "Europe/Berlin"), SHANGHAI, NEVER)).toEqual({ at: utc("2025-03-10T01:00:00Z"), kind: "start" });
    const own = { ...SHANGHAI, followCompany: false };
    expect(nextReminder(now, reminderZone(own, "Europe/Berlin"), own, NEVER)).toEqual({ at: utc("2025-03-10T08:00:00Z"), kind: "start" });
  });
});

describe("shouldNotify", () => {
  it.each<["start" | "end", PunchState, boolean]>([
    ["start", NEVER, true],
    ["start", OUT, true],
    ["start", IN, false],
    ["end", IN, true],
    ["end", OUT, false],
    ["end", NEVER, false],
  ])("%s reminder when %o: %s", (kind, state, expected) => {
    expect(shouldNotify(kind, state)).toBe(expected);
  });
});
