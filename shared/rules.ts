import type { Outcome, ReasonCode, Settings } from "./settings";

export type PunchStatus = "accepted" | "flagged" | "rejected";
export type PunchMode = "online" | "offline";

/** Everything the rules look at, gathered by the Worker; plain data only. */
export interface PunchRuleInput {
  mode: PunchMode;
  /** True when the client's clock fell outside the proven [not-before, received] bracket. */
  clockSkew: boolean;
  settings: Pick<Settings, "outcomes">;
}

export interface PunchVerdict {
  status: PunchStatus;
  /** Reasons whose outcome is not `ignore`, in a stable order. */
  reasons: ReasonCode[];
}

const STRENGTH: Record<Outcome, number> = { ignore: 0, flag: 1, reject: 2 };
const STATUS_OF: Record<Outcome, PunchStatus> = { ignore: "accepted", flag: "flagged", reject: "rejected" };

/**
 * Judges a verified punch. Status is the strongest outcome among its reasons;
 * reasons the company ignores are left out.
 */
export function evaluatePunch(input: PunchRuleInput): PunchVerdict {
  const found: ReasonCode[] = [];
  if (input.mode === "offline") found.push("offline");
  if (input.clockSkew) found.push("clock_skew");

  let strongest: Outcome = "ignore";
  const reasons: ReasonCode[] = [];
  for (const reason of found) {
    const outcome = input.settings.outcomes[reason] ?? "flag";
    if (outcome === "ignore") continue;
    reasons.push(reason);
    if (STRENGTH[outcome] > STRENGTH[strongest]) strongest = outcome;
  }
  return { status: STATUS_OF[strongest], reasons };
}
