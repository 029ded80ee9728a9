import { api, ApiError, type Employee, type PunchRecord } from "../api";
import { DecisionForm } from "../components/DecisionForm";
import { EmployeeName } from "../components/EmployeeName";
import { Loaded } from "../components/Loaded";
import { LoadMore } from "../components/LoadMore";
import { PageHeader } from "../components/PageHeader";
import { PunchFacts } from "../components/PunchFacts";
import { When } from "../components/When";
import { formatDateTime } from "../format";
import { useDirectory } from "../hooks/use-directory";
import { usePaged } from "../hooks/use-paged";
import { PUNCH_NOUNS, PUNCH_STATUS_LABELS, REASON_LABELS, ROLE_LABELS } from "../labels";
import { type Permissions, usePermissions } from "../permissions";
import { useI18n, useMe } from "../state";

/** Punches the rules flagged, waiting for a person: accepted ones count, rejected ones leave the day. */
export function Flagged() {
  const { t } = useI18n();
  const can = usePermissions();
  const directory = useDirectory();
  const list = usePaged((cursor) => api.punches({ status: "flagged", cursor, limit: 20 }), []);

  return (
    <>
      <PageHeader title={t("navFlagged")} />
      <p class="lead">{t("flaggedIntro")}</p>
      <Loaded data={list.items} error={list.error} loading={list.loading} onRetry={list.reload} empty={t("noFlagged")}>
        {(items) => (
          <div class="stack">
            {items.map((punch) => (
              <FlaggedPunch
                key={punch.id}
                punch={punch}
                byId={directory.byId}
                can={can}
                onReviewed={(reviewed) => list.replace(reviewed, (a, b) => a.id === b.id)}
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

function FlaggedPunch(props: { punch: PunchRecord; byId: Map<string, Employee>; can: Permissions; onReviewed: (punch: PunchRecord) => void; onStale: () => void }) {
  const { t, locale } = useI18n();
  const me = useMe();
  const { punch, byId, can } = props;
  const employee = byId.get(punch.employeeId);
  const name = employee?.name ?? t("theEmployee");
  const kind = t(PUNCH_NOUNS[punch.kind]);
  const headingId = `punch-${punch.id}`;

  const review = async (accept: boolean, comment: string) => {
    try {
      props.onReviewed((await api.reviewPunch(punch.id, { decision: accept ? "accept" : "reject", comment })).punch);
    } catch (err) {
      if (err instanceof ApiError && err.code === "PUNCH_NOT_REVIEWABLE") props.onStale();
      throw err;
    }
  };

  return (
    <article class={`card flagged-punch ${punch.status}`} aria-labelledby={headingId} data-testid="flagged-punch">
      <header class="item-head">
        <h2 id={headingId}>
          <EmployeeName id={punch.employeeId} byId={byId} /> · {kind} · <When ms={punch.effectiveTime} zone={punch.tz} />
        </h2>
        <span class={`badge ${punch.status}`}>{t(PUNCH_STATUS_LABELS[punch.status])}</span>
      </header>
      <h3 class="visually-hidden">{t("reasons")}</h3>
      <ul class="reasons-list">
        {punch.reasons.map((reason) => (
          <li key={reason}>{t(REASON_LABELS[reason])}</li>
        ))}
      </ul>
      <PunchFacts punch={punch} />
      {punch.review ? (
        <p class="message info">
          {t(punch.review.decision === "accept" ? "reviewAccepted" : "reviewRejected", { time: formatDateTime(locale, punch.review.at) })}{" "}
          <EmployeeName id={punch.review.by} byId={byId} />
          {punch.review.comment && <span class="quote"> “{punch.review.comment}”</span>}
        </p>
      ) : punch.employeeId === me.id ? (
        <p class="muted">{t("cannotReviewOwn")}</p>
      ) : employee && can.writes && !can.decideFor(employee) ? (
        <p class="muted">{t("adminDecides", { role: t(ROLE_LABELS[employee.role]) })}</p>
      ) : (
        employee &&
        can.decideFor(employee) && (
          <DecisionForm
            approveLabel={t("accept")}
            rejectLabel={t("reject")}
            subject={t("punchSubject", { name, kind, time: formatDateTime(locale, punch.effectiveTime, punch.tz) })}
            rejectQuestion={t("rejectPunchQuestion", { name })}
            rejectDetail={t("rejectPunchDetail")}
            onDecide={review}
          />
        )
      )}
    </article>
  );
}
