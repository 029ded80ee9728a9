import { Fragment } from "preact";
import { useState } from "preact/hooks";
import { api, type Employee } from "../api";
import { formatTime } from "../format";
import { useAppState } from "../state";
import { useAction } from "../use-action";
import { DeviceList } from "./DeviceList";
import { ROLE_LABELS } from "./EmployeeForm";
import { ErrorMessage } from "./ErrorMessage";

export function EmployeeList({ employees }: { employees: Employee[] }) {
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
            <EmployeeRow key={employee.id} employee={employee} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EmployeeRow({ employee }: { employee: Employee }) {
  const { t, locale } = useAppState();
  const issue = useAction();
  const [code, setCode] = useState<{ code: string; expiresAt: number } | null>(null);
  const [showDevices, setShowDevices] = useState(false);
  const detailsId = `employee-${employee.id}-details`;
  const open = code !== null || issue.error !== null || showDevices;

  return (
    <Fragment>
      <tr>
        <td>{employee.name}</td>
        <td>{employee.email}</td>
        <td>{t(ROLE_LABELS[employee.role])}</td>
        <td>{employee.timezone ?? "—"}</td>
        <td>{employee.active ? t("active") : <span class="muted">{t("inactive")}</span>}</td>
        <td class="actions">
          <button
            type="button"
            aria-label={t("issueCodeFor", { name: employee.name })}
            disabled={issue.busy || !employee.active}
            onClick={() => issue.run(async () => setCode(await api.issueExtensionCode(employee.id)))}
          >
            {t("issueCode")}
          </button>
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
                <span>{t("codeIssued", { name: employee.name })}</span>
                <code>{code.code}</code>
                <span class="muted">{t("codeExpires", { time: formatTime(locale, code.expiresAt) })}</span>
              </div>
            )}
            {showDevices && <DeviceList employee={employee} />}
          </td>
        </tr>
      )}
    </Fragment>
  );
}
