import { useLocation } from "preact-iso";
import { api, type PunchRecord } from "../api";
import { EmployeeSelect } from "../components/EmployeeSelect";
import { Field } from "../components/Field";
import { Loaded } from "../components/Loaded";
import { LoadMore } from "../components/LoadMore";
import { PageHeader } from "../components/PageHeader";
import { PunchTable } from "../components/PunchTable";
import { useDirectory } from "../hooks/use-directory";
import { usePaged } from "../hooks/use-paged";
import { codesOf, PUNCH_STATUS_LABELS } from "../labels";
import { type PunchFilter, paths } from "../routes";
import { useI18n } from "../state";

const STATUSES = codesOf(PUNCH_STATUS_LABELS);

function statusFrom(value: string | undefined): PunchRecord["status"] | undefined {
  return STATUSES.find((s) => s === value);
}

/** Every punch in the viewer's scope, newest first, by status and person; filters live in the URL. */
export function Punches() {
  const { t } = useI18n();
  const { query, route } = useLocation();
  const directory = useDirectory();
  const filter: PunchFilter = { status: statusFrom(query.status), employee: query.employee || undefined };
  const list = usePaged((cursor) => api.punches({ status: filter.status, employeeId: filter.employee, cursor, limit: 50 }), [filter.status, filter.employee]);
  // Replace, not push: Back leaves the page rather than stepping through each filter.
  const change = (next: PunchFilter) => route(paths.punches({ ...filter, ...next }), true);

  return (
    <>
      <PageHeader title={t("navPunches")} />
      <section class="card">
        <div class="filters" role="group" aria-label={t("filters")}>
          <Field label={t("status")}>
            {(c) => (
              <select {...c} name="status" value={filter.status ?? ""} onChange={(e) => change({ status: statusFrom(e.currentTarget.value) })}>
                <option value="">{t("allStatuses")}</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(PUNCH_STATUS_LABELS[s])}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <EmployeeSelect value={filter.employee ?? ""} employees={directory.items} onChange={(employee) => change({ employee: employee || undefined })} />
          <p class="muted note">{t("timesInPunchZone")}</p>
        </div>
        <Loaded data={list.items} error={list.error} loading={list.loading} onRetry={list.reload} empty={t("noPunchesMatch")}>
          {(items) => <PunchTable punches={items} byId={directory.byId} caption={t("navPunches")} />}
        </Loaded>
        <LoadMore list={list} />
      </section>
    </>
  );
}
