import { useLocation } from "preact-iso";
import { useMemo } from "preact/hooks";
import { api, type Correction, type CorrectionStatus } from "../api";
import { CorrectionCard } from "../components/CorrectionCard";
import { EmployeeSelect } from "../components/EmployeeSelect";
import { Field } from "../components/Field";
import { Loaded } from "../components/Loaded";
import { LoadMore } from "../components/LoadMore";
import { PageHeader } from "../components/PageHeader";
import { useDirectory } from "../hooks/use-directory";
import { usePaged } from "../hooks/use-paged";
import { codesOf, CORRECTION_STATUS_LABELS } from "../labels";
import { usePermissions } from "../permissions";
import { type CorrectionFilter, paths } from "../routes";
import { useI18n } from "../state";

const STATUSES = codesOf(CORRECTION_STATUS_LABELS);

/** Pending by default: the queue is what waits for a decision. */
function statusFrom(value: string | undefined): CorrectionStatus | "all" {
  return value === "all" ? "all" : (STATUSES.find((s) => s === value) ?? "pending");
}

/** Pending first, then the rest as the API sends them (newest first): stable, so pages keep their order. */
function pendingFirst(items: Correction[]): Correction[] {
  return [...items.filter((c) => c.status === "pending"), ...items.filter((c) => c.status !== "pending")];
}

/** The correction queue: requests with their evidence and day, decided here; filters live in the URL. */
export function Corrections() {
  const { t } = useI18n();
  const can = usePermissions();
  const { query, route } = useLocation();
  const directory = useDirectory();
  const status = statusFrom(query.status);
  const employee = query.employee || undefined;
  const list = usePaged(
    (cursor) => api.corrections({ status: status === "all" ? undefined : status, employeeId: employee, cursor, limit: 10 }),
    [status, employee],
  );
  const items = useMemo(() => list.items && pendingFirst(list.items), [list.items]);
  const change = (next: CorrectionFilter) => route(paths.corrections({ status, employee, ...next }), true);

  return (
    <>
      <PageHeader title={t("navCorrections")} />
      <div class="card filters" role="group" aria-label={t("filters")}>
        <Field label={t("status")}>
          {(c) => (
            <select {...c} name="status" value={status} onChange={(e) => change({ status: statusFrom(e.currentTarget.value) })}>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(CORRECTION_STATUS_LABELS[s])}
                </option>
              ))}
              <option value="all">{t("allStatuses")}</option>
            </select>
          )}
        </Field>
        <EmployeeSelect value={employee ?? ""} employees={directory.items} onChange={(id) => change({ employee: id || undefined })} />
      </div>
      <Loaded data={items} error={list.error} loading={list.loading} onRetry={list.reload} empty={status === "pending" ? t("noPendingCorrections") : t("noCorrectionsMatch")}>
        {(shown) => (
          <div class="stack">
            {shown.map((correction) => (
              <CorrectionCard
                key={correction.id}
                correction={correction}
                byId={directory.byId}
                can={can}
                onDecided={(decided) => list.replace(decided, (a, b) => a.id === b.id)}
                onStale={list.reload}
              />
            ))}
          </div>
        )}
      </Loaded>
      <LoadMore list={list} />
    </>
  );
}
