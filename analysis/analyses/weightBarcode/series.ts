/**
 * The weight barcode across training: one summary per checkpoint (total and longest persistence per
 * dimension, bar counts), so the panel can draw how the layer's geometry evolves and let the user jump to
 * a step. Each checkpoint's barcode comes from (and fills) the per-step cache of barcode.ts.
 */
import { readRun } from '../../store/runStore';
import type { BarcodeSeries, BarcodeSummary, WeightBarcodeSeriesParams, WireBar } from '../../worker/protocol/weightBarcode';
import { plainContext, singleRunDir, type AnalysisContext } from '../definition';
import { computeWeightBarcode } from './barcode';

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

export function computeWeightBarcodeSeries(params: WeightBarcodeSeriesParams, context: AnalysisContext = plainContext()): BarcodeSeries {
  const runDir = singleRunDir(params, 'weightBarcodeSeries');
  const entry = readRun(runDir);
  if (!entry.run) throw new Error(entry.problem ?? `${runDir}: not a readable run folder.`);
  const maxDim = params.maxDim ?? 1;
  const points: BarcodeSummary[] = [];
  let layer = params.layer;
  for (const [i, c] of entry.checkpoints.entries()) {
    context.throwIfCancelled();
    const b = computeWeightBarcode({ runDirs: [runDir], step: c.step, layer, maxDim, force: params.force }, context);
    layer = b.layer;
    points.push(summarizeBars(b.step, b.bars, maxDim));
    context.progress((i + 1) / entry.checkpoints.length, `checkpoint ${i + 1}/${entry.checkpoints.length}`);
  }
  return { runDir, layer: layer ?? '', maxDim, points };
}
