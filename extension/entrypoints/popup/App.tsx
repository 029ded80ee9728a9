import { useEffect, useState } from "preact/hooks";
import { browser } from "wxt/browser";
import { AppStateContext, createAppState, knownCorrectionsOf, useAppState, type AppState, type PopupView } from "../../components/AppState";
import { DecisionNotices } from "../../components/DecisionNotices";
import { EnrolForm } from "../../components/EnrolForm";
import { History } from "../../components/History";
import { PunchPanel } from "../../components/PunchPanel";
import { AttentionList, QueueStatus } from "../../components/QueueStatus";
import { correctionDepsFor, refreshCorrections } from "../../utils/corrections";
import { t } from "../../utils/i18n";

export { AppStateContext, createAppState, type AppState };

// The correction screens are a chunk of their own, loaded when first wanted: the popup opens on
// the punch button, and most openings never need them.
type Screens = typeof import("../../components/CorrectionScreens");
let screens: Promise<Screens> | null = null;
const loadScreens = () => (screens ??= import("../../components/CorrectionScreens"));

function Header() {
  const state = useAppState();
  const org = state.policy.value.organizationName;
  return (
    <header class="bar">
      <img src="/icon/32.png" alt="" width={20} height={20} />
      <span class="brand">Clockwork</span>
      {org && <span class="org muted">{org}</span>}
      <button type="button" class="link" onClick={() => browser.runtime.openOptionsPage()}>
        {t("openSettings")}
      </button>
    </header>
  );
}

function CorrectionScreen({ view }: { view: Exclude<PopupView, { name: "main" }> }) {
  const [loaded, setLoaded] = useState<Screens | null>(null);
  useEffect(() => void loadScreens().then(setLoaded), []);
  if (!loaded) return <p class="muted">{t("historyLoading")}</p>;
  return view.name === "fix" ? <loaded.CorrectionForm view={view} /> : <loaded.MyRequests view={view} />;
}

export function App() {
  const state = useAppState();
  const [showHistory, setShowHistory] = useState(false);
  const view = state.view.value;
  const enrolment = state.enrolment.value;

  // Decisions made since the popup was last open show at once (DecisionNotices).
  useEffect(() => {
    if (enrolment) void refreshCorrections(correctionDepsFor(enrolment));
  }, [enrolment?.serverUrl, enrolment?.employeeId]);

  // Back from a correction screen: the control that opened it has the focus again.
  useEffect(() => {
    if (view.name === "main" && view.from) document.getElementById(view.from)?.focus();
  }, [view]);

  if (!state.loaded.value) return null;
  if (!enrolment) {
    const { url, locked } = state.server.value;
    return (
      <>
        <Header />
        <main>
          <h1>{t("enrolTitle")}</h1>
          <p class="message info">{t("notEnrolled")}</p>
          <EnrolForm compact lockedServerUrl={locked ? url : null} initialServerUrl={url} organizationName={undefined} onEnrolled={() => undefined} />
        </main>
      </>
    );
  }
  const pending = knownCorrectionsOf(state)?.items.filter((c) => c.status === "pending").length ?? 0;
  return (
    <>
      <Header />
      {/* Hidden, not unmounted, while a correction screen shows: the day's state and the nonce stay. */}
      <main hidden={view.name !== "main"}>
        <PunchPanel />
        <DecisionNotices />
        <AttentionList />
        <QueueStatus />
        <div class="links">
          <button type="button" class="toggle" aria-expanded={showHistory} aria-controls="history" onClick={() => setShowHistory(!showHistory)}>
            {showHistory ? t("hideHistory") : t("showHistory")}
          </button>
          <button
            type="button"
            id="my-requests"
            onFocus={loadScreens}
            onPointerEnter={loadScreens}
            onClick={() => (state.view.value = { name: "requests", from: "my-requests" })}
          >
            {pending > 0 ? t("myRequestsPending", pending) : t("myRequests")}
          </button>
        </div>
        <div id="history">{showHistory && <History />}</div>
      </main>
      {view.name !== "main" && (
        <main>
          <CorrectionScreen view={view} />
        </main>
      )}
    </>
  );
}
