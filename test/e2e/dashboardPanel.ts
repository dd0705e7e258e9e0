/**
 * What the Run Dashboard webview shows: its charts (`svg.line-chart[data-group]`), the series drawn in each
 * (`.series[data-key] path`), the checkpoint ticks, and the step selected in the linked views.
 */
import type { FrameLocator } from 'playwright-core';

export interface DashboardReading {
  /** data-key of every series with a drawn path, per chart group. */
  readonly series: Record<string, string[]>;
  readonly checkpointTicks: number;
  /** The highlighted (linked) step, or NaN. */
  readonly selectedStep: number;
}

export async function readDashboard(view: FrameLocator): Promise<DashboardReading> {
  const now = { timeout: 1_000 };
  const charts = view.locator('svg.line-chart[data-group]');
  const series: Record<string, string[]> = {};
  for (let i = 0; i < (await charts.count().catch(() => 0)); i++) {
    const chart = charts.nth(i);
    const group = (await chart.getAttribute('data-group', now).catch(() => null)) ?? `chart${i}`;
    series[group] = await chart.locator('.series[data-key]').evaluateAll((els) => els
      .filter((g) => [...g.querySelectorAll('path')].some((p) => (p.getAttribute('d') ?? '').length > 10))
      .map((g) => g.getAttribute('data-key') ?? ''));
  }
  const checkpointTicks = await view.locator('svg.line-chart[data-group="loss"] .checkpoint[data-step]').count().catch(() => 0);
  const selected = await view.locator('.selected-step[data-step]').first().getAttribute('data-step', now).catch(() => null);
  return { series, checkpointTicks, selectedStep: selected === null ? NaN : Number(selected) };
}
