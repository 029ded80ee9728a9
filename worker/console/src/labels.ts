import type { CorrectionStatus, DayStatus, PunchKind, PunchMode, PunchRecord, ReasonCode, Role, TodayItem } from "./api";
import type { MessageKey } from "./i18n";
import type { Outcome } from "../../../shared/settings";

// Every code the API sends, in words. Each table is complete by type: a code added in shared/
// without its label fails the type check here.

export const ROLE_LABELS: Record<Role, MessageKey> = {
  employee: "roleEmployee",
  manager: "roleManager",
  auditor: "roleAuditor",
  admin: "roleAdmin",
};

export const PUNCH_STATUS_LABELS: Record<PunchRecord["status"], MessageKey> = {
  accepted: "statusAccepted",
  flagged: "statusFlagged",
  rejected: "statusRejected",
};

export const PUNCH_KIND_LABELS: Record<PunchKind, MessageKey> = {
  in: "punchIn",
  out: "punchOut",
};

/** A punch of each kind as a noun, for headings ("Clock-in"). */
export const PUNCH_NOUNS: Record<PunchKind, MessageKey> = {
  in: "clockIn",
  out: "clockOut",
};

/** What a correction of each kind asks to add. */
export const MISSED_LABELS: Record<PunchKind, MessageKey> = {
  in: "missedIn",
  out: "missedOut",
};

export const MODE_LABELS: Record<PunchMode, MessageKey> = {
  online: "modeOnline",
  offline: "modeOffline",
  correction: "modeCorrection",
  manual: "modeManual",
};

/** What each reason means, as a reviewer needs to read it. */
export const REASON_LABELS: Record<ReasonCode, MessageKey> = {
  offline: "reasonOffline",
  clock_skew: "reasonClockSkew",
  outside_geofence: "reasonOutsideGeofence",
  no_location: "reasonNoLocation",
  low_accuracy: "reasonLowAccuracy",
  ip_not_allowed: "reasonIpNotAllowed",
  country_not_allowed: "reasonCountryNotAllowed",
  ip_location_mismatch: "reasonIpLocationMismatch",
  impossible_travel: "reasonImpossibleTravel",
  outside_window: "reasonOutsideWindow",
  duplicate_kind: "reasonDuplicateKind",
  synced_passkey: "reasonSyncedPasskey",
  counter_regression: "reasonCounterRegression",
};

/** What each reason means and when it is raised: a sentence for the settings that decide its outcome. */
export const REASON_HELP: Record<ReasonCode, MessageKey> = {
  offline: "helpOffline",
  clock_skew: "helpClockSkew",
  outside_geofence: "helpOutsideGeofence",
  no_location: "helpNoLocation",
  low_accuracy: "helpLowAccuracy",
  ip_not_allowed: "helpIpNotAllowed",
  country_not_allowed: "helpCountryNotAllowed",
  ip_location_mismatch: "helpIpLocationMismatch",
  impossible_travel: "helpImpossibleTravel",
  outside_window: "helpOutsideWindow",
  duplicate_kind: "helpDuplicateKind",
  synced_passkey: "helpSyncedPasskey",
  counter_regression: "helpCounterRegression",
};

export const OUTCOME_LABELS: Record<Outcome, MessageKey> = {
  ignore: "outcomeIgnore",
  flag: "outcomeFlag",
  reject: "outcomeReject",
};

export const CORRECTION_STATUS_LABELS: Record<CorrectionStatus, MessageKey> = {
  pending: "correctionPending",
  approved: "correctionApproved",
  rejected: "correctionRejected",
  cancelled: "correctionCancelled",
};

export const DAY_STATUS_LABELS: Record<DayStatus, MessageKey> = {
  present: "dayPresent",
  late: "dayLate",
  early_leave: "dayEarlyLeave",
  absent: "dayAbsent",
  incomplete: "dayIncomplete",
  holiday: "dayHoliday",
  rest_day: "dayRestDay",
  scheduled: "dayScheduled",
};

/** Where someone stands now by their last counted punch (GET /api/admin/today). */
export const PRESENCE_LABELS: Record<TodayItem["state"], MessageKey> = {
  in: "presenceIn",
  out: "presenceOut",
  none: "presenceNone",
};

type GeoError = Extract<PunchRecord["geo"], { error: string }>["error"];
export const GEO_ERROR_LABELS: Record<GeoError, MessageKey> = {
  denied: "geoDenied",
  unavailable: "geoUnavailable",
  timeout: "geoTimeout",
  unsupported: "geoUnsupported",
};

/** The keys of a label table, typed (for filters that list every value). */
export function codesOf<Code extends string>(table: Record<Code, MessageKey>): Code[] {
  return Object.keys(table) as Code[];
}
