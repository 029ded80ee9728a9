import { useState } from "preact/hooks";
import { browser } from "wxt/browser";
import { AppStateContext, createAppState, useAppState, type AppState } from "../../components/AppState";
import { EnrolForm } from "../../components/EnrolForm";
import { History } from "../../components/History";
import { PunchPanel } from "../../components/PunchPanel";
import { AttentionList, QueueStatus } from "../../components/QueueStatus";
import { t } from "../../utils/i18n";

export { AppStateContext, createAppState, type AppState };

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

export function App() {
  const state = useAppState();
  const [showHistory, setShowHistory] = useState(false);
  if (!state.loaded.value) return null;
  if (!state.enrolled.value) {
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
  return (
    <>
      <Header />
      <main>
        <PunchPanel />
        <AttentionList />
        <QueueStatus />
        <button type="button" class="toggle" aria-expanded={showHistory} aria-controls="history" onClick={() => setShowHistory(!showHistory)}>
          {showHistory ? t("hideHistory") : t("showHistory")}
        </button>
        <div id="history">{showHistory && <History />}</div>
      </main>
    </>
  );
}
