import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { runPunchCeremony, verdictOf, type Step, type Tone } from "../../components/punch-ceremony";
import { initI18n, t } from "../../utils/i18n";
import { sendMessage, type WindowPunchReport } from "../../utils/messaging";
import { POLICY_WAIT_MS, enrolmentItem, readPolicy, type Enrolment } from "../../utils/storage";
import "../../components/style.css";

// The popup could not run the passkey prompt (it lost focus to the OS sheet and Chrome refused
// the ceremony): this small window runs the same punch with the kind and nonce the popup had.
const params = new URLSearchParams(location.search);
const kind = params.get("kind") === "out" ? "out" : "in";
const nonce = params.get("nonce");

function PasskeyWindow({ enrolment }: { enrolment: Enrolment }) {
  const [step, setStep] = useState<Step | null>(null);
  const [verdict, setVerdict] = useState<{ tone: Tone; text: string } | null>(null);
  const [done, setDone] = useState(false);
  const button = useRef<HTMLButtonElement>(null);

  async function run() {
    setVerdict(null);
    let report: WindowPunchReport;
    try {
      const outcome = await runPunchCeremony({ enrolment, kind, nonce, inPopup: false, onStep: setStep });
      const v = verdictOf(outcome);
      setVerdict(v);
      const finished = outcome.outcome === "recorded" || outcome.outcome === "queued";
      setDone(finished);
      report = { kind, outcome: outcome.outcome === "needsWindow" ? "cancelled" : outcome.outcome, message: v.text };
      if (finished) setTimeout(() => window.close(), 4_000);
    } catch (err) {
      const text = t("errGeneric", err instanceof Error ? err.message : String(err));
      setVerdict({ tone: "error", text });
      report = { kind, outcome: "failed", message: text };
    } finally {
      setStep(null);
    }
    // The popup has usually closed by now; the background updates the badge from storage anyway.
    sendMessage("punchFromWindow", report).catch(() => undefined);
    button.current?.focus();
  }

  useEffect(() => {
    void run();
  }, []);

  const stepText = step === "locating" ? t("stepLocating") : step === "signing" ? t("stepSigning") : step === "sending" ? t("stepSending") : null;
  return (
    <main>
      <h1>{t("passkeyWindowTitle")}</h1>
      <p>{t(kind === "in" ? "passkeyWindowIn" : "passkeyWindowOut")}</p>
      <div role="status" aria-live="polite">
        {stepText ? <p class="message info">{stepText}</p> : verdict && <p class={`message ${verdict.tone}`}>{verdict.text}</p>}
      </div>
      <div class="form-actions">
        {!done && !step && (
          <button ref={button} type="button" class="primary" onClick={run}>
            {t(kind === "in" ? "clockIn" : "clockOut")}
          </button>
        )}
        <button type="button" onClick={() => window.close()}>
          {t("closeWindow")}
        </button>
      </div>
    </main>
  );
}

void Promise.all([readPolicy({ timeoutMs: POLICY_WAIT_MS }).then((policy) => initI18n(document, policy)), enrolmentItem.getValue()]).then(([, enrolment]) => {
  document.title = t("passkeyWindowTitle");
  const root = document.getElementById("app")!;
  if (!enrolment) {
    render(<p class="message error">{t("notEnrolled")}</p>, root);
    return;
  }
  render(<PasskeyWindow enrolment={enrolment} />, root);
});
