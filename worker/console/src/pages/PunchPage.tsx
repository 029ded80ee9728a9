import { useRoute } from "preact-iso";
import { useMemo } from "preact/hooks";
import { api, type PunchDetail } from "../api";
import { CopyButton } from "../components/CopyButton";
import { EmployeeName } from "../components/EmployeeName";
import { Loaded } from "../components/Loaded";
import { PageHeader } from "../components/PageHeader";
import { PunchFacts } from "../components/PunchFacts";
import { When } from "../components/When";
import { useDirectory } from "../hooks/use-directory";
import { useResource } from "../hooks/use-resource";
import { PUNCH_NOUNS, PUNCH_STATUS_LABELS, REASON_LABELS } from "../labels";
import { paths } from "../routes";
import { useI18n } from "../state";

/** One punch in full: the verdict and why, its times, how and where it came, the passkey, and the receipt. */
export function PunchPage() {
  const { t } = useI18n();
  const { params } = useRoute();
  const id = params.id ?? "";
  const detail = useResource(() => api.punch(id), [id]);
  return detail.data ? (
    <PunchView detail={detail.data} />
  ) : (
    <>
      <PageHeader title={t("punch")} />
      <section class="card">
        <Loaded {...detail} onRetry={detail.reload}>
          {() => null}
        </Loaded>
      </section>
    </>
  );
}

function PunchView({ detail }: { detail: PunchDetail }) {
  const { t } = useI18n();
  const directory = useDirectory();
  const { punch, receipt, employee, device } = detail;
  const signed = useMemo(() => {
    try {
      return JSON.stringify(JSON.parse(receipt.payload), null, 2);
    } catch {
      return receipt.payload;
    }
  }, [receipt.payload]);
  const receiptFile = useMemo(() => URL.createObjectURL(new Blob([JSON.stringify(receipt, null, 2)], { type: "application/json" })), [receipt]);

  return (
    <>
      <PageHeader title={t("punchTitle", { name: employee.name, kind: t(PUNCH_NOUNS[punch.kind]) })}>
        <a href={paths.employee(employee.id)}>{employee.name}</a>
        <a href={paths.punches({ employee: employee.id })}>{t("punchesOf", { name: employee.name })}</a>
      </PageHeader>

      <section class="card" aria-labelledby="verdict-heading">
        <div class="section-head">
          <h2 id="verdict-heading">{t("verdict")}</h2>
          <span class={`badge ${punch.status}`} data-testid="verdict">
            {t(PUNCH_STATUS_LABELS[punch.status])}
          </span>
        </div>
        {punch.reasons.length > 0 ? (
          <ul class="reasons-list">
            {punch.reasons.map((r) => (
              <li key={r}>{t(REASON_LABELS[r])}</li>
            ))}
          </ul>
        ) : (
          <p>{t("noReasons")}</p>
        )}
        {punch.review && (
          <p>
            {t(punch.review.decision === "accept" ? "acceptedBy" : "rejectedBy")} <EmployeeName id={punch.review.by} byId={directory.byId} />,{" "}
            <When ms={punch.review.at} />
            {punch.review.comment && <span class="quote"> “{punch.review.comment}”</span>}
          </p>
        )}
        {punch.status === "flagged" && !punch.review && <a href={paths.flagged}>{t("reviewInFlagged")}</a>}
        {punch.createdBy && (
          <p class="muted">
            {t(punch.mode === "manual" ? "enteredBy" : "approvedBy")} <EmployeeName id={punch.createdBy} byId={directory.byId} />
          </p>
        )}
      </section>

      <section class="card" aria-labelledby="facts-heading">
        <h2 id="facts-heading">{t("punchFacts")}</h2>
        <PunchFacts punch={punch} />
        <p class="muted small">{t("timesInPunchZone")}</p>
      </section>

      <section class="card" aria-labelledby="device-heading">
        <h2 id="device-heading">{t("passkeyUsed")}</h2>
        {device ? (
          <dl class="facts">
            <dt>{t("deviceLabel")}</dt>
            <dd>{device.label ?? device.credentialId.slice(0, 12)}</dd>
            <dt>{t("deviceKind")}</dt>
            <dd>{device.kind === "console" ? t("kindConsole") : t("kindExtension")}</dd>
            <dt>{t("synced")}</dt>
            <dd>{device.backedUp ? t("yes") : t("no")}</dd>
            <dt>{t("added")}</dt>
            <dd>
              <When ms={device.createdAt} />
            </dd>
            <dt>{t("status")}</dt>
            <dd>
              {device.revokedAt === null ? (
                t("inUse")
              ) : (
                <>
                  {t("revokedAt")} <When ms={device.revokedAt} />
                </>
              )}
            </dd>
          </dl>
        ) : (
          <p class="muted">{t("noPasskeyUsed")}</p>
        )}
      </section>

      <section class="card" aria-labelledby="receipt-heading">
        <h2 id="receipt-heading">{t("receipt")}</h2>
        <p class="muted">{t("receiptIntro")}</p>
        <pre class="json" tabIndex={0} aria-label={t("receiptPayload")}>
          {signed}
        </pre>
        <dl class="facts">
          <dt>{t("signature")}</dt>
          <dd>
            <code class="break">{receipt.signature}</code>
          </dd>
        </dl>
        <div class="button-row">
          <a class="button-link" href={receiptFile} download={`receipt-${punch.id}.json`}>
            {t("downloadReceipt")}
          </a>
          <CopyButton text={JSON.stringify(receipt)} label={t("copyReceipt")} />
        </div>
      </section>
    </>
  );
}
