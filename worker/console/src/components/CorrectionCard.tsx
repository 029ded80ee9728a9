import { api, ApiError, type Correction, type Employee } from "../api";
import { formatDateTime, formatLocalDate, viewerZone } from "../format";
import { CORRECTION_STATUS_LABELS, MISSED_LABELS, PUNCH_KIND_LABELS, ROLE_LABELS } from "../labels";
import type { Permissions } from "../permissions";
import { useI18n, useMe } from "../state";
import { DayContext } from "./DayContext";
import { DecisionForm } from "./DecisionForm";
import { EmployeeName } from "./EmployeeName";
import { EvidenceList } from "./EvidenceList";
import { When } from "./When";

/** One correction request as a reviewer needs it: the claim, the evidence, the day, the decision. */
export function CorrectionCard(props: {
  correction: Correction;
  byId: Map<string, Employee>;
  can: Permissions;
  onDecided: (correction: Correction) => void;
  /** Someone else decided it meanwhile: the list is read again. */
  onStale: () => void;
}) {
  const { t, locale } = useI18n();
  const me = useMe();
  const { correction, byId, can } = props;
  const employee = byId.get(correction.employeeId);
  // The claim is about the employee's wall clock: shown in their zone, named (the viewer's if they have none).
  const zone = employee?.timezone ?? viewerZone();
  const name = employee?.name ?? t("theEmployee");
  const kind = t(PUNCH_KIND_LABELS[correction.kind]);
  const headingId = `correction-${correction.id}`;
  const subject = t("correctionSubject", { name, kind, date: formatLocalDate(locale, correction.date) });
  const own = correction.employeeId === me.id;

  const decide = async (approve: boolean, comment: string) => {
    try {
      props.onDecided((await api.decideCorrection(correction.id, { approve, comment })).correction);
    } catch (err) {
      if (err instanceof ApiError && err.code === "CORRECTION_ALREADY_DECIDED") props.onStale();
      throw err;
    }
  };

  return (
    <article class={`card correction ${correction.status}`} aria-labelledby={headingId} data-testid="correction">
      <header class="item-head">
        <h2 id={headingId}>
          <EmployeeName id={correction.employeeId} byId={byId} /> · {t(MISSED_LABELS[correction.kind])} · {formatLocalDate(locale, correction.date)}
        </h2>
        <span class={`badge ${correction.status}`}>{t(CORRECTION_STATUS_LABELS[correction.status])}</span>
      </header>
      <dl class="facts">
        <dt>{t("claimedTime")}</dt>
        <dd>
          <When ms={correction.time} zone={zone} />
        </dd>
        <dt>{t("reason")}</dt>
        <dd class="quote">{correction.reason}</dd>
        <dt>{t("filed")}</dt>
        <dd>
          <When ms={correction.createdAt} />
        </dd>
        {correction.decidedAt !== undefined && (
          <>
            <dt>{t("decision")}</dt>
            <dd>
              {t("decidedBy", {
                status: t(CORRECTION_STATUS_LABELS[correction.status]),
                time: formatDateTime(locale, correction.decidedAt),
              })}{" "}
              {correction.decidedBy && <EmployeeName id={correction.decidedBy} byId={byId} />}
              {correction.comment && <span class="quote"> “{correction.comment}”</span>}
            </dd>
          </>
        )}
      </dl>
      <div class="correction-body">
        <div>
          <h3>{t("evidence")}</h3>
          <EvidenceList correction={correction} />
        </div>
        <DayContext correction={correction} employee={employee} zone={zone} />
      </div>
      {correction.status === "pending" && employee && can.decideFor(employee) && (
        <DecisionForm
          approveLabel={t("approve")}
          rejectLabel={t("reject")}
          subject={subject}
          rejectQuestion={t("rejectRequestQuestion", { name })}
          rejectDetail={t("rejectRequestDetail")}
          onDecide={decide}
        />
      )}
      {correction.status === "pending" && own && <p class="muted">{t("cannotDecideOwn")}</p>}
      {correction.status === "pending" && !own && employee && can.writes && !can.decideFor(employee) && (
        <p class="muted">{t("adminDecides", { role: t(ROLE_LABELS[employee.role]) })}</p>
      )}
    </article>
  );
}
