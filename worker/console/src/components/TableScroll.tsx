import type { ComponentChildren } from "preact";

/**
 * A table that scrolls sideways inside its card on a narrow screen instead of widening the page;
 * focusable and named, so the scroll is reachable by keyboard too.
 */
export function TableScroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
