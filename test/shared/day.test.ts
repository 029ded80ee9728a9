import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { summarizeDay, summarizeDays, type DayPunch } from "../../shared/day";
import { addDays, planDay, workDayBounds, type HolidayCalendar, type Schedule } from "../../shared/schedule";

const NO_HOLIDAYS: HolidayCalendar = new Map();
const shifts = (weekdays: readonly number[], start: string, end: string) => weekdays.map((weekday) => ({ weekday, start, end }));
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

function schedule(over: Partial<Schedule> = {}): Schedule {
  return {
    id: "s", name: "Office", timezone: null, kind: "fixed", days: shifts([1, 2, 3, 4, 5], "09:00", "17:00"),
    graceLateMin: 10, graceEarlyMin: 10, earliestInMin: null, coreStart: null, coreEnd: null,
    requiredMinutes: null, restDayWorkAllowed: true, ...over,
  };
}

// Friday 2026-11-27 in Asia/Shanghai (UTC+8, no DST); hours past 24 run into Saturday.
const TZ = "Asia/Shanghai";
const DATE = "2026-11-27";
const sh = (clock: string) => {
  const [h, m, s = 0] = clock.split(":").map(Number) as [number, number, number?];
  return Date.UTC(2026, 10, 27, h - 8, m, s);
};
const CLOSED = sh("30:00"); // Saturday 06:00, after the day's bounds

type Row = [kind: "in" | "out", clock: string, status?: DayPunch["status"]];
const punches = (rows: readonly Row[]): DayPunch[] =>
  rows.map(([kind, clock, status = "accepted"], i) => ({ id: `p${i}`, kind, effectiveTime: sh(clock), status }));

function summarize(s: Schedule, rows: readonly Row[], now: number, date = DATE, holidays: HolidayCalendar = NO_HOLIDAYS) {
  return summarizeDay({
    date, plan: planDay(s, date, TZ, holidays), schedule: s, punches: punches(rows), now,
    closesAt: workDayBounds(s, date, TZ, holidays).to,
  });
}

describe("summarizeDay, fixed 09:00–17:00, grace 10/10", () => {
  it.each<[string, Row[], number, object]>([
    ["present", [["in", "08:55"], ["out", "17:05"]], CLOSED, { status: "present", workedMinutes: 490, lateMinutes: 0, earlyLeaveMinutes: 0, overtimeMinutes: 10 }],
    ["late", [["in", "09:30"], ["out", "17:00"]], CLOSED, { status: "late", workedMinutes: 450, lateMinutes: 30 }],
    ["early_leave", [["in", "09:00"], ["out", "16:45"]], CLOSED, { status: "early_leave", earlyLeaveMinutes: 15 }],
    ["absent once the shift is over", [], sh("17:00"), { status: "absent", workedMinutes: 0, firstIn: null, lastOut: null }],
    ["absent when closed", [], CLOSED, { status: "absent" }],
    ["scheduled before the shift", [], sh("08:00"), { status: "scheduled" }],
    ["scheduled during the shift without punches", [], sh("12:00"), { status: "scheduled" }],
    ["incomplete: never clocked out", [["in", "09:00"]], CLOSED, { status: "incomplete", workedMinutes: 0, lastOut: null }],
    ["incomplete: an out without an in", [["out", "17:00"]], CLOSED, { status: "incomplete", firstIn: null, lastOut: sh("17:00") }],
    ["incomplete beats late", [["in", "09:30"]], CLOSED, { status: "incomplete", lateMinutes: 30 }],
    ["clocked in today counts up to now", [["in", "09:00"]], sh("10:15"), { status: "present", workedMinutes: 75 }],
    ["still clocked in after the shift end is not early leave", [["in", "09:00"]], sh("18:00"), { status: "present", workedMinutes: 540, overtimeMinutes: 60 }],
    ["an out at noon is not judged before the shift ends", [["in", "09:00"], ["out", "12:00"]], sh("13:00"), { status: "present", earlyLeaveMinutes: 0 }],
    ["…and is early leave once it has", [["in", "09:00"], ["out", "12:00"]], sh("17:00"), { status: "early_leave", earlyLeaveMinutes: 300 }],
    ["late beats early leave", [["in", "09:30"], ["out", "16:00"]], CLOSED, { status: "late", lateMinutes: 30, earlyLeaveMinutes: 60 }],
    ["a break is not worked", [["in", "09:00"], ["out", "12:00"], ["in", "13:00"], ["out", "17:00"]], CLOSED, { status: "present", workedMinutes: 420, overtimeMinutes: 0 }],
    ["overtime beyond the shift", [["in", "09:00"], ["out", "19:00"]], CLOSED, { status: "present", workedMinutes: 600, overtimeMinutes: 120 }],
    ["a second in keeps the first", [["in", "09:00"], ["in", "10:00"], ["out", "17:00"]], CLOSED, { status: "present", workedMinutes: 480, firstIn: sh("09:00") }],
    ["seconds are floored", [["in", "09:00:00"], ["out", "17:00:59"]], CLOSED, { workedMinutes: 480 }],
    ["rejected punches do not count", [["in", "08:00", "rejected"], ["in", "09:00"], ["out", "12:00", "rejected"], ["out", "17:00"]], CLOSED, { status: "present", workedMinutes: 480, firstIn: sh("09:00"), lastOut: sh("17:00"), flagged: [] }],
    ["only rejected punches is absent", [["in", "09:00", "rejected"], ["out", "17:00", "rejected"]], CLOSED, { status: "absent", firstIn: null, lastOut: null }],
    ["flagged punches count and are listed", [["in", "09:00", "flagged"], ["out", "17:00", "flagged"]], CLOSED, { status: "present", workedMinutes: 480, flagged: ["p0", "p1"] }],
  ])("%s", (_name, rows, now, expected) => {
    expect(summarize(schedule(), rows, now)).toMatchObject({ date: DATE, ...expected });
  });

  it.each([
    ["09:05:00", 0],
    ["09:10:00", 0],
    ["09:10:01", 10], // past the grace, counted in full: floor of 10 min 1 s
    ["09:11:00", 11],
    ["09:30:00", 30],
    ["08:30:00", 0],
  ])("late grace: in at %s → %i late minutes", (clock, late) => {
    const day = summarize(schedule(), [["in", clock], ["out", "17:00"]], CLOSED);
    expect(day.lateMinutes).toBe(late);
    expect(day.status).toBe(late > 0 ? "late" : "present");
  });

  it.each([
    ["16:55:00", 0],
    ["16:50:00", 0],
    ["16:49:59", 10],
    ["16:45:00", 15],
    ["17:30:00", 0],
  ])("early-leave grace: out at %s → %i early minutes", (clock, early) => {
    const day = summarize(schedule(), [["in", "09:00"], ["out", clock]], CLOSED);
    expect(day.earlyLeaveMinutes).toBe(early);
    expect(day.status).toBe(early > 0 ? "early_leave" : "present");
  });

  it("the flagged ids of the day come in time order, whatever the input order", () => {
    const day = summarizeDay({
      date: DATE, plan: planDay(schedule(), DATE, TZ, NO_HOLIDAYS), schedule: schedule(), now: CLOSED,
      closesAt: workDayBounds(schedule(), DATE, TZ, NO_HOLIDAYS).to,
      punches: [
        { id: "late-out", kind: "out", effectiveTime: sh("17:00"), status: "flagged" },
        { id: "x", kind: "in", effectiveTime: sh("08:00"), status: "rejected" },
        { id: "early-in", kind: "in", effectiveTime: sh("09:00"), status: "flagged" },
        { id: "lunch", kind: "out", effectiveTime: sh("12:00"), status: "accepted" },
        { id: "back", kind: "in", effectiveTime: sh("13:00"), status: "flagged" },
      ],
    });
    expect(day.flagged).toEqual(["early-in", "back", "late-out"]);
  });

  it("same-instant punches are ordered by id", () => {
    const same = sh("12:00");
    const tie = summarizeDay({
      date: DATE, plan: planDay(schedule(), DATE, TZ, NO_HOLIDAYS), schedule: schedule(), now: CLOSED, closesAt: CLOSED,
      punches: [
        { id: "b", kind: "in", effectiveTime: same, status: "accepted" },
        { id: "a", kind: "out", effectiveTime: same, status: "accepted" },
        { id: "c", kind: "out", effectiveTime: sh("13:00"), status: "accepted" },
      ],
    });
    // "a" (out, nothing open) then "b" (in) then "c" (out): one unpaired out.
    expect(tie).toMatchObject({ status: "incomplete", workedMinutes: 60 });
  });
});

describe("summarizeDay on holidays and rest days", () => {
  const holidays: HolidayCalendar = new Map([[DATE, "Founders' Day"]]);
  it.each<[string, string, HolidayCalendar, Row[], object]>([
    ["holiday", DATE, holidays, [], { status: "holiday", workedMinutes: 0, overtimeMinutes: 0 }],
    ["holiday worked: all overtime", DATE, holidays, [["in", "10:00"], ["out", "12:00"]], { status: "holiday", workedMinutes: 120, overtimeMinutes: 120, lateMinutes: 0, earlyLeaveMinutes: 0 }],
    ["holiday with an open interval at the end", DATE, holidays, [["in", "10:00"]], { status: "incomplete", workedMinutes: 0 }],
    ["rest_day", "2026-11-28", NO_HOLIDAYS, [], { status: "rest_day", workedMinutes: 0 }],
    ["rest day worked: all overtime", "2026-11-28", NO_HOLIDAYS, [["in", "34:00"], ["out", "37:30"]], { status: "rest_day", workedMinutes: 210, overtimeMinutes: 210 }],
  ])("%s", (_name, date, calendar, rows, expected) => {
    expect(summarize(schedule(), rows, sh("60:00"), date, calendar)).toMatchObject({ date, ...expected });
  });
});

describe("summarizeDay, flexible 07:00–19:00, core 10:00–15:00, 480 min required, grace 10/10", () => {
  const flexible = schedule({ kind: "flexible", days: shifts([5], "07:00", "19:00"), coreStart: "10:00", coreEnd: "15:00", requiredMinutes: 480 });
  it.each<[string, Row[], number, object]>([
    ["present", [["in", "07:30"], ["out", "15:30"]], CLOSED, { status: "present", workedMinutes: 480, lateMinutes: 0, earlyLeaveMinutes: 0, overtimeMinutes: 0 }],
    ["late to core hours", [["in", "10:20"], ["out", "18:20"]], CLOSED, { status: "late", lateMinutes: 20, earlyLeaveMinutes: 0 }],
    ["within the late grace", [["in", "10:10"], ["out", "18:10"]], CLOSED, { status: "present", lateMinutes: 0 }],
    ["left core hours early and short of the required minutes", [["in", "08:00"], ["out", "14:30"]], CLOSED, { status: "early_leave", workedMinutes: 390, earlyLeaveMinutes: 90 }],
    ["short by no more than the grace", [["in", "07:55"], ["out", "15:45"]], CLOSED, { status: "present", workedMinutes: 470, earlyLeaveMinutes: 0 }],
    ["short by more than the grace: the whole shortfall", [["in", "08:00"], ["out", "15:45"]], CLOSED, { status: "early_leave", workedMinutes: 465, earlyLeaveMinutes: 15 }],
    ["still working before the window ends", [["in", "09:00"], ["out", "15:00"]], sh("16:00"), { status: "present", earlyLeaveMinutes: 0 }],
    ["short once the window is over", [["in", "09:00"], ["out", "15:00"]], sh("19:00"), { status: "early_leave", earlyLeaveMinutes: 120 }],
    ["overtime beyond the required minutes", [["in", "07:00"], ["out", "17:30"]], CLOSED, { status: "present", overtimeMinutes: 150 }],
  ])("%s", (_name, rows, now, expected) => {
    expect(summarize(flexible, rows, now)).toMatchObject(expected);
  });

  it("without core hours only the required minutes count", () => {
    const noCore = { ...flexible, coreStart: null, coreEnd: null };
    expect(summarize(noCore, [["in", "11:00"], ["out", "19:00"]], CLOSED)).toMatchObject({ status: "present", lateMinutes: 0, earlyLeaveMinutes: 0 });
    expect(summarize(noCore, [["in", "11:00"], ["out", "13:00"]], CLOSED)).toMatchObject({ status: "early_leave", lateMinutes: 0, earlyLeaveMinutes: 360 });
  });

  it("required minutes default to the window's length", () => {
    const byLength = { ...flexible, requiredMinutes: null, days: shifts([5], "08:00", "16:00") };
    expect(summarize(byLength, [["in", "10:00"], ["out", "17:00"]], CLOSED)).toMatchObject({ status: "early_leave", earlyLeaveMinutes: 60 });
  });
});

describe("summarizeDays", () => {
  it("an overnight shift's morning out counts on its start day", () => {
    const night = schedule({ days: shifts([1, 2, 3, 4, 5], "22:00", "06:00") });
    const days = summarizeDays({
      schedule: night, tz: TZ, holidays: NO_HOLIDAYS, from: "2026-11-27", to: "2026-11-28", now: sh("60:00"),
      punches: punches([["in", "21:58"], ["out", "30:10"]]),
    });
    expect(days).toMatchObject([
      { date: "2026-11-27", status: "present", workedMinutes: 492, firstIn: sh("21:58"), lastOut: sh("30:10"), overtimeMinutes: 12 },
      { date: "2026-11-28", status: "rest_day", workedMinutes: 0, firstIn: null },
    ]);
  });

  it.each([
    ["Berlin's fall-back night is 9 h", "Europe/Berlin", "2026-10-24", Date.UTC(2026, 9, 24, 20), Date.UTC(2026, 9, 25, 5), 540],
    ["New York's spring-forward night is 7 h", "America/New_York", "2026-03-07", Date.UTC(2026, 2, 8, 3), Date.UTC(2026, 2, 8, 10), 420],
  ])("overnight 22:00–06:00 across DST: %s", (_name, tz, date, clockIn, clockOut, worked) => {
    const [day] = summarizeDays({
      schedule: schedule({ days: shifts(EVERY_DAY, "22:00", "06:00") }), tz, holidays: NO_HOLIDAYS, from: date, to: date, now: clockOut + 86_400_000,
      punches: [
        { id: "in", kind: "in", effectiveTime: clockIn, status: "accepted" },
        { id: "out", kind: "out", effectiveTime: clockOut, status: "accepted" },
      ],
    });
    expect(day).toMatchObject({ date, status: "present", workedMinutes: worked, overtimeMinutes: 0, lateMinutes: 0, earlyLeaveMinutes: 0 });
  });

  it("New York's spring-forward day 09:00–17:00 is 480 minutes", () => {
    const [day] = summarizeDays({
      schedule: schedule({ days: shifts(EVERY_DAY, "09:00", "17:00") }), tz: "America/New_York", holidays: NO_HOLIDAYS,
      from: "2026-03-08", to: "2026-03-08", now: Date.UTC(2026, 2, 10),
      punches: [
        { id: "in", kind: "in", effectiveTime: Date.UTC(2026, 2, 8, 13), status: "accepted" },
        { id: "out", kind: "out", effectiveTime: Date.UTC(2026, 2, 8, 21), status: "accepted" },
      ],
    });
    expect(day).toMatchObject({ status: "present", workedMinutes: 480, lateMinutes: 0, overtimeMinutes: 0 });
  });

  it("an employee in Asia/Kolkata: days split at IST midnight", () => {
    const days = summarizeDays({
      schedule: schedule(), tz: "Asia/Kolkata", holidays: NO_HOLIDAYS, from: "2026-11-26", to: "2026-11-27", now: Date.UTC(2026, 10, 29),
      punches: [
        { id: "a", kind: "in", effectiveTime: Date.UTC(2026, 10, 26, 3, 30), status: "accepted" }, // Thu 09:00 IST
        { id: "b", kind: "out", effectiveTime: Date.UTC(2026, 10, 26, 18, 20), status: "accepted" }, // Thu 23:50 IST
        { id: "c", kind: "in", effectiveTime: Date.UTC(2026, 10, 26, 18, 40), status: "flagged" }, // Fri 00:10 IST
        { id: "d", kind: "out", effectiveTime: Date.UTC(2026, 10, 27, 11, 30), status: "accepted" }, // Fri 17:00 IST
      ],
    });
    expect(days).toMatchObject([
      { date: "2026-11-26", status: "present", workedMinutes: 890, overtimeMinutes: 410, flagged: [] },
      { date: "2026-11-27", status: "present", workedMinutes: 1010, firstIn: Date.UTC(2026, 10, 26, 18, 40), flagged: ["c"] },
    ]);
  });

  it("today, clocked in: scheduled days ahead, the open day counted to now", () => {
    const now = sh("11:00");
    const days = summarizeDays({
      schedule: schedule(), tz: TZ, holidays: NO_HOLIDAYS, from: "2026-11-26", to: "2026-11-30", now,
      punches: punches([["in", "09:20"]]),
    });
    expect(days.map((d) => [d.date, d.status, d.workedMinutes])).toEqual([
      ["2026-11-26", "absent", 0],
      ["2026-11-27", "late", 100],
      ["2026-11-28", "rest_day", 0],
      ["2026-11-29", "rest_day", 0],
      ["2026-11-30", "scheduled", 0],
    ]);
  });
});

describe("day summary properties", () => {
  const ZONES = ["Asia/Shanghai", "Asia/Kolkata", "America/New_York", "Europe/Berlin"];
  const schedules = fc.constantFrom(
    schedule(),
    schedule({ days: shifts(EVERY_DAY, "22:00", "06:00") }),
    schedule({ kind: "flexible", days: shifts(EVERY_DAY, "07:00", "19:00"), coreStart: "10:00", coreEnd: "15:00", requiredMinutes: 480 }),
    schedule({ kind: "flexible", days: shifts([1, 3, 5], "18:00", "04:00"), requiredMinutes: 420, graceEarlyMin: 0 }),
  );
  const date = fc.integer({ min: 0, max: 364 }).map((d) => addDays("2026-01-01", d));
  const punchSpec = fc.tuple(fc.constantFrom("in" as const, "out" as const), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.constantFrom("accepted" as const, "flagged" as const, "rejected" as const));
  /** Punches at random instants of [from, to), ids unique. */
  const place = (specs: readonly (readonly [DayPunch["kind"], number, DayPunch["status"]])[], from: number, to: number, prefix: string): DayPunch[] =>
    specs.map(([kind, at, status], i) => ({ id: `${prefix}${i}`, kind, status, effectiveTime: from + Math.floor(at * (to - from)) }));

  it("worked minutes are never negative nor longer than the span of the counted punches (or up to now, when open)", () => {
    fc.assert(
      fc.property(schedules, fc.constantFrom(...ZONES), date, fc.array(punchSpec, { maxLength: 12 }), fc.double({ min: -0.2, max: 1.5, noNaN: true }), (s, tz, d, specs, nowAt) => {
        const { from, to } = workDayBounds(s, d, tz, NO_HOLIDAYS);
        const dayPunches = place(specs, from, to, "p");
        const now = from + Math.floor(nowAt * (to - from));
        const day = summarizeDay({ date: d, plan: planDay(s, d, tz, NO_HOLIDAYS), schedule: s, punches: dayPunches, now, closesAt: to });
        const times = dayPunches.filter((p) => p.status !== "rejected").map((p) => p.effectiveTime);
        const end = Math.max(...times, now < to ? now : -Infinity);
        const span = times.length === 0 ? 0 : Math.max(0, Math.floor((end - Math.min(...times)) / 60_000));
        expect(day.workedMinutes).toBeGreaterThanOrEqual(0);
        expect(day.workedMinutes).toBeLessThanOrEqual(span);
        for (const n of [day.lateMinutes, day.earlyLeaveMinutes, day.overtimeMinutes]) expect(Number.isInteger(n) && n >= 0).toBe(true);
      }),
    );
  });

  it("the order of the punch array changes nothing", () => {
    fc.assert(
      fc.property(
        schedules, fc.constantFrom(...ZONES), date, fc.array(punchSpec, { maxLength: 12 }), fc.double({ min: 0, max: 1.5, noNaN: true }), fc.nat(),
        (s, tz, d, specs, nowAt, seed) => {
          const { from, to } = workDayBounds(s, d, tz, NO_HOLIDAYS);
          const dayPunches = place(specs, from, to, "p");
          // Several punches at one instant, to exercise the tie order.
          if (dayPunches.length > 2) dayPunches[1]!.effectiveTime = dayPunches[0]!.effectiveTime;
          const shuffled = [...dayPunches].sort((a, b) => ((a.id.length * 31 + seed) % 7) - ((b.id.length * 17 + seed) % 5) || (a.id < b.id ? 1 : -1));
          const input = { date: d, plan: planDay(s, d, tz, NO_HOLIDAYS), schedule: s, now: from + Math.floor(nowAt * (to - from)), closesAt: to };
          expect(summarizeDay({ ...input, punches: shuffled })).toEqual(summarizeDay({ ...input, punches: dayPunches }));
        },
      ),
    );
  });

  it("punches on other days never change a day's summary, and summarizeDays agrees with summarizeDay", () => {
    fc.assert(
      fc.property(
        schedules, fc.constantFrom(...ZONES), date, fc.array(punchSpec, { maxLength: 8 }), fc.array(punchSpec, { maxLength: 20 }), fc.double({ min: 0, max: 3, noNaN: true }),
        (s, tz, d, own, others, nowAt) => {
          const { from, to } = workDayBounds(s, d, tz, NO_HOLIDAYS);
          const dayPunches = place(own, from, to, "own");
          // Other punches anywhere in the three days either side, except in this day.
          const windowFrom = workDayBounds(s, addDays(d, -3), tz, NO_HOLIDAYS).from;
          const windowTo = workDayBounds(s, addDays(d, 3), tz, NO_HOLIDAYS).to;
          const elsewhere = place(others, windowFrom, windowTo - (to - from), "other").map((p) => (p.effectiveTime >= from ? { ...p, effectiveTime: p.effectiveTime + (to - from) } : p));
          const now = from + Math.floor(nowAt * (to - from));
          const range = { schedule: s, tz, holidays: NO_HOLIDAYS, from: addDays(d, -2), to: addDays(d, 2), now };
          const alone = summarizeDays({ ...range, punches: dayPunches })[2];
          const amid = summarizeDays({ ...range, punches: [...elsewhere, ...dayPunches] })[2];
          expect(amid).toEqual(alone);
          expect(alone).toEqual(summarizeDay({ date: d, plan: planDay(s, d, tz, NO_HOLIDAYS), schedule: s, punches: dayPunches, now, closesAt: to }));
        },
      ),
    );
  });
});
