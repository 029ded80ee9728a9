import { useEffect, useRef, useState } from "preact/hooks";
import type { BarChart } from "../charts/bar-chart";
import { formatShortDate } from "../format";
import { useI18n } from "../state";

/**
 * A bar per day, drawn by uPlot once its chunk has loaded (only this page loads it). The figure
 * is named for screen readers, who get the same numbers in the table below it.
 */
export function DayChart({ title, description, dates, values, color, formatValue }: { title: string; description: string; dates: string[]; values: number[]; color: string; formatValue: (v: number) => string }) {
  const { t, locale } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let chart: BarChart | null = null;
    let observer: ResizeObserver | null = null;
    let cancelled = false;
    import("../charts/bar-chart").then(
      ({ drawBars }) => {
        const element = box.current;
        if (cancelled || !element) return;
        chart = drawBars(element, {
          dates,
          values,
          width: element.clientWidth || 600,
          height: 220,
          color,
          label: title,
          formatDate: (date) => formatShortDate(locale, date),
          formatValue,
        });
        observer = new ResizeObserver(() => chart?.resize(element.clientWidth));
        observer.observe(element);
      },
      () => setFailed(true),
    );
    return () => {
      cancelled = true;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [dates.join(), values.join(), locale]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      {failed ? <p class="muted small">{t("chartUnavailable")}</p> : <div ref={box} class="chart-box" role="img" aria-label={description} />}
    </figure>
  );
}
