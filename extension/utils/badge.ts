/*
 * _locales message keys used here (the UI engineer writes them):
 *   badgeNotEnrolled  — "Clockwork: not set up"
 *   badgeAttention    — "$1 punch(es) need your attention"            ($1 = count)
 *   badgeWaiting      — "$1 punch(es) waiting to be sent"             ($1 = count)
 *   badgeIn           — "Clocked in"
 *   badgeOut          — "Clocked out"
 */
import type { PunchState } from "./storage";

export const BADGE_COLORS = {
  attention: "#d93025",
  waiting: "#f29900",
  in: "#188038",
  out: "#5f6368",
} as const;

export interface Badge {
  text: string;
  color: string;
  titleKey: string;
  titleArgs: (string | number)[];
}

/** What the toolbar icon shows; the most urgent thing wins. */
export function badgeFor(input: { enrolled: boolean; state: PunchState; waiting: number; attention: number }): Badge {
  if (!input.enrolled) return { text: "", color: BADGE_COLORS.out, titleKey: "badgeNotEnrolled", titleArgs: [] };
  if (input.attention > 0) return { text: "!", color: BADGE_COLORS.attention, titleKey: "badgeAttention", titleArgs: [input.attention] };
  if (input.waiting > 0) {
    return { text: String(input.waiting), color: BADGE_COLORS.waiting, titleKey: "badgeWaiting", titleArgs: [input.waiting] };
  }
  if (input.state.kind === "in") return { text: "IN", color: BADGE_COLORS.in, titleKey: "badgeIn", titleArgs: [] };
  return { text: "OUT", color: BADGE_COLORS.out, titleKey: "badgeOut", titleArgs: [] };
}
