import { ErrorBoundary, lazy, Route, Router } from "preact-iso";
import { useState } from "preact/hooks";
import { ErrorMessage } from "./components/ErrorMessage";
import { Layout } from "./components/Layout";
import { BASE } from "./routes";
import { useI18n } from "./state";

// One chunk per page: a page's code loads when someone first opens it.
const Overview = lazy(() => import("./pages/Overview").then((m) => m.Overview));
const Employees = lazy(() => import("./pages/Employees").then((m) => m.Employees));
const EmployeePage = lazy(() => import("./pages/EmployeePage").then((m) => m.EmployeePage));
const Corrections = lazy(() => import("./pages/Corrections").then((m) => m.Corrections));
const Flagged = lazy(() => import("./pages/Flagged").then((m) => m.Flagged));
const Punches = lazy(() => import("./pages/Punches").then((m) => m.Punches));
const NotFound = lazy(() => import("./pages/NotFound").then((m) => m.NotFound));

/** After a navigation, the new page's heading takes the focus, so a screen reader starts there. */
function focusPage() {
  const heading = document.querySelector<HTMLElement>("main h1");
  (heading ?? document.querySelector<HTMLElement>("main"))?.focus({ preventScroll: true });
}

/** The signed-in console: one URL per page under /admin/, deep links and the back button included. */
export function Shell() {
  const { t } = useI18n();
  const [failed, setFailed] = useState(false);
  return (
    <Layout>
      {/* A page's code that fails to load (a new version deployed meanwhile, the network gone). */}
      <ErrorBoundary onError={() => setFailed(true)}>
        {failed ? (
          <ErrorMessage message={t("pageLoadFailed")} onRetry={() => location.reload()} />
        ) : (
          <Router onRouteChange={focusPage}>
            <Route path={BASE} component={Overview} />
            <Route path={`${BASE}/employees`} component={Employees} />
            <Route path={`${BASE}/employees/:id`} component={EmployeePage} />
            <Route path={`${BASE}/corrections`} component={Corrections} />
            <Route path={`${BASE}/flagged`} component={Flagged} />
            <Route path={`${BASE}/punches`} component={Punches} />
            <Route default component={NotFound} />
          </Router>
        )}
      </ErrorBoundary>
    </Layout>
  );
}
