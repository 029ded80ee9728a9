// Loaded only by the Reports page (its own chunk): uPlot and its stylesheet.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export type BarChart = { resize: (width: number) => void; destroy: () => void };

/**
 * Bars per local date: `dates` as `YYYY-MM-DD` (placed at UTC midnight and read in UTC, so a
 * date is the same day in every viewer's zone), one value each.
 */
export function drawBars(element: HTMLElement, options: { dates: string[]; values: number[]; width: number; height: number; color: string; label: string; formatDate: (date: string) => string; formatValue: (v: number) => string }): BarChart {
  const xs = options.dates.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
  const byTime = new Map(xs.map((x, i) => [x, options.dates[i]!]));
  const chart = new uPlot(
    {
      width: options.width,
      height: options.height,
      legend: { show: false },
      cursor: { show: true, drag: { x: false, y: false }, points: { show: false } },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      scales: { x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        { values: (_u, splits) => splits.map((s) => (byTime.has(s) ? options.formatDate(byTime.get(s)!) : "")), stroke: "#5f6b7a", grid: { show: false } },
        { values: (_u, splits) => splits.map((s) => options.formatValue(s)), stroke: "#5f6b7a", grid: { stroke: "#eef1f5" } },
      ],
      series: [{}, { label: options.label, stroke: options.color, fill: `${options.color}cc`, width: 0, paths: uPlot.paths.bars!({ size: [0.7, 40] }), points: { show: false } }],
    },
    [xs, options.values],
    element,
  );
  return { resize: (width) => chart.setSize({ width, height: options.height }), destroy: () => chart.destroy() };
}
