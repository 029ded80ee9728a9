import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  addDays,
  datesBetween,
  isoWeekday,
  planDay,
  workDateOf,
  workDayBounds,
  workDays,
  zonedInstant,
  type HolidayCalendar,
  type Schedule,
} from "../../shared/schedule";

const HOUR = 3_600_000;
const NO_HOLIDAYS: HolidayCalendar = new Map();

const shifts = (weekdays: readonly number[], start: string, end: string) => weekdays.map((weekday) => ({ weekday, start, end }));
const WEEKDAYS = [1, 2, 3, 4, 5];
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

function schedule(over: Partial<Schedule> = {}): Schedule {
  return {
    id: "s", name: "Office", timezone: null, kind: "fixed", days: shifts(WEEKDAYS, "09:00", "17:00"),
    graceLateMin: 10, graceEarlyMin: 10, earliestInMin: null, coreStart: null, coreEnd: null,
    requiredMinutes: null, restDayWorkAllowed: true, ...over,
  };
}

describe("zonedInstant", () => {
  it.each([
    ["2026-11-27", "09:00", "Asia/Shanghai", Date.UTC(2026, 10, 27, 1)],
    ["2026-11-27", "00:00", "Asia/Shanghai", Date.UTC(2026, 10, 26, 16)],
    ["2026-11-27", "09:00", "Asia/Kolkata", Date.UTC(2026, 10, 27, 3, 30)],
    ["2026-11-27", "00:00", "Asia/Kolkata", Date.UTC(2026, 10, 26, 18, 30)],
    ["2026-11-27", "09:00", "UTC", Date.UTC(2026, 10, 27, 9)],
    // New York springs forward at 02:00 → 03:00 on 2026-03-08.
    ["2026-03-08", "01:59", "America/New_York", Date.UTC(2026, 2, 8, 6, 59)],
    ["2026-03-08", "02:30", "America/New_York", Date.UTC(2026, 2, 8, 7, 30)], // skipped: 03:30 EDT
    ["2026-03-08", "03:00", "America/New_York", Date.UTC(2026, 2, 8, 7)],
    ["2026-03-08", "09:00", "America/New_York", Date.UTC(2026, 2, 8, 13)],
    // Berlin falls back at 03:00 → 02:00 on 2026-10-25: 02:xx happens twice.
    ["2026-10-25", "01:30", "Europe/Berlin", Date.UTC(2026, 9, 24, 23, 30)],
    ["2026-10-25", "02:30", "Europe/Berlin", Date.UTC(2026, 9, 25, 0, 30)], // ambiguous: the earlier, CEST
    ["2026-10-25", "03:00", "Europe/Berlin", Date.UTC(2026, 9, 25, 2)],
    ["2026-11-01", "01:30", "America/New_York", Date.UTC(2026, 10, 1, 5, 30)], // ambiguous: the earlier, EDT
    // Santiago's midnights: skipped (spring) and after the repeated hour (autumn).
    ["2026-09-06", "00:00", "America/Santiago", Date.UTC(2026, 8, 6, 4)],
    ["2026-04-05", "00:00", "America/Santiago", Date.UTC(2026, 3, 5, 4)],
  ])("%s %s in %s", (date, time, tz, expected) => {
    expect(zonedInstant(date, time, tz)).toBe(expected);
    expect(zonedInstant(date, time, tz)).toBe(expected); // memoized answer is the same
  });

  it("rejects an unknown zone", () => {
    expect(() => zonedInstant("2026-11-27", "09:00", "Mars/Olympus_Mons")).toThrow(RangeError);
  });
});

describe("calendar dates", () => {
  it.each([
    ["2026-11-27", 1, "2026-11-28"],
    ["2026-11-30", 1, "2026-12-01"],
    ["2026-12-31", 1, "2027-01-01"],
    ["2026-01-01", -1, "2025-12-31"],
    ["2026-02-28", 1, "2026-03-01"],
    ["2028-02-28", 1, "2028-02-29"],
    ["2026-03-01", -1, "2026-02-28"],
    ["2026-01-31", 365, "2027-01-31"],
  ])("addDays(%s, %i) = %s", (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it.each([
    ["2026-11-23", 1],
    ["2026-11-27", 5],
    ["2026-11-28", 6],
    ["2026-11-29", 7],
    ["2026-03-08", 7],
    ["1970-01-01", 4],
    ["1969-12-29", 1],
  ])("isoWeekday(%s) = %i", (date, weekday) => {
    expect(isoWeekday(date)).toBe(weekday);
  });

  it("datesBetween is inclusive and empty when reversed", () => {
    expect(datesBetween("2026-02-27", "2026-03-02")).toEqual(["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]);
    expect(datesBetween("2026-03-02", "2026-03-02")).toEqual(["2026-03-02"]);
    expect(datesBetween("2026-03-02", "2026-03-01")).toEqual([]);
  });

  it("agrees with UTC calendar arithmetic (property)", () => {
    const epochDay = fc.integer({ min: -30_000, max: 60_000 });
    const iso = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
    fc.assert(
      fc.property(epochDay, fc.integer({ min: -800, max: 800 }), (day, n) => {
        expect(addDays(iso(day), n)).toBe(iso(day + n));
        expect(isoWeekday(iso(day))).toBe(new Date(day * 86_400_000).getUTCDay() || 7);
      }),
    );
  });
});

describe("planDay", () => {
  const holidays: HolidayCalendar = new Map([["2026-12-25", "Christmas"]]);

  it("a fixed working day", () => {
    expect(planDay(schedule(), "2026-11-27", "Europe/Berlin", holidays)).toEqual({
      kind: "shift",
      shift: { date: "2026-11-27", start: Date.UTC(2026, 10, 27, 8), end: Date.UTC(2026, 10, 27, 16), coreStart: null, coreEnd: null, requiredMinutes: 480 },
    });
  });

  it("a weekday without a shift is a rest day; a holiday beats a shift", () => {
    expect(planDay(schedule(), "2026-11-28", "Europe/Berlin", holidays)).toEqual({ kind: "rest" });
    expect(planDay(schedule(), "2026-12-25", "Europe/Berlin", holidays)).toEqual({ kind: "holiday", name: "Christmas" });
    expect(planDay(schedule(), "2026-12-26", "Europe/Berlin", new Map([["2026-12-26", "Boxing Day"]]))).toEqual({ kind: "holiday", name: "Boxing Day" });
  });

  it.each([
    ["22:00→06:00 ends on the next date", "Asia/Shanghai", "2026-11-27", Date.UTC(2026, 10, 27, 14), Date.UTC(2026, 10, 27, 22), 480],
    ["New York spring-forward night is 7 h", "America/New_York", "2026-03-07", Date.UTC(2026, 2, 8, 3), Date.UTC(2026, 2, 8, 10), 420],
    ["Berlin fall-back night is 9 h", "Europe/Berlin", "2026-10-24", Date.UTC(2026, 9, 24, 20), Date.UTC(2026, 9, 25, 5), 540],
  ])("overnight: %s", (_name, tz, date, start, end, requiredMinutes) => {
    const plan = planDay(schedule({ days: shifts(EVERY_DAY, "22:00", "06:00") }), date, tz, NO_HOLIDAYS);
    expect(plan).toEqual({ kind: "shift", shift: { date, start, end, coreStart: null, coreEnd: null, requiredMinutes } });
  });

  it("core times of an overnight shift after midnight fall on the next date; requiredMinutes overrides the length", () => {
    const flexible = schedule({ kind: "flexible", days: shifts(EVERY_DAY, "20:00", "08:00"), coreStart: "23:00", coreEnd: "03:00", requiredMinutes: 420 });
    expect(planDay(flexible, "2026-11-27", "Asia/Shanghai", NO_HOLIDAYS)).toMatchObject({
      shift: { coreStart: Date.UTC(2026, 10, 27, 15), coreEnd: Date.UTC(2026, 10, 27, 19), requiredMinutes: 420 },
    });
  });
});

describe("workDayBounds and workDateOf", () => {
  const overnight = schedule({ days: shifts(WEEKDAYS, "22:00", "06:00") });

  it("a day-shift day runs midnight to midnight; 23:59:59 local still belongs to it", () => {
    expect(workDayBounds(schedule(), "2026-11-27", "Europe/Berlin", NO_HOLIDAYS)).toEqual({
      from: Date.UTC(2026, 10, 26, 23),
      to: Date.UTC(2026, 10, 27, 23),
    });
    expect(workDateOf(schedule(), Date.UTC(2026, 10, 27, 22, 59, 59), "Europe/Berlin", NO_HOLIDAYS)).toBe("2026-11-27");
    expect(workDateOf(schedule(), Date.UTC(2026, 10, 27, 23), "Europe/Berlin", NO_HOLIDAYS)).toBe("2026-11-28");
  });

  it.each([
    // Mon 22:00 → Tue 06:00, next shift Tue 22:00: Tuesday starts at 14:00.
    ["after an overnight shift, halfway to the next start", "2026-11-24", Date.UTC(2026, 10, 24, 6), Date.UTC(2026, 10, 25, 6)],
    // Fri 22:00 → Sat 06:00, no shift on Saturday: halfway to Sunday's midnight, 15:00.
    ["after the week's last overnight shift, halfway to midnight", "2026-11-28", Date.UTC(2026, 10, 28, 7), Date.UTC(2026, 10, 28, 16)],
    // Sunday 00:00 → Monday 00:00 (Sunday has no shift before it).
    ["a day after a rest day", "2026-11-29", Date.UTC(2026, 10, 28, 16), Date.UTC(2026, 10, 29, 16)],
  ])("overnight schedule: %s", (_name, date, from, to) => {
    expect(workDayBounds(overnight, date, "Asia/Shanghai", NO_HOLIDAYS)).toEqual({ from, to });
  });

  it("an out shortly after an overnight shift belongs to its start day", () => {
    const tz = "Asia/Shanghai";
    expect(workDateOf(overnight, Date.UTC(2026, 10, 26, 22, 40), tz, NO_HOLIDAYS)).toBe("2026-11-26"); // Fri 06:40
    expect(workDateOf(overnight, Date.UTC(2026, 10, 27, 5, 59), tz, NO_HOLIDAYS)).toBe("2026-11-26"); // Fri 13:59
    expect(workDateOf(overnight, Date.UTC(2026, 10, 27, 6), tz, NO_HOLIDAYS)).toBe("2026-11-27"); // Fri 14:00
    // A holiday on Thursday: no overnight shift, so Friday morning is Friday's.
    expect(workDateOf(overnight, Date.UTC(2026, 10, 26, 22, 40), tz, new Map([["2026-11-26", "Day off"]]))).toBe("2026-11-27");
  });

  const ZONES = ["UTC", "Asia/Shanghai", "Asia/Kolkata", "America/New_York", "Europe/Berlin", "America/Santiago", "Australia/Lord_Howe", "Pacific/Chatham"];
  const clock = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 59)).map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
  const randomSchedule = fc
    .array(fc.tuple(fc.integer({ min: 1, max: 7 }), clock, clock), { maxLength: 7 })
    .map((days) => {
      const byWeekday = new Map(days.filter(([, start, end]) => start !== end).map(([weekday, start, end]) => [weekday, { weekday, start, end }]));
      return schedule({ days: [...byWeekday.values()] });
    });
  const randomHolidays = fc.array(fc.integer({ min: 0, max: 364 }), { maxLength: 20 }).map((days) => new Map(days.map((d) => [addDays("2026-01-01", d), "Holiday"])) as HolidayCalendar);
  const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) });

  it("work days tile time: the day of an instant holds it, and consecutive days touch (property)", () => {
    fc.assert(
      fc.property(randomSchedule, fc.constantFrom(...ZONES), randomHolidays, instant, (s, tz, holidays, t) => {
        const date = workDateOf(s, t, tz, holidays);
        const bounds = workDayBounds(s, date, tz, holidays);
        expect(bounds.from).toBeLessThanOrEqual(t);
        expect(t).toBeLessThan(bounds.to);
        expect(workDayBounds(s, addDays(date, 1), tz, holidays).from).toBe(bounds.to);
        expect(workDayBounds(s, addDays(date, -1), tz, holidays).to).toBe(bounds.from);
      }),
      { numRuns: 300 },
    );
  });

  it("workDays gives each date's planDay and workDayBounds (property)", () => {
    fc.assert(
      fc.property(randomSchedule, fc.constantFrom(...ZONES), randomHolidays, fc.integer({ min: 0, max: 355 }), fc.integer({ min: 0, max: 9 }), (s, tz, holidays, offset, length) => {
        const from = addDays("2026-01-01", offset);
        const to = addDays(from, length);
        expect(workDays(s, from, to, tz, holidays)).toEqual(
          datesBetween(from, to).map((date) => ({ date, plan: planDay(s, date, tz, holidays), ...workDayBounds(s, date, tz, holidays) })),
        );
      }),
    );
  });
});

describe("independent of the host's time zone", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  async function answersUnderHostZone(zone: string) {
    vi.stubEnv("TZ", zone); // Node re-reads its zone when TZ is assigned
    vi.resetModules(); // a fresh module: nothing memoized under another host zone
    const fresh = await import("../../shared/schedule");
    const night = schedule({ days: shifts(EVERY_DAY, "22:00", "06:00") });
    return {
      hostOffset: new Date(Date.UTC(2026, 5, 1)).getTimezoneOffset(),
      instants: [
        fresh.zonedInstant("2026-03-08", "02:30", "America/New_York"),
        fresh.zonedInstant("2026-10-25", "02:30", "Europe/Berlin"),
        fresh.zonedInstant("2026-04-05", "00:00", "America/Santiago"),
        fresh.zonedInstant("2026-11-27", "09:00", "Asia/Kolkata"),
      ],
      plan: fresh.planDay(night, "2026-10-24", "Europe/Berlin", NO_HOLIDAYS),
      bounds: fresh.workDayBounds(night, "2026-10-25", "Europe/Berlin", NO_HOLIDAYS),
      dates: [
        fresh.workDateOf(schedule(), Date.UTC(2026, 10, 27, 18, 29, 59), "Asia/Kolkata", NO_HOLIDAYS),
        fresh.workDateOf(schedule(), Date.UTC(2026, 10, 27, 18, 30), "Asia/Kolkata", NO_HOLIDAYS),
        fresh.workDateOf(night, Date.UTC(2026, 9, 25, 6), "Europe/Berlin", NO_HOLIDAYS),
      ],
    };
  }

  it.each(["America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "America/Santiago", "Pacific/Chatham", "Australia/Lord_Howe"])(
    "host in %s answers as a host in UTC",
    async (zone) => {
      const { hostOffset: utcOffset, ...inUtc } = await answersUnderHostZone("UTC");
      const { hostOffset, ...elsewhere } = await answersUnderHostZone(zone);
      expect(utcOffset).toBe(0);
      expect(hostOffset).not.toBe(0); // the host zone really changed
      expect(elsewhere).toEqual(inUtc);
      expect(inUtc.dates).toEqual(["2026-11-27", "2026-11-28", "2026-10-24"]);
    },
  );
});
