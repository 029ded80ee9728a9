import { ErrorBoundary, lazy, Route, Router } from "preact-iso";
import { useState } from "preact/hooks";
import { ErrorMessage } from "./components/ErrorMessage";
import { Layout } from "./components/Layout";
import { BASE } from "./routes";
import { useI18n } from "./state";

// One chunk per page: a page's code loads when someone first opens it (the map and the charts
// load later still, from the pages that draw them).
const Today = lazy(() => import("./pages/Today").then((m) => m.Today));
const Employees = lazy(() => import("./pages/Employees").then((m) => m.Employees));
const ImportEmployees = lazy(() => import("./pages/ImportEmployees").then((m) => m.ImportEmployees));
const EmployeePage = lazy(() => import("./pages/EmployeePage").then((m) => m.EmployeePage));
const Corrections = lazy(() => import("./pages/Corrections").then((m) => m.Corrections));
const Flagged = lazy(() => import("./pages/Flagged").then((m) => m.Flagged));
const Punches = lazy(() => import("./pages/Punches").then((m) => m.Punches));
const PunchPage = lazy(() => import("./pages/PunchPage").then((m) => m.PunchPage));
const Sites = lazy(() => import("./pages/rules/Sites").then((m) => m.Sites));
const Networks = lazy(() => import("./pages/rules/Networks").then((m) => m.Networks));
const Schedules = lazy(() => import("./pages/rules/Schedules").then((m) => m.Schedules));
const Holidays = lazy(() => import("./pages/rules/Holidays").then((m) => m.Holidays));
const SettingsPage = lazy(() => import("./pages/rules/SettingsPage").then((m) => m.SettingsPage));
const Reports = lazy(() => import("./pages/Reports").then((m) => m.Reports));
const Audit = lazy(() => import("./pages/Audit").then((m) => m.Audit));
const Archive = lazy(() => import("./pages/Archive").then((m) => m.Archive));
const ApiKeys = lazy(() => import("./pages/ApiKeys").then((m) => m.ApiKeys));
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
            <Route path={BASE} component={Today} />
            <Route path={`${BASE}/employees`} component={Employees} />
            <Route path={`${BASE}/employees/import`} component={ImportEmployees} />
            <Route path={`${BASE}/employees/:id`} component={EmployeePage} />
            <Route path={`${BASE}/corrections`} component={Corrections} />
            <Route path={`${BASE}/flagged`} component={Flagged} />
            <Route path={`${BASE}/punches`} component={Punches} />
            <Route path={`${BASE}/punches/:id`} component={PunchPage} />
            <Route path={`${BASE}/rules`} component={Sites} />
            <Route path={`${BASE}/rules/sites`} component={Sites} />
            <Route path={`${BASE}/rules/networks`} component={Networks} />
            <Route path={`${BASE}/rules/schedules`} component={Schedules} />
            <Route path={`${BASE}/rules/holidays`} component={Holidays} />
            <Route path={`${BASE}/rules/settings`} component={SettingsPage} />
            <Route path={`${BASE}/reports`} component={Reports} />
            <Route path={`${BASE}/audit`} component={Audit} />
            <Route path={`${BASE}/archive`} component={Archive} />
            <Route path={`${BASE}/api-keys`} component={ApiKeys} />
            <Route default component={NotFound} />
          </Router>
        )}
      </ErrorBoundary>
    </Layout>
  );
}
