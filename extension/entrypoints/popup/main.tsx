import { render } from "preact";
import { AppStateContext, createAppState, loadAppState, pagePolicy, type AppState } from "../../components/AppState";
import { initI18n } from "../../utils/i18n";
import { correctionDraftItem, DRAFT_KEPT_MS } from "../../utils/storage";
import { App } from "./App";
import "../../components/style.css";

/**
 * A correction form left unsent (the popup closed, perhaps as a file dialog took the focus), or
 * one carried over to a tab (#fix): the popup opens on it again.
 */
async function restoreDraft(state: AppState): Promise<void> {
  const draft = await correctionDraftItem.getValue();
  if (!draft || Date.now() - draft.savedAt > DRAFT_KEPT_MS) return;
  const { savedAt: _savedAt, ...fields } = draft;
  state.view.value = { name: "fix", date: draft.date, kind: draft.kind, draft: fields };
}

const state = createAppState();
void pagePolicy(state)
  .then((policy) => Promise.all([initI18n(document, policy), loadAppState(state, policy), restoreDraft(state)]))
  .then(() =>
  render(
    <AppStateContext.Provider value={state}>
      <App />
    </AppStateContext.Provider>,
    document.getElementById("app")!,
  ),
);
