import { render } from "preact";
import { App } from "./App";
import { initialLocale } from "./i18n";
import { AppStateContext, createAppState } from "./state";
import "./style.css";

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const state = createAppState(initialLocale(storage(), navigator.languages.length ? navigator.languages : [navigator.language]), storage(), document.documentElement);
document.title = state.t.value("appTitle");

render(
  <AppStateContext.Provider value={state}>
    <App />
  </AppStateContext.Provider>,
  document.getElementById("app")!,
);
