import type { MessageKey } from "../i18n";
import { usePermissions } from "../permissions";
import { paths, RULE_PAGES, type RulePage } from "../routes";
import { useI18n } from "../state";
import { PageHeader } from "./PageHeader";

const LABELS: Record<RulePage, MessageKey> = {
  sites: "rulesSites",
  networks: "rulesNetworks",
  schedules: "rulesSchedules",
  holidays: "rulesHolidays",
  settings: "rulesSettings",
};

/** The heading of a Rules page and the tabs between them (settings only for those who may read them). */
export function RulesHeader({ page }: { page: RulePage }) {
  const { t } = useI18n();
  const can = usePermissions();
  return (
    <>
      <PageHeader title={t(LABELS[page])} />
      <nav class="subnav" aria-label={t("navRules")}>
        <ul>
          {RULE_PAGES.filter((p) => p !== "settings" || can.readSettings).map((p) => (
            <li key={p}>
              <a href={paths.rules(p)} aria-current={p === page ? "page" : undefined}>
                {t(LABELS[p])}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {!can.editRules && <p class="muted small">{t("rulesReadOnly")}</p>}
    </>
  );
}
