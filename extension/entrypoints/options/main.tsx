import { render } from "preact";
import { AppStateContext, createAppState, loadAppState, pagePolicy } from "../../components/AppState";
import { initI18n, t } from "../../utils/i18n";
import { App } from "./App";
import "../../components/style.css";

const state = createAppState();
void pagePolicy(state)
  .then((policy) => Promise.all([initI18n(document, policy), loadAppState(state, policy)]))
  .then(() => {
  document.title = t("optionsTitle");
  render(
    <AppStateContext.Provider value={state}>
      <App />
    </AppStateContext.Provider>,
    document.getElementById("app")!,
  );
});
