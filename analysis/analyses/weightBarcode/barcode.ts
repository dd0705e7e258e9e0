/**
 * The "Weight Barcode" analysis: Vietoris-Rips H0/H1 persistence of one layer's per-neuron weight vectors
 * at one checkpoint. Cached per (layer, step, maxDim) in the run folder, keyed by the checkpoint file.
 */
import path from 'node:path';
import { readCheckpoint, readRun } from '../../store/runStore';
import { ripsPersistence } from '../../topology/rips';
import type { PersistenceBar } from '../../topology/diagram';
import type { CheckpointRef } from '../../worker/protocol/runs';
import type { WeightBarcode, WeightBarcodeParams, WireBar } from '../../worker/protocol/weightBarcode';
import { cacheSlot } from '../cache';
import { plainContext, singleRunDir, type AnalysisContext } from '../definition';
import { denseKernels, neuronCloud } from '../neuronClouds';

export const WEIGHT_BARCODE = { name: 'weightBarcode', version: 2 } as const;

export function toWireBars(bars: PersistenceBar[]): WireBar[] {
  return bars.map((b) => ({ ...b, death: Number.isFinite(b.death) ? b.death : null }));
}

export function pickCheckpoint(checkpoints: CheckpointRef[], step: number | undefined, runDir: string): CheckpointRef {
  if (checkpoints.length === 0) throw new Error(`${path.join(runDir, 'checkpoints')}: the run has no checkpoints yet.`);
  if (step === undefined) return checkpoints[checkpoints.length - 1];
  const found = checkpoints.find((c) => c.step === step);
  if (!found) throw new Error(`${runDir}: no checkpoint at step ${step} (available: ${checkpoints[0].step}..${checkpoints[checkpoints.length - 1].step}).`);
  return found;
}

export function computeWeightBarcode(params: WeightBarcodeParams, context: AnalysisContext = plainContext()): WeightBarcode {
  const runDir = singleRunDir(params, WEIGHT_BARCODE.name);
  const entry = readRun(runDir);
  if (!entry.run) throw new Error(entry.problem ?? `${runDir}: not a readable run folder.`);
  const ckpt = pickCheckpoint(entry.checkpoints, params.step, runDir);
  const maxDim = params.maxDim ?? 1;
  const kernels = denseKernels(readCheckpoint(ckpt.file));
  if (kernels.length === 0) throw new Error(`${ckpt.file}: no dense layer kernels (tensors named '<layer>/kernel') in this checkpoint.`);
  const layers = kernels.map((k) => ({ name: k.layer, neurons: k.kernel.shape[1], fanIn: k.kernel.shape[0] }));
  const chosen = params.layer === undefined ? kernels[kernels.length - 1] : kernels.find((k) => k.layer === params.layer);
  if (!chosen) throw new Error(`${ckpt.file}: no layer '${params.layer}' (layers: ${layers.map((l) => l.name).join(', ')}).`);

  const steps = entry.checkpoints.map((c) => c.step);
  // Keyed by the resolved step and layer (not "latest"), so a growing run reuses every barcode it computed.
  const slot = cacheSlot<WeightBarcode>(WEIGHT_BARCODE.name, WEIGHT_BARCODE.version, { step: ckpt.step, layer: chosen.layer, maxDim }, { dir: runDir, inputs: [ckpt.file] }, params.force);
  if (slot.hit) return { ...slot.hit, steps, runName: entry.run.name, runDir };
  const cloud = neuronCloud(chosen.kernel);
  const t0 = performance.now();
  const bars = ripsPersistence({ kind: 'points', data: cloud.data, n: cloud.n, d: cloud.d }, { maxDim, isCancelled: () => context.isCancelled() });
  const result: WeightBarcode = {
    version: WEIGHT_BARCODE.version,
    runId: entry.run.id,
    runName: entry.run.name,
    runDir,
    step: ckpt.step,
    steps,
    layer: chosen.layer,
    layers,
    nPoints: cloud.n,
    pointDim: cloud.d,
    maxDim,
    metric: 'euclidean',
    bars: toWireBars(bars),
    computeMs: performance.now() - t0,
  };
  slot.store(result);
  return result;
}

/** One-line-per-dimension text summary, for the CLI and the log. */
export function summarizeBarcode(b: WeightBarcode): string {
  const lines = [`weight barcode of layer ${b.layer} at step ${b.step}: ${b.nPoints} neurons in R^${b.pointDim}`];
  for (let dim = 0; dim <= b.maxDim; dim++) {
    const bars = b.bars.filter((x) => x.dim === dim);
    const finite = bars.filter((x) => x.death !== null).map((x) => (x.death as number) - x.birth);
    const essential = bars.length - finite.length;
    const longest = finite.length ? Math.max(...finite) : 0;
    lines.push(`  H${dim}: ${bars.length} bars (${essential} essential), longest finite ${longest.toPrecision(4)}, total persistence ${finite.reduce((a, c) => a + c, 0).toPrecision(4)}`);
  }
  return lines.join('\n');
}
