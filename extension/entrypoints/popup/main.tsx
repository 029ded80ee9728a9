import { render } from "preact";
import { App, AppStateContext, createAppState } from "./App";
import "./style.css";

const state = createAppState();
render(
  <AppStateContext.Provider value={state}>
    <App />
  </AppStateContext.Provider>,
  document.getElementById("app")!,
);
