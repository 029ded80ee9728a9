import { PageHeader } from "../components/PageHeader";
import { paths } from "../routes";
import { useI18n } from "../state";

export function NotFound() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t("notFoundTitle")} />
      <section class="card">
        <p>{t("notFoundText")}</p>
        <a href={paths.today}>{t("backToToday")}</a>
      </section>
    </>
  );
}
