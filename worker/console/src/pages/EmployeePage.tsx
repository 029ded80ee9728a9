import { useRoute } from "preact-iso";
import { localDate } from "../../../../shared/time";
import { api, type Employee } from "../api";
import { DayTable } from "../components/DayTable";
import { DeviceList } from "../components/DeviceList";
import { EmployeeName } from "../components/EmployeeName";
import { EnrollmentCodes } from "../components/EnrollmentCodes";
import { Loaded } from "../components/Loaded";
import { LoadMore } from "../components/LoadMore";
import { ManualPunchForm } from "../components/ManualPunchForm";
import { PageHeader } from "../components/PageHeader";
import { PunchTable } from "../components/PunchTable";
import { When } from "../components/When";
import { addDays, viewerZone } from "../format";
import { useDirectory } from "../hooks/use-directory";
import { usePaged } from "../hooks/use-paged";
import { useResource } from "../hooks/use-resource";
import { ROLE_LABELS } from "../labels";
import { usePermissions } from "../permissions";
import { paths } from "../routes";
import { useI18n } from "../state";

/** Days of day summaries on a person's page. */
const RECENT_DAYS = 14;

/** One person: profile, enrolment codes, passkeys, a manual punch, their recent days and punches. */
export function EmployeePage() {
  const { t } = useI18n();
  const { params } = useRoute();
  const id = params.id ?? "";
  const employee = useResource(() => api.employee(id), [id]);

  if (employee.data) return <Profile employee={employee.data} />;
  return (
    <>
      <PageHeader title={t("employee")} />
      <section class="card">
        <Loaded {...employee} onRetry={employee.reload}>
          {() => null}
        </Loaded>
      </section>
    </>
  );
}

function Profile({ employee }: { employee: Employee }) {
  const { t } = useI18n();
  const can = usePermissions();
  const directory = useDirectory();
  // Days are judged in the employee's zone; without one of their own the company's applies, which
  // only admins may read, so the form and the range use the viewer's and say so.
  const zone = employee.timezone ?? viewerZone();
  const today = localDate(Date.now(), zone);
  const days = useResource(() => api.timesheet({ from: addDays(today, -(RECENT_DAYS - 1)), to: today, employeeId: employee.id }), [employee.id, today]);
  const punches = usePaged((cursor) => api.punches({ employeeId: employee.id, cursor, limit: 20 }), [employee.id]);
  const changeable = can.change(employee) && employee.active;

  return (
    <>
      <PageHeader title={employee.name}>
        <a href={paths.corrections({ employee: employee.id, status: "all" })}>{t("theirCorrections")}</a>
      </PageHeader>

      <section class="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">{t("profile")}</h2>
        <dl class="facts">
          <dt>{t("email")}</dt>
          <dd>{employee.email}</dd>
          <dt>{t("role")}</dt>
          <dd>{t(ROLE_LABELS[employee.role])}</dd>
          <dt>{t("manager")}</dt>
          <dd>{employee.managerId ? <EmployeeName id={employee.managerId} byId={directory.byId} /> : "—"}</dd>
          <dt>{t("timezone")}</dt>
          <dd>{employee.timezone ?? t("companyZone")}</dd>
          <dt>{t("status")}</dt>
          <dd>{employee.active ? t("active") : t("inactive")}</dd>
          <dt>{t("added")}</dt>
          <dd>
            <When ms={employee.createdAt} />
          </dd>
        </dl>
      </section>

      {changeable && (
        <section class="card" aria-labelledby="codes-heading">
          <h2 id="codes-heading">{t("enrolmentCodes")}</h2>
          <EnrollmentCodes employee={employee} console={can.issueConsoleCodes && employee.role !== "employee"} />
        </section>
      )}

      <section class="card" aria-labelledby="devices-heading">
        <h2 id="devices-heading">{t("devices")}</h2>
        <DeviceList employee={employee} canRevoke={can.change(employee)} />
      </section>

      {can.decideFor(employee) && employee.active && (
        <section class="card" aria-labelledby="manual-heading">
          <h2 id="manual-heading">{t("manualPunch")}</h2>
          <ManualPunchForm
            employee={employee}
            zone={zone}
            onEntered={() => {
              punches.reload();
              days.reload();
            }}
          />
        </section>
      )}

      <section class="card" aria-labelledby="days-heading">
        <div class="section-head">
          <h2 id="days-heading">{t("recentDays")}</h2>
          <button type="button" disabled={days.loading} onClick={days.reload}>
            {t("refresh")}
          </button>
        </div>
        <Loaded {...days} data={days.data?.items} onRetry={days.reload} empty={t("noDays")}>
          {(rows) => <DayTable rows={rows} caption={t("recentDays")} />}
        </Loaded>
      </section>

      <section class="card" aria-labelledby="punches-heading">
        <h2 id="punches-heading">{t("navPunches")}</h2>
        <Loaded data={punches.items} error={punches.error} loading={punches.loading} onRetry={punches.reload} empty={t("noPunches")}>
          {(items) => <PunchTable punches={items} byId={directory.byId} showEmployee={false} caption={t("punchesOf", { name: employee.name })} />}
        </Loaded>
        <LoadMore list={punches} />
      </section>
    </>
  );
}
