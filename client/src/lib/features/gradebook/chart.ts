import { Chart, type ChartConfiguration } from 'chart.js';

/** A theme colour from the page's CSS variables, so charts follow the app's palette. */
export const themeColor = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

const axis = ({ ticks, ...extra }: Record<string, unknown> = {}) => ({
  ticks: { color: themeColor('--muted'), ...(ticks as object | undefined) },
  grid: { color: themeColor('--border') },
  ...extra,
});

/**
 * A chart drawn without animation that the caller fills in place (`data` replaced, then `update()`);
 * destroy it in the `$effect` cleanup. `y` adds to the y axis (limits, title).
 */
export function emptyChart<T extends 'bar' | 'line'>(canvas: HTMLCanvasElement, type: T, y: Record<string, unknown>, legend: boolean): Chart<T> {
  const config = {
    type,
    data: { labels: [], datasets: [] },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: { y: axis(y), x: { ticks: { maxTicksLimit: 10, color: themeColor('--muted') }, grid: { display: false } } },
      plugins: { legend: { display: legend, labels: { color: themeColor('--text'), boxWidth: 12 } } },
    },
  } as unknown as ChartConfiguration<T>;
  return new Chart(canvas, config) as Chart<T>;
}
