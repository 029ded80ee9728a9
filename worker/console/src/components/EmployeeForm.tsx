import { useState } from "preact/hooks";
import { api, type Employee, type Role } from "../api";
import { useAction } from "../hooks/use-action";
import { ROLE_LABELS } from "../labels";
import { paths } from "../routes";
import { useI18n } from "../state";
import { ErrorMessage } from "./ErrorMessage";
import { Field } from "./Field";

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return "";
  }
}

/** Adds a person (admins only); the answer names them with a link to their page, where codes are issued. */
export function EmployeeForm(props: { roles: readonly Role[]; managers: Employee[]; onCreated: (employee: Employee) => void }) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("employee");
  const [managerId, setManagerId] = useState("");
  const [timezone, setTimezone] = useState(browserTimeZone);
  const [created, setCreated] = useState<Employee | null>(null);

  const submit = (event: Event) => {
    event.preventDefault();
    setCreated(null);
    void run(async () => {
      const employee = await api.createEmployee({ name, email, role, managerId: managerId || null, timezone: timezone.trim() || null });
      props.onCreated(employee);
      setCreated(employee);
      setName("");
      setEmail("");
      setRole("employee");
    });
  };

  return (
    <form class="employee-form" onSubmit={submit}>
      <Field label={t("name")}>{(c) => <input {...c} name="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
      <Field label={t("email")}>
        {(c) => <input {...c} name="email" type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
      </Field>
      <Field label={t("role")}>
        {(c) => (
          <select {...c} name="role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {props.roles.map((r) => (
              <option key={r} value={r}>
                {t(ROLE_LABELS[r])}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t("manager")}>
        {(c) => (
          <select {...c} name="managerId" value={managerId} onChange={(e) => setManagerId(e.currentTarget.value)}>
            <option value="">{t("noManager")}</option>
            {props.managers.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t("timezone")} hint={t("timezoneHint")}>
        {(c) => <input {...c} name="timezone" value={timezone} placeholder="Asia/Shanghai" onInput={(e) => setTimezone(e.currentTarget.value)} />}
      </Field>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("working") : t("createEmployee")}
        </button>
      </div>
      {created && (
        <p class="message success" role="status">
          {t("employeeCreated", { name: created.name })} <a href={paths.employee(created.id)}>{t("openEmployeePage", { name: created.name })}</a>
        </p>
      )}
      <ErrorMessage message={error} />
    </form>
  );
}
