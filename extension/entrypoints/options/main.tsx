import { render } from "preact";
import { AppStateContext, createAppState, loadAppState } from "../../components/AppState";
import { initI18n, t } from "../../utils/i18n";
import { App } from "./App";
import "../../components/style.css";

const state = createAppState();
void Promise.all([initI18n(document), loadAppState(state)]).then(() => {
  document.title = t("optionsTitle");
  render(
    <AppStateContext.Provider value={state}>
      <App />
    </AppStateContext.Provider>,
    document.getElementById("app")!,
  );
});
