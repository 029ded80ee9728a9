import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api } from "../api";
import { useAction } from "../hooks/use-action";
import type { MessageKey } from "../i18n";
import { ROLE_LABELS } from "../labels";
import { type Permissions, usePermissions } from "../permissions";
import { BASE, paths } from "../routes";
import { useAppState, useI18n, useMe } from "../state";
import { ErrorMessage } from "./ErrorMessage";
import { LanguageSelect } from "./LanguageSelect";

type NavItem = {
  href: string;
  label: MessageKey;
  /** Whether the current path belongs to this item (its own page or one below it). */
  matches: (path: string) => boolean;
  /** Left out for people whose role has nothing to do there. */
  visible?: (can: Permissions) => boolean;
};

const under = (prefix: string) => (path: string) => path === prefix || path.startsWith(`${prefix}/`);

/** The pages in the navigation bar, in order. */
const NAV: NavItem[] = [
  { href: paths.today, label: "navToday", matches: (path) => path === BASE || path === `${BASE}/` },
  { href: paths.employees, label: "navEmployees", matches: under(paths.employees) },
  { href: paths.corrections(), label: "navCorrections", matches: under(`${BASE}/corrections`) },
  { href: paths.flagged, label: "navFlagged", matches: under(paths.flagged) },
  { href: paths.punches(), label: "navPunches", matches: under(`${BASE}/punches`) },
  { href: paths.reports(), label: "navReports", matches: under(`${BASE}/reports`) },
  { href: paths.rules(), label: "navRules", matches: under(`${BASE}/rules`) },
  { href: paths.audit, label: "navAudit", matches: under(paths.audit), visible: (can) => can.readAudit },
  { href: paths.apiKeys, label: "navApiKeys", matches: under(paths.apiKeys), visible: (can) => can.apiKeys },
];

/** The signed-in frame: a navigation bar (a menu on a phone), the language, who is signed in, and the page. */
export function Layout({ children }: { children: ComponentChildren }) {
  const state = useAppState();
  const { t } = useI18n();
  const me = useMe();
  const can = usePermissions();
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const signOut = useAction();

  // A page chosen from the menu closes it.
  useEffect(() => setMenuOpen(false), [path]);

  const leave = () =>
    signOut.run(async () => {
      await api.logout();
      state.directory.value = { status: "idle" };
      state.session.value = { status: "signed-out" };
    });

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        {t("skipToContent")}
      </a>
      <header class="topbar">
        <a class="brand" href={paths.today}>
          {t("brand")}
        </a>
        <button type="button" class="menu-toggle" aria-expanded={menuOpen} aria-controls="nav-panel" onClick={() => setMenuOpen(!menuOpen)}>
          {t("menu")}
        </button>
        <div id="nav-panel" class={menuOpen ? "nav-panel open" : "nav-panel"}>
          <nav aria-label={t("navLabel")}>
            <ul>
              {NAV.filter((item) => item.visible?.(can) ?? true).map((item) => (
                <li key={item.href}>
                  <a href={item.href} aria-current={item.matches(path) ? "page" : undefined}>
                    {t(item.label)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="account">
            <LanguageSelect />
            <span class="who">
              {me.name} <span class="role">{t(ROLE_LABELS[me.role])}</span>
            </span>
            <button type="button" disabled={signOut.busy} onClick={() => void leave()}>
              {t("signOut")}
            </button>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorMessage message={signOut.error} />
        {children}
      </main>
    </div>
  );
}
