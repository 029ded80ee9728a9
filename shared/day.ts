import type { DaySummary } from "./api";
import type { PunchKind } from "./punch";
import type { PunchStatus } from "./rules";
import { MINUTE_MS } from "./time";

export interface DayPunch {
  id: string;
  kind: PunchKind;
  effectiveTime: number;
  status: PunchStatus;
}

/**
 * Summarises one employee's local day from its punches. Rejected punches do
 * not count. Intervals pair each "in" with the next "out"; an "in" after an
 * open "in" keeps the earlier one. Schedules, holidays and lateness come with
 * the rules engine; until then a day with punches is `present` (or
 * `incomplete` when a pair is open) and a day without is `absent`.
 */
export function summarizeDay(
  date: string,
  punches: readonly DayPunch[],
  /** Counts a still-open interval up to this instant (now, for today); null counts none. */
  openUntil: number | null = null,
): DaySummary {
  const counted = punches
    .filter((p) => p.status !== "rejected")
    .sort((a, b) => a.effectiveTime - b.effectiveTime || a.id.localeCompare(b.id));

  let open: number | null = null;
  let workedMs = 0;
  let unpaired = false;
  let firstIn: number | null = null;
  let lastOut: number | null = null;
  for (const punch of counted) {
    if (punch.kind === "in") {
      firstIn ??= punch.effectiveTime;
      open ??= punch.effectiveTime;
    } else {
      lastOut = punch.effectiveTime;
      if (open === null) unpaired = true;
      else {
        workedMs += punch.effectiveTime - open;
        open = null;
      }
    }
  }
  const stillIn = open !== null;
  if (stillIn && openUntil !== null && openUntil > open!) workedMs += openUntil - open!;

  const status: DaySummary["status"] =
    counted.length === 0 ? "absent" : unpaired || stillIn ? "incomplete" : "present";
  return {
    date,
    status,
    firstIn,
    lastOut,
    workedMinutes: Math.max(0, Math.floor(workedMs / MINUTE_MS)),
    lateMinutes: 0,
    earlyLeaveMinutes: 0,
    overtimeMinutes: 0,
    flagged: punches.filter((p) => p.status === "flagged").map((p) => p.id),
  };
}
