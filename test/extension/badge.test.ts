import { describe, expect, it } from "vitest";
import { BADGE_COLORS, badgeFor } from "../../extension/utils/badge";
import type { PunchState } from "../../extension/utils/storage";

const IN: PunchState = { kind: "in", since: 1, pending: false };
const OUT: PunchState = { kind: "out", since: 1, pending: false };
const NEVER: PunchState = { kind: null, since: null, pending: false };

describe("badgeFor", () => {
  it.each([
    ["not enrolled", { enrolled: false, state: IN, waiting: 3, attention: 1 }, "", "badgeNotEnrolled", []],
    ["a refused punch", { enrolled: true, state: IN, waiting: 3, attention: 2 }, "!", "badgeAttention", [2]],
    ["punches waiting", { enrolled: true, state: IN, waiting: 3, attention: 0 }, "3", "badgeWaiting", [3]],
    ["clocked in", { enrolled: true, state: IN, waiting: 0, attention: 0 }, "IN", "badgeIn", []],
    ["clocked out", { enrolled: true, state: OUT, waiting: 0, attention: 0 }, "OUT", "badgeOut", []],
    ["never punched", { enrolled: true, state: NEVER, waiting: 0, attention: 0 }, "OUT", "badgeOut", []],
  ] as const)("%s", (_name, input, text, titleKey, titleArgs) => {
    const badge = badgeFor(input);
    expect(badge).toMatchObject({ text, titleKey, titleArgs });
  });

  it("colours: red for attention, amber for waiting, green in, grey out", () => {
    expect(badgeFor({ enrolled: true, state: OUT, waiting: 0, attention: 1 }).color).toBe(BADGE_COLORS.attention);
    expect(badgeFor({ enrolled: true, state: OUT, waiting: 1, attention: 0 }).color).toBe(BADGE_COLORS.waiting);
    expect(badgeFor({ enrolled: true, state: IN, waiting: 0, attention: 0 }).color).toBe(BADGE_COLORS.in);
    expect(badgeFor({ enrolled: true, state: OUT, waiting: 0, attention: 0 }).color).toBe(BADGE_COLORS.out);
    expect(new Set(Object.values(BADGE_COLORS)).size).toBe(4);
  });
});
