/**
 * Reading the Weight Barcode chart the way the e2e test checks it: the bars from their data attributes
 * (the chart writes data-dim/birth/death on every `rect.bar`, "inf" for an essential bar) and the numbers
 * the hover tooltip prints, so the two can be compared.
 */
import type { Locator } from 'playwright-core';

export interface Bar {
  /** Position among the chart's `rect.bar` elements. */
  readonly index: number;
  readonly dim: number;
  readonly birth: number;
  /** Infinity for an essential bar. */
  readonly death: number;
}

function parseValue(raw: string | null, what: string): number {
  const value = raw === null ? NaN : /^\+?(inf|infinity|∞)$/i.test(raw.trim()) ? Infinity : Number(raw);
  if (Number.isNaN(value)) throw new Error(`${what}="${raw}" is not a number`);
  return value;
}

/** The bars of `chart` (an `svg.barcode-chart`), in DOM order. */
export async function readBars(chart: Locator): Promise<Bar[]> {
  const rects = chart.locator('rect.bar');
  const count = await rects.count();
  const bars: Bar[] = [];
  for (let index = 0; index < count; index++) {
    const rect = rects.nth(index);
    const attr = async (name: string): Promise<number> => parseValue(await rect.getAttribute(name), `bar ${index}: ${name}`);
    bars.push({ index, dim: await attr('data-dim'), birth: await attr('data-birth'), death: await attr('data-death') });
  }
  return bars;
}

/** The number printed after `word` in a tooltip ("birth 0.1234", "death: 1.2e-4", "persistence ∞"), if any. */
export function numberAfter(text: string, word: string): number | undefined {
  const match = new RegExp(`${word}\\s*[:=]?\\s*(-?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?|∞|Infinity|inf)`, 'i').exec(text);
  return match ? parseValue(match[1], word) : undefined;
}

/** Whether `shown` is `actual` as a tooltip would print it (rounded to about 4 significant digits). */
export function showsValue(shown: number, actual: number): boolean {
  if (!Number.isFinite(actual) || !Number.isFinite(shown)) return shown === actual;
  return Math.abs(shown - actual) <= 1e-3 * Math.max(1e-3, Math.abs(actual));
}
