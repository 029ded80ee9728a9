import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { useI18n } from "../state";

/**
 * A page's one h1, and the document title with it. The heading takes the focus after a
 * navigation (see Shell), so it is focusable by script only.
 */
export function PageHeader({ title, children }: { title: string; children?: ComponentChildren }) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${title} · ${t("appTitle")}`;
  }, [title, t]);
  return (
    <div class="page-header">
      <h1 tabIndex={-1}>{title}</h1>
      {children && <div class="page-actions">{children}</div>}
    </div>
  );
}
