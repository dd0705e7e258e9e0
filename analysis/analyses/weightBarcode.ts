/**
 * The "Weight Barcode" analysis: Vietoris-Rips H0/H1 persistence of one layer's per-neuron weight vectors
 * at one checkpoint. Results are cached per (layer, step) under the run's analysis/ folder, keyed by a
 * version so a changed algorithm never serves stale bars.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readCheckpoint, readRun, type CheckpointRef } from '../store/runStore';
import { writeFileAtomic } from '../store/atomic';
import { ANALYSIS_DIR } from '../store/runLayout';
import { ripsPersistence, type RipsOptions } from '../topology/rips';
import type { PersistenceBar } from '../topology/diagram';
import { denseKernels, neuronCloud } from './neuronClouds';
import type { WeightBarcode, WireBar } from './types';

export type { WeightBarcode, WireBar } from './types';

/** Bump when the computation changes: cached files with another version are recomputed. */
export const WEIGHT_BARCODE_VERSION = 1;

export interface WeightBarcodeRequest {
  runDir: string;
  step?: number;
  layer?: string;
  maxDim?: number;
  force?: boolean;
  isCancelled?: RipsOptions['isCancelled'];
}

export function toWireBars(bars: PersistenceBar[]): WireBar[] {
  return bars.map((b) => ({ ...b, death: Number.isFinite(b.death) ? b.death : null }));
}

export function weightBarcodeCachePath(runDir: string, layer: string, step: number): string {
  return path.join(runDir, ANALYSIS_DIR, 'weight-barcode', layer, `step-${String(step).padStart(7, '0')}.json`);
}

function pickCheckpoint(checkpoints: CheckpointRef[], step: number | undefined, runDir: string): CheckpointRef {
  if (checkpoints.length === 0) throw new Error(`${path.join(runDir, 'checkpoints')}: the run has no checkpoints yet.`);
  if (step === undefined) return checkpoints[checkpoints.length - 1];
  const found = checkpoints.find((c) => c.step === step);
  if (!found) throw new Error(`${runDir}: no checkpoint at step ${step} (available: ${checkpoints[0].step}..${checkpoints[checkpoints.length - 1].step}).`);
  return found;
}

export function computeWeightBarcode(req: WeightBarcodeRequest): WeightBarcode {
  const entry = readRun(req.runDir);
  if (!entry.run) throw new Error(entry.problem ?? `${req.runDir}: not a readable run folder.`);
  const ckpt = pickCheckpoint(entry.checkpoints, req.step, req.runDir);
  const maxDim = req.maxDim ?? 1;
  const kernels = denseKernels(readCheckpoint(ckpt.file));
  if (kernels.length === 0) throw new Error(`${ckpt.file}: no dense layer kernels (tensors named '<layer>/kernel') in this checkpoint.`);
  const layers = kernels.map((k) => ({ name: k.layer, neurons: k.kernel.shape[1], fanIn: k.kernel.shape[0] }));
  const chosen = req.layer === undefined ? kernels[kernels.length - 1] : kernels.find((k) => k.layer === req.layer);
  if (!chosen) throw new Error(`${ckpt.file}: no layer '${req.layer}' (layers: ${layers.map((l) => l.name).join(', ')}).`);

  const cachePath = weightBarcodeCachePath(req.runDir, chosen.layer, ckpt.step);
  const steps = entry.checkpoints.map((c) => c.step);
  if (!req.force) {
    const cached = readCached(cachePath, maxDim);
    if (cached) return { ...cached, steps, runName: entry.run.name };
  }
  const cloud = neuronCloud(chosen.kernel);
  const t0 = performance.now();
  const bars = ripsPersistence({ kind: 'points', data: cloud.data, n: cloud.n, d: cloud.d }, { maxDim, isCancelled: req.isCancelled });
  const result: WeightBarcode = {
    version: WEIGHT_BARCODE_VERSION,
    runId: entry.run.id,
    runName: entry.run.name,
    runDir: req.runDir,
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
  fs.mkdirSync(path.dirname(cachePath), { recursive: true });
  writeFileAtomic(cachePath, JSON.stringify(result));
  return result;
}

/** A cache file that is unreadable or from another version is simply recomputed (and overwritten). */
function readCached(file: string, maxDim: number): WeightBarcode | undefined {
  try {
    const cached = JSON.parse(fs.readFileSync(file, 'utf8')) as WeightBarcode;
    return cached.version === WEIGHT_BARCODE_VERSION && cached.maxDim === maxDim && Array.isArray(cached.bars) ? cached : undefined;
  } catch {
    return undefined;
  }
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
