import { useState } from "preact/hooks";
import { api, type Employee, type Role } from "../api";
import type { MessageKey } from "../i18n";
import { useAppState } from "../state";
import { useAction } from "../use-action";
import { ErrorMessage } from "./ErrorMessage";

export const ROLE_LABELS: Record<Role, MessageKey> = {
  employee: "roleEmployee",
  manager: "roleManager",
  auditor: "roleAuditor",
  admin: "roleAdmin",
};

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return "";
  }
}

export function EmployeeForm({ roles, onCreated }: { roles: readonly Role[]; onCreated: (employee: Employee) => void }) {
  const { t } = useAppState();
  const { busy, error, run } = useAction();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("employee");
  const [timezone, setTimezone] = useState(browserTimeZone);
  const [created, setCreated] = useState<string | null>(null);

  const submit = (event: Event) => {
    event.preventDefault();
    setCreated(null);
    void run(async () => {
      const employee = await api.createEmployee({ name, email, role, timezone: timezone.trim() || null });
      onCreated(employee);
      setCreated(employee.name);
      setName("");
      setEmail("");
      setRole("employee");
    });
  };

  return (
    <form class="employee-form" onSubmit={submit}>
      <label>
        {t("name")}
        <input name="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        {t("email")}
        <input name="email" type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      </label>
      <label>
        {t("role")}
        <select name="role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {t(ROLE_LABELS[r])}
            </option>
          ))}
        </select>
      </label>
      <div class="field">
        {/* The hint sits outside the label so it describes the field without becoming its name. */}
        <label>
          {t("timezone")}
          <input
            name="timezone"
            value={timezone}
            placeholder="Asia/Shanghai"
            aria-describedby="timezone-hint"
            onInput={(e) => setTimezone(e.currentTarget.value)}
          />
        </label>
        <small id="timezone-hint">{t("timezoneHint")}</small>
      </div>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("working") : t("createEmployee")}
        </button>
      </div>
      {created && (
        <p class="message success" role="status">
          {t("employeeCreated", { name: created })}
        </p>
      )}
      <ErrorMessage message={error} />
    </form>
  );
}
