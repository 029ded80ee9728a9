import { addDays, zonedInstant } from "../../shared/schedule";
import { localDate } from "../../shared/time";
import type { MessageKey } from "./i18n";
import type { CorrectionDraft, CorrectionFields } from "./storage";

export type CorrectionField = "date" | "time" | "reason";

export type CorrectionCheck = { ok: true; fields: CorrectionFields } | { ok: false; errors: Partial<Record<CorrectionField, MessageKey>> };

/**
 * The form's fields as the request the server takes: the wall-clock time read in the employee's
 * zone, on the chosen date (or the next one, after midnight of a night shift). Refuses what is
 * surely wrong: a missing field, or a date or time still to come. How far back a request may
 * go is the company's to say, so the server judges that.
 */
export function checkCorrection(input: CorrectionDraft, opts: { now: number; zone: string }): CorrectionCheck {
  const errors: Partial<Record<CorrectionField, MessageKey>> = {};
  const reason = input.reason.trim();
  const dateOk = /^\d{4}-\d{2}-\d{2}$/.test(input.date);
  const timeOk = /^([01]\d|2[0-3]):[0-5]\d$/.test(input.time);
  if (!dateOk) errors.date = "errDateMissing";
  else if (input.date > localDate(opts.now, opts.zone)) errors.date = "errDateFuture";
  if (!timeOk) errors.time = "errTimeMissing";
  if (!reason) errors.reason = "errReasonMissing";
  if (errors.date || errors.time || errors.reason) return { ok: false, errors };
  const time = zonedInstant(input.nextDay ? addDays(input.date, 1) : input.date, input.time, opts.zone);
  if (time > opts.now) return { ok: false, errors: { time: "errTimeFuture" } };
  return { ok: true, fields: { date: input.date, kind: input.kind, time, reason } };
}
