import type { Employee } from "../api";
import { paths } from "../routes";
import { useI18n, useMe } from "../state";

/** A person by name, linked to their page; "you" for the viewer; their id when out of the viewer's sight. */
export function EmployeeName({ id, byId, link = true }: { id: string; byId: Map<string, Employee>; link?: boolean }) {
  const { t } = useI18n();
  const me = useMe();
  const employee = byId.get(id);
  if (id === me.id && !employee) return <>{t("you")}</>;
  if (!employee) return <span class="muted">{t("someoneElse")}</span>;
  return link ? <a href={paths.employee(id)}>{employee.name}</a> : <>{employee.name}</>;
}
