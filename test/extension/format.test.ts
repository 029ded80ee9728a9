import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { DaySummary } from "../../shared/api";
import { standingOf } from "../../extension/components/format";

type Messages = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

/** The words a user of that locale reads, straight from the generated _locales file. */
function translator(locale: "en" | "zh_CN") {
  const messages = JSON.parse(readFileSync(new URL(`../../extension/public/_locales/${locale}/messages.json`, import.meta.url), "utf8")) as Messages;
  return (key: string, ...subs: (string | number)[]) => {
    const entry = messages[key];
    if (!entry) throw new Error(`no message ${key}`);
    return entry.message.replace(/\$([A-Za-z0-9_]+)\$/g, (_, name: string) => {
      const content = entry.placeholders?.[name.toLowerCase()]?.content ?? "";
      return String(subs[Number(content.slice(1)) - 1] ?? "");
    });
  };
}

const day = (status: DaySummary["status"], late = 0, early = 0) => ({ status, lateMinutes: late, earlyLeaveMinutes: early });

describe("today's standing in words", () => {
  it.each([
    [day("present"), "On time", "准时"],
    [day("late", 12), "Late by 12 min", "迟到 12 分钟"],
    [day("late", 75), "Late by 1 h 15 min", "迟到 1 小时 15 分钟"],
    [day("early_leave", 0, 30), "Left 30 min early", "早退 30 分钟"],
    [day("absent"), "Absent", "缺勤"],
    [day("incomplete"), "Missing a clock-out", "缺少下班打卡"],
    [day("holiday"), "Holiday", "节假日"],
    [day("rest_day"), "Rest day", "休息日"],
    [day("scheduled"), "Not clocked in yet", "尚未上班打卡"],
  ])("%o: %s / %s", (today, en, zh) => {
    expect(standingOf(today, translator("en"))).toBe(en);
    expect(standingOf(today, translator("zh_CN"))).toBe(zh);
  });

  it("a status this version does not know shows nothing rather than a raw key", () => {
    expect(standingOf(day("on_leave" as DaySummary["status"]), translator("en"))).toBeNull();
  });
});
