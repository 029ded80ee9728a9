import { useMemo, useState } from "preact/hooks";
import { EmployeeForm } from "../components/EmployeeForm";
import { EmployeeName } from "../components/EmployeeName";
import { Field } from "../components/Field";
import { Loaded } from "../components/Loaded";
import { PageHeader } from "../components/PageHeader";
import { useDirectory } from "../hooks/use-directory";
import { ROLE_LABELS } from "../labels";
import { usePermissions } from "../permissions";
import { paths } from "../routes";
import { useI18n } from "../state";
import { TableScroll } from "../components/TableScroll";

/** Everyone in the viewer's scope, searchable; admins add people here. */
export function Employees() {
  const { t } = useI18n();
  const can = usePermissions();
  const directory = useDirectory();
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<"active" | "inactive" | "all">("active");
  const shown = useMemo(() => {
    const words = search.trim().toLowerCase();
    return directory.items?.filter(
      (e) => (status === "all" || e.active === (status === "active")) && (!words || e.name.toLowerCase().includes(words) || e.email.includes(words)),
    );
  }, [directory.items, search, status]);
  const managers = useMemo(() => directory.items?.filter((e) => e.active && (e.role === "manager" || e.role === "admin")) ?? [], [directory.items]);

  return (
    <>
      <PageHeader title={t("navEmployees")}>{can.importEmployees && <a href={paths.importEmployees}>{t("importFromCsv")}</a>}</PageHeader>
      <section class="card" aria-labelledby="employees-heading">
        <div class="section-head">
          <h2 id="employees-heading">{can.role === "manager" ? t("yourTeam") : t("everyone")}</h2>
          <div class="filters inline">
            <Field label={t("searchEmployees")} hiddenLabel class="search">
              {(c) => <input {...c} type="search" placeholder={t("searchEmployees")} value={search} onInput={(e) => setSearch(e.currentTarget.value)} />}
            </Field>
            <Field label={t("status")} hiddenLabel>
              {(c) => (
                <select {...c} name="active" value={status} onChange={(e) => setStatus(e.currentTarget.value as typeof status)}>
                  <option value="active">{t("activeOnly")}</option>
                  <option value="inactive">{t("inactiveOnly")}</option>
                  <option value="all">{t("activeAndInactive")}</option>
                </select>
              )}
            </Field>
          </div>
        </div>
        <Loaded
          data={shown}
          error={directory.error}
          loading={directory.items === undefined}
          onRetry={directory.refresh}
          empty={search ? t("noMatches") : can.role === "manager" ? t("noReports") : t("noEmployees")}
        >
          {(items) => (
            <TableScroll label={t("navEmployees")}>
              <table class="stacked">
                <caption class="visually-hidden">{t("navEmployees")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("name")}</th>
                    <th scope="col">{t("email")}</th>
                    <th scope="col">{t("role")}</th>
                    <th scope="col">{t("manager")}</th>
                    <th scope="col">{t("timezone")}</th>
                    <th scope="col">{t("status")}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((employee) => (
                    <tr key={employee.id}>
                      <td data-label={t("name")}>
                        <a href={paths.employee(employee.id)}>{employee.name}</a>
                      </td>
                      <td data-label={t("email")} class="wrap">
                        {employee.email}
                      </td>
                      <td data-label={t("role")}>{t(ROLE_LABELS[employee.role])}</td>
                      <td data-label={t("manager")}>{employee.managerId ? <EmployeeName id={employee.managerId} byId={directory.byId} /> : "—"}</td>
                      <td data-label={t("timezone")}>{employee.timezone ?? "—"}</td>
                      <td data-label={t("status")}>{employee.active ? t("active") : <span class="muted">{t("inactive")}</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </Loaded>
      </section>
      {can.createEmployees && (
        <section class="card" aria-labelledby="add-employee-heading">
          <h2 id="add-employee-heading">{t("addEmployee")}</h2>
          <EmployeeForm roles={can.assignableRoles} managers={managers} onCreated={directory.put} />
        </section>
      )}
    </>
  );
}
