import { Fragment } from "preact";
import { useState } from "preact/hooks";
import { api, type CodePurpose, type Employee, type IssuedCode } from "../api";
import { formatTime } from "../format";
import { type Permissions, useAppState } from "../state";
import { useAction } from "../use-action";
import { DeviceList } from "./DeviceList";
import { ROLE_LABELS } from "./EmployeeForm";
import { ErrorMessage } from "./ErrorMessage";

export function EmployeeList({ employees, can }: { employees: Employee[]; can: Permissions }) {
  const { t } = useAppState();
  if (employees.length === 0) return <p class="empty">{t("noEmployees")}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("name")}</th>
            <th scope="col">{t("email")}</th>
            <th scope="col">{t("role")}</th>
            <th scope="col">{t("timezone")}</th>
            <th scope="col">{t("status")}</th>
            <th scope="col">{t("actions")}</th>
          </tr>
        </thead>
        <tbody>
          {employees.map((employee) => (
            <EmployeeRow key={employee.id} employee={employee} can={can} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EmployeeRow({ employee, can }: { employee: Employee; can: Permissions }) {
  const { t, locale } = useAppState();
  const issue = useAction();
  const [code, setCode] = useState<IssuedCode | null>(null);
  const [showDevices, setShowDevices] = useState(false);
  const detailsId = `employee-${employee.id}-details`;
  const open = code !== null || issue.error !== null || showDevices;
  const issueCode = (purpose: CodePurpose) => issue.run(async () => setCode(await api.issueEnrollmentCode(employee.id, purpose)));

  return (
    <Fragment>
      <tr>
        <td>{employee.name}</td>
        <td>{employee.email}</td>
        <td>{t(ROLE_LABELS[employee.role])}</td>
        <td>{employee.timezone ?? "—"}</td>
        <td>{employee.active ? t("active") : <span class="muted">{t("inactive")}</span>}</td>
        <td class="actions">
          {can.write && can.writeTarget(employee) && (
            <button
              type="button"
              aria-label={t("issueCodeFor", { name: employee.name })}
              disabled={issue.busy || !employee.active}
              onClick={() => issueCode("extension")}
            >
              {t("issueCode")}
            </button>
          )}
          {can.issueConsoleCodes && employee.role !== "employee" && (
            <button
              type="button"
              aria-label={t("issueConsoleCodeFor", { name: employee.name })}
              disabled={issue.busy || !employee.active}
              onClick={() => issueCode("console")}
            >
              {t("issueConsoleCode")}
            </button>
          )}
          <button
            type="button"
            aria-label={t(showDevices ? "hideDevicesFor" : "showDevicesFor", { name: employee.name })}
            aria-expanded={showDevices}
            aria-controls={detailsId}
            onClick={() => setShowDevices(!showDevices)}
          >
            {showDevices ? t("hideDevices") : t("showDevices")}
          </button>
        </td>
      </tr>
      {open && (
        <tr class="details">
          <td colSpan={6} id={detailsId}>
            <ErrorMessage message={issue.error} />
            {code && (
              <div class="issued-code" role="status">
                <span>{t(code.purpose === "console" ? "consoleCodeIssued" : "codeIssued", { name: employee.name })}</span>
                <code>{code.code}</code>
                <span class="muted">{t("codeExpires", { time: formatTime(locale, code.expiresAt) })}</span>
              </div>
            )}
            {showDevices && <DeviceList employee={employee} canRevoke={can.write && can.writeTarget(employee)} />}
          </td>
        </tr>
      )}
    </Fragment>
  );
}
