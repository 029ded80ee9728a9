import { useRoute } from "preact-iso";
import { useState } from "preact/hooks";
import { localDate } from "../../../../shared/time";
import { api, type Employee } from "../api";
import { ConfirmButton } from "../components/ConfirmButton";
import { DayTable } from "../components/DayTable";
import { DeviceList } from "../components/DeviceList";
import { EmployeeName } from "../components/EmployeeName";
import { EnrollmentCodes } from "../components/EnrollmentCodes";
import { ErrorMessage } from "../components/ErrorMessage";
import { Loaded } from "../components/Loaded";
import { LoadMore } from "../components/LoadMore";
import { ManualPunchForm } from "../components/ManualPunchForm";
import { PageHeader } from "../components/PageHeader";
import { PlaceList } from "../components/PlaceList";
import { ProfileForm } from "../components/ProfileForm";
import { PunchTable } from "../components/PunchTable";
import { TotalsList } from "../components/TotalsList";
import { When } from "../components/When";
import { addDays, viewerZone } from "../format";
import { useAction } from "../hooks/use-action";
import { useDirectory } from "../hooks/use-directory";
import { usePaged } from "../hooks/use-paged";
import { useResource } from "../hooks/use-resource";
import { ROLE_LABELS } from "../labels";
import { totalsOf } from "../logic/report-totals";
import { usePermissions } from "../permissions";
import { paths } from "../routes";
import { useAppState, useI18n } from "../state";

/** Days of day summaries on a person's page. */
const RECENT_DAYS = 30;

/** One person: profile, enrolment codes, passkeys, approved places, a manual punch, their last 30 days and punches. */
export function EmployeePage() {
  const { t } = useI18n();
  const { params } = useRoute();
  const id = params.id ?? "";
  const employee = useResource(() => api.employee(id), [id]);

  if (employee.data) return <Profile employee={employee.data} onChanged={(next) => employee.setData(() => next)} />;
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

function Profile({ employee, onChanged }: { employee: Employee; onChanged: (employee: Employee) => void }) {
  const { t } = useI18n();
  const can = usePermissions();
  const directory = useDirectory();
  const company = useAppState().company.value;
  const schedules = useResource(async () => (await api.schedules.list()).items, []);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const activation = useAction();
  // Days are judged in the employee's zone, else the company's.
  const zone = employee.timezone ?? company?.defaultTimezone ?? viewerZone();
  const today = localDate(Date.now(), zone);
  const days = useResource(() => api.timesheet({ from: addDays(today, -(RECENT_DAYS - 1)), to: today, employeeId: employee.id }), [employee.id, today]);
  const punches = usePaged((cursor) => api.punches({ employeeId: employee.id, cursor, limit: 20 }), [employee.id]);
  const changeable = can.change(employee) && employee.active;
  const schedule = schedules.data?.find((s) => s.id === employee.scheduleId);
  const changed = (next: Employee) => {
    onChanged(next);
    directory.put(next);
  };

  return (
    <>
      <PageHeader title={employee.name}>
        <a href={paths.corrections({ employee: employee.id, status: "all" })}>{t("theirCorrections")}</a>
        <a href={paths.punches({ employee: employee.id })}>{t("punchesOf", { name: employee.name })}</a>
      </PageHeader>

      <section class="card" aria-labelledby="profile-heading">
        <div class="section-head">
          <h2 id="profile-heading">{t("profile")}</h2>
          {changeable && !editing && (
            <div class="button-row tight">
              <button
                type="button"
                onClick={() => {
                  setSaved(false);
                  setEditing(true);
                }}
              >
                {t("editProfile")}
              </button>
              {can.deactivate(employee) && (
                <ConfirmButton
                  label={t("deactivate")}
                  question={t("deactivateQuestion", { name: employee.name })}
                  detail={t("deactivateDetail")}
                  disabled={activation.busy}
                  onConfirm={() => void activation.run(async () => changed(await api.deactivateEmployee(employee.id)))}
                />
              )}
            </div>
          )}
          {!employee.active && can.deactivate(employee) && (
            <button type="button" disabled={activation.busy} onClick={() => void activation.run(async () => changed(await api.updateEmployee(employee.id, { active: true })))}>
              {t("reactivate")}
            </button>
          )}
        </div>
        <ErrorMessage message={activation.error} />
        {editing ? (
          <ProfileForm
            employee={employee}
            people={directory.items ?? []}
            schedules={schedules.data ?? []}
            onCancel={() => setEditing(false)}
            onSaved={(next) => {
              changed(next);
              setEditing(false);
              setSaved(true);
              days.reload();
            }}
          />
        ) : (
          <dl class="facts">
            <dt>{t("email")}</dt>
            <dd>{employee.email}</dd>
            <dt>{t("role")}</dt>
            <dd>{t(ROLE_LABELS[employee.role])}</dd>
            <dt>{t("manager")}</dt>
            <dd>{employee.managerId ? <EmployeeName id={employee.managerId} byId={directory.byId} /> : "—"}</dd>
            <dt>{t("schedule")}</dt>
            <dd>{employee.scheduleId ? (schedule ? <a href={paths.rules("schedules")}>{schedule.name}</a> : "…") : t("companyHours")}</dd>
            <dt>{t("timezone")}</dt>
            <dd>{employee.timezone ?? `${t("companyZone")}${company ? ` (${company.defaultTimezone})` : ""}`}</dd>
            <dt>{t("status")}</dt>
            <dd>{employee.active ? t("active") : <span class="badge day-absent">{t("inactive")}</span>}</dd>
            <dt>{t("added")}</dt>
            <dd>
              <When ms={employee.createdAt} />
            </dd>
          </dl>
        )}
        {saved && !editing && (
          <p class="message success" role="status">
            {t("profileSaved")}
          </p>
        )}
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

      <section class="card" aria-labelledby="places-heading">
        <h2 id="places-heading">{t("places")}</h2>
        <PlaceList employee={employee} canEdit={changeable} />
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
          <h2 id="days-heading">{t("last30Days")}</h2>
          <button type="button" disabled={days.loading} onClick={days.reload}>
            {t("refresh")}
          </button>
        </div>
        <Loaded {...days} data={days.data?.items} onRetry={days.reload} empty={t("noDays")}>
          {(rows) => (
            <>
              <TotalsList totals={totalsOf(rows)} />
              <DayTable rows={rows} caption={t("last30Days")} />
            </>
          )}
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
