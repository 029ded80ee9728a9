import { useI18n } from "../state";

/** While a read is on its way: said once to screen readers, shown as a quiet line. */
export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <p class="loading" role="status">
      {label ?? t("loading")}
    </p>
  );
}
