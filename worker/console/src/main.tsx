import { render } from "preact";
import { App } from "./App";
import { pickLocale } from "./i18n";
import { AppStateContext, createAppState } from "./state";
import "./style.css";

const state = createAppState(pickLocale(navigator.language));
document.documentElement.lang = state.locale;
document.title = state.t("appTitle");

render(
  <AppStateContext.Provider value={state}>
    <App />
  </AppStateContext.Provider>,
  document.getElementById("app")!,
);
