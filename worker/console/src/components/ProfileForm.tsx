import { useState } from "preact/hooks";
import { api, type Employee, type EmployeeUpdate, type Role, type Schedule } from "../api";
import { useAction } from "../hooks/use-action";
import { ROLE_LABELS } from "../labels";
import { usePermissions } from "../permissions";
import { useI18n, useMe } from "../state";
import { ErrorMessage } from "./ErrorMessage";
import { Field } from "./Field";
import { ZoneInput } from "./ZoneInput";

/**
 * Changes someone's profile: name, manager, schedule and zone; email and role from admins only
 * (managers see them as text). Sends only what changed.
 */
export function ProfileForm(props: { employee: Employee; people: Employee[]; schedules: Schedule[]; onSaved: (employee: Employee) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const can = usePermissions();
  const me = useMe();
  const { employee } = props;
  const { busy, error, run } = useAction();
  const [name, setName] = useState(employee.name);
  const [email, setEmail] = useState(employee.email);
  const [role, setRole] = useState<Role>(employee.role);
  const [managerId, setManagerId] = useState(employee.managerId ?? "");
  const [scheduleId, setScheduleId] = useState(employee.scheduleId ?? "");
  const [timezone, setTimezone] = useState(employee.timezone ?? "");
  // Anyone who manages people may be chosen; a manager may only keep people within their team.
  const managers = props.people.filter((p) => p.active && p.id !== employee.id && (p.role === "manager" || p.role === "admin"));
  if (can.role === "manager" && !managers.some((m) => m.id === me.id)) managers.unshift(me);
  const ownRole = employee.id === me.id;

  const submit = (event: Event) => {
    event.preventDefault();
    const change: EmployeeUpdate = {};
    if (name.trim() !== employee.name) change.name = name.trim();
    if (can.editIdentity && email.trim().toLowerCase() !== employee.email) change.email = email.trim();
    if (can.editIdentity && role !== employee.role) change.role = role;
    if ((managerId || null) !== employee.managerId) change.managerId = managerId || null;
    if ((scheduleId || null) !== employee.scheduleId) change.scheduleId = scheduleId || null;
    if ((timezone.trim() || null) !== employee.timezone) change.timezone = timezone.trim() || null;
    if (Object.keys(change).length === 0) return props.onCancel();
    void run(async () => props.onSaved(await api.updateEmployee(employee.id, change)));
  };

  return (
    <form class="form-grid profile-form" onSubmit={submit}>
      <Field label={t("name")}>{(c) => <input {...c} name="name" required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
      {can.editIdentity ? (
        <Field label={t("email")}>{(c) => <input {...c} name="email" type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}</Field>
      ) : null}
      {can.editIdentity && !ownRole ? (
        <Field label={t("role")}>
          {(c) => (
            <select {...c} name="role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
              {can.assignableRoles.map((r) => (
                <option key={r} value={r}>
                  {t(ROLE_LABELS[r])}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      <Field label={t("manager")}>
        {(c) => (
          <select {...c} name="managerId" value={managerId} onChange={(e) => setManagerId(e.currentTarget.value)}>
            {can.role === "admin" && <option value="">{t("noManager")}</option>}
            {managerId && !managers.some((m) => m.id === managerId) && <option value={managerId}>{t("someoneElse")}</option>}
            {managers.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t("schedule")} hint={t("scheduleHint")}>
        {(c) => (
          <select {...c} name="scheduleId" value={scheduleId} onChange={(e) => setScheduleId(e.currentTarget.value)}>
            <option value="">{t("companyHours")}</option>
            {props.schedules.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t("timezone")} hint={t("timezoneHint")}>
        {(c) => <ZoneInput {...c} name="timezone" value={timezone} onInput={setTimezone} />}
      </Field>
      <div class="form-actions span-all">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("working") : t("save")}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t("cancel")}
        </button>
      </div>
      <div class="span-all">
        <ErrorMessage message={error} />
      </div>
    </form>
  );
}
