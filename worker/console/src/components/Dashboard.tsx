import { useEffect, useState } from "preact/hooks";
import { api, type Employee, type PunchRecord } from "../api";
import { permissionsOf, useAppState } from "../state";
import { useAction } from "../use-action";
import { EmployeeForm } from "./EmployeeForm";
import { EmployeeList } from "./EmployeeList";
import { ErrorMessage } from "./ErrorMessage";
import { PunchTable } from "./PunchTable";

export function Dashboard({ employee, onSignOut }: { employee: Employee | null; onSignOut: () => Promise<void> }) {
  const { t } = useAppState();
  const [employees, setEmployees] = useState<Employee[] | null>(null);
  const [punches, setPunches] = useState<PunchRecord[] | null>(null);
  const loadEmployees = useAction();
  const loadPunches = useAction();
  const signOut = useAction();
  const can = permissionsOf(employee);

  const refreshPunches = () => loadPunches.run(async () => setPunches((await api.punches()).items));
  useEffect(() => {
    void loadEmployees.run(async () => setEmployees((await api.employees()).items));
    void refreshPunches();
  }, []);

  return (
    <>
      <header class="topbar">
        <h1>{t("appTitle")}</h1>
        <span class="who">{employee ? t("signedInAs", { name: employee.name }) : t("signedIn")}</span>
        <button type="button" disabled={signOut.busy} onClick={() => signOut.run(onSignOut)}>
          {t("signOut")}
        </button>
      </header>
      <main class="dashboard">
        <ErrorMessage message={signOut.error} />
        <section class="card" aria-labelledby="employees-heading">
          <h2 id="employees-heading">{t("employees")}</h2>
          <ErrorMessage message={loadEmployees.error} />
          {employees === null ? (
            loadEmployees.busy && <p>{t("loading")}</p>
          ) : (
            <EmployeeList employees={employees} can={can} />
          )}
        </section>
        {can.createEmployees && (
          <section class="card" aria-labelledby="add-employee-heading">
            <h2 id="add-employee-heading">{t("addEmployee")}</h2>
            <EmployeeForm
              roles={can.assignableRoles}
              onCreated={(created) => setEmployees((list) => [...(list ?? []), created].sort((a, b) => a.name.localeCompare(b.name)))}
            />
          </section>
        )}
        <section class="card" aria-labelledby="punches-heading">
          <div class="section-head">
            <h2 id="punches-heading">{t("recentPunches")}</h2>
            <button type="button" aria-label={t("refreshPunches")} disabled={loadPunches.busy} onClick={() => refreshPunches()}>
              {t("refresh")}
            </button>
          </div>
          <ErrorMessage message={loadPunches.error} />
          {punches !== null && <PunchTable punches={punches} employees={employees ?? []} />}
        </section>
      </main>
    </>
  );
}
