import { TZDateMini } from "@date-fns/tz/date/mini";
import { useRef, useState } from "preact/hooks";
import { localDate } from "../../../../shared/time";
import { api, type Employee, type PunchKind, type PunchRecord } from "../api";
import { useAction } from "../hooks/use-action";
import { PUNCH_KIND_LABELS } from "../labels";
import { useI18n } from "../state";
import { ErrorMessage } from "./ErrorMessage";
import { Field } from "./Field";
import { When } from "./When";

/** The instant of a wall-clock date and time in `zone` (through @date-fns/tz: no hand-written zone arithmetic). */
function instantIn(date: string, time: string, zone: string): number | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return null;
  const ms = new TZDateMini(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]), 0, 0, zone).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/**
 * A punch entered for an employee (mode `manual`), with why. The time is typed in `zone`: the
 * employee's own where they have one, else the viewer's (the form says which).
 */
export function ManualPunchForm({ employee, zone, onEntered }: { employee: Employee; zone: string; onEntered: (punch: PunchRecord) => void }) {
  const { t } = useI18n();
  const { busy, error, run, setError } = useAction();
  const [kind, setKind] = useState<PunchKind>("in");
  const [date, setDate] = useState(() => localDate(Date.now(), zone));
  const [time, setTime] = useState("");
  const [reason, setReason] = useState("");
  const [entered, setEntered] = useState<PunchRecord | null>(null);
  const instant = instantIn(date, time, zone);
  // The same punch sent again after a failure (its answer may have been lost) keeps its key, so
  // the Worker enters it once; another punch gets a new one.
  const attempt = useRef<{ content: string; key: string } | null>(null);

  const submit = (event: Event) => {
    event.preventDefault();
    setEntered(null);
    if (instant === null) return setError(t("enterDateAndTime"));
    const body = { employeeId: employee.id, kind, time: instant, reason: reason.trim() };
    const content = JSON.stringify(body);
    if (attempt.current?.content !== content) attempt.current = { content, key: crypto.randomUUID() };
    const key = attempt.current.key;
    void run(async () => {
      const { punch } = await api.enterPunch(body, key);
      setEntered(punch);
      setTime("");
      setReason("");
      onEntered(punch);
    });
  };

  return (
    <form class="manual-punch" onSubmit={submit}>
      <p class="muted">{t("manualPunchIntro", { zone })}</p>
      <div class="form-grid">
        <Field label={t("punchKind")}>
          {(c) => (
            <select {...c} name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as PunchKind)}>
              {(["in", "out"] as const).map((k) => (
                <option key={k} value={k}>
                  {t(PUNCH_KIND_LABELS[k])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("date")}>{(c) => <input {...c} name="date" type="date" required value={date} onInput={(e) => setDate(e.currentTarget.value)} />}</Field>
        <Field label={t("timeIn", { zone })}>
          {(c) => <input {...c} name="time" type="time" required value={time} onInput={(e) => setTime(e.currentTarget.value)} />}
        </Field>
        <Field label={t("reason")} class="span-all">
          {(c) => <textarea {...c} name="reason" required maxLength={1000} rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
        </Field>
      </div>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("working") : t("enterPunch")}
        </button>
        {instant !== null && (
          <span class="muted">
            {t("yourTime")} <When ms={instant} />
          </span>
        )}
      </div>
      {entered && (
        <p class="message success" role="status">
          {t("punchEntered", { kind: t(PUNCH_KIND_LABELS[entered.kind]) })} <When ms={entered.effectiveTime} zone={entered.tz} />
        </p>
      )}
      <ErrorMessage message={error} />
    </form>
  );
}
