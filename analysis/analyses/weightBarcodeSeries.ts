/**
 * The weight barcode across training: one summary per checkpoint (total and longest persistence per
 * dimension, bar counts), so the panel can draw how the layer's geometry evolves and let the user jump to
 * a step. Each checkpoint's barcode comes from (and fills) the per-step cache of weightBarcode.ts.
 */
import { readRun } from '../store/runStore';
import { computeWeightBarcode } from './weightBarcode';
import type { BarcodeSeries, BarcodeSummary, WireBar } from './types';

export function summarizeBars(step: number, bars: WireBar[], maxDim: number): BarcodeSummary {
  const perDim = [];
  for (let dim = 0; dim <= maxDim; dim++) {
    const finite = bars.filter((b) => b.dim === dim && b.death !== null).map((b) => (b.death as number) - b.birth);
    perDim.push({
      dim,
      bars: bars.filter((b) => b.dim === dim).length,
      total: finite.reduce((a, x) => a + x, 0),
      longest: finite.reduce((a, x) => Math.max(a, x), 0),
    });
  }
  return { step, perDim };
}

export function computeWeightBarcodeSeries(req: { runDir: string; layer?: string; maxDim?: number; isCancelled?: () => boolean }): BarcodeSeries {
  const entry = readRun(req.runDir);
  if (!entry.run) throw new Error(entry.problem ?? `${req.runDir}: not a readable run folder.`);
  const maxDim = req.maxDim ?? 1;
  const points: BarcodeSummary[] = [];
  let layer = req.layer;
  for (const c of entry.checkpoints) {
    if (req.isCancelled?.()) break;
    const b = computeWeightBarcode({ runDir: req.runDir, step: c.step, layer, maxDim, isCancelled: req.isCancelled });
    layer = b.layer;
    points.push(summarizeBars(b.step, b.bars, maxDim));
  }
  return { runDir: req.runDir, layer: layer ?? '', maxDim, points };
}
