import { describe, expect, it } from "vitest";
import { summarizeDay } from "../../shared/day";
import { evaluatePunch } from "../../shared/rules";
import { DEFAULT_SETTINGS, resolveSettings } from "../../shared/settings";
import { localDate } from "../../shared/time";

describe("evaluatePunch", () => {
  it.each([
    ["online, clock right", { mode: "online", clockSkew: false }, {}, { status: "accepted", reasons: [] }],
    ["offline (flagged by default)", { mode: "offline", clockSkew: false }, {}, { status: "flagged", reasons: ["offline"] }],
    ["offline and skewed", { mode: "offline", clockSkew: true }, {}, { status: "flagged", reasons: ["offline", "clock_skew"] }],
    ["offline ignored by policy", { mode: "offline", clockSkew: false }, { offline: "ignore" }, { status: "accepted", reasons: [] }],
    ["skew rejected by policy wins over a flag", { mode: "offline", clockSkew: true }, { clock_skew: "reject" }, { status: "rejected", reasons: ["offline", "clock_skew"] }],
  ] as const)("%s", (_name, input, outcomes, expected) => {
    const settings = resolveSettings({ outcomes });
    const base = {
      kind: "in", time: 0, fix: null, fixError: null, places: [], networks: [], ip: null, country: null,
      ipLocation: null, previous: null, day: null, syncedPasskey: false,
    } as const;
    expect(evaluatePunch({ ...base, ...input, settings })).toEqual(expected);
  });
});

describe("resolveSettings", () => {
  it("fills defaults and ignores broken stored values", () => {
    expect(resolveSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(resolveSettings({ offlineWindowHours: "lots" })).toEqual(DEFAULT_SETTINGS);
    expect(resolveSettings({ offlineWindowHours: 24 }).offlineWindowHours).toBe(24);
    expect(resolveSettings({ outcomes: { offline: "ignore" } }).outcomes.clock_skew).toBe("flag");
  });
});

describe("localDate", () => {
  it.each([
    [Date.UTC(2026, 10, 27, 16, 30), "Asia/Shanghai", "2026-11-28"],
    [Date.UTC(2026, 10, 27, 16, 30), "America/New_York", "2026-11-27"],
    [Date.UTC(2026, 10, 27, 18, 29, 59), "Asia/Kolkata", "2026-11-27"],
    [Date.UTC(2026, 10, 27, 18, 30), "Asia/Kolkata", "2026-11-28"],
  ])("%i in %s is %s", (ms, tz, date) => {
    expect(localDate(ms, tz)).toBe(date);
  });
});

describe("summarizeDay (until schedules arrive)", () => {
  const at = (h: number, m = 0) => Date.UTC(2026, 10, 27, h, m);
  it("pairs in/out into worked minutes and ignores rejected punches", () => {
    const day = summarizeDay("2026-11-27", [
      { id: "a", kind: "in", effectiveTime: at(9), status: "accepted" },
      { id: "b", kind: "out", effectiveTime: at(12), status: "flagged" },
      { id: "c", kind: "in", effectiveTime: at(13), status: "accepted" },
      { id: "x", kind: "out", effectiveTime: at(14), status: "rejected" },
      { id: "d", kind: "out", effectiveTime: at(17, 30), status: "accepted" },
    ]);
    expect(day).toMatchObject({ status: "present", workedMinutes: 3 * 60 + 4 * 60 + 30, firstIn: at(9), lastOut: at(17, 30), flagged: ["b"] });
  });

  it("an open interval is incomplete, counted up to now only when asked", () => {
    const punches = [{ id: "a", kind: "in" as const, effectiveTime: at(9), status: "accepted" as const }];
    expect(summarizeDay("2026-11-27", punches)).toMatchObject({ status: "incomplete", workedMinutes: 0 });
    expect(summarizeDay("2026-11-27", punches, at(10, 15))).toMatchObject({ status: "incomplete", workedMinutes: 75 });
  });

  it("no punches is absent", () => {
    expect(summarizeDay("2026-11-27", []).status).toBe("absent");
  });
});
