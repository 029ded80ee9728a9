import type { Employee } from "../api";
import { useI18n } from "../state";
import { Field } from "./Field";

/** A filter by person: everyone the viewer may see, or one of them. */
export function EmployeeSelect({ value, employees, onChange, placeholder, label }: { value: string; employees: Employee[] | undefined; onChange: (id: string) => void; placeholder?: string; label?: string }) {
  const { t } = useI18n();
  return (
    <Field label={label ?? t("employee")}>
      {(c) => (
        <select {...c} name="employee" value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">{placeholder ?? t("everyone")}</option>
          {/* A filter from a link may name someone not (yet) listed: keep it selectable. */}
          {value && !employees?.some((e) => e.id === value) && <option value={value}>{t("someoneElse")}</option>}
          {employees?.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
