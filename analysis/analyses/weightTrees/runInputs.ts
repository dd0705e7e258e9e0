/** What every weight-trees analysis reads from a run folder: its checkpoints, dense layers and test accuracy. */
import path from 'node:path';
import { readMetrics, readRun } from '../../store/runStore';
import { METRICS_JSONL } from '../../store/runLayout';
import type { CheckpointRef } from '../../worker/protocol/runs';
import type { AnalysisParams, } from '../../worker/protocol/analysis';
import type { LayerSummary } from '../../worker/protocol/weightTrees';
import { singleRunDir, type CacheSpec } from '../definition';
import { checkpointKernels } from './trajectoryCloud';

export interface TreeRunInputs {
  runDir: string;
  runName: string;
  checkpoints: CheckpointRef[];
  steps: number[];
  layers: LayerSummary[];
}

export function readTreeRun(params: AnalysisParams, analysis: string): TreeRunInputs {
  const runDir = singleRunDir(params, analysis);
  const entry = readRun(runDir);
  if (!entry.run) throw new Error(entry.problem ?? `${runDir}: not a readable run folder.`);
  if (entry.checkpoints.length < 2) {
    throw new Error(`${path.join(runDir, 'checkpoints')}: ${entry.checkpoints.length} checkpoint(s); weight trajectories need at least 2 (train longer or with more checkpoints).`);
  }
  const first = entry.checkpoints[0].file;
  const layers = checkpointKernels(first).map((k) => ({ name: k.layer, neurons: k.outDim, fanIn: k.inDim }));
  if (layers.length === 0) throw new Error(`${first}: no dense layer kernels (tensors named '<layer>/kernel'); weight trees need dense layers.`);
  return { runDir, runName: entry.run.name, checkpoints: entry.checkpoints, steps: entry.checkpoints.map((c) => c.step), layers };
}

/** The layers asked for (all when none are named), with a clear error for an unknown name. */
export function pickLayers(run: TreeRunInputs, names: readonly string[] | undefined): { layer: LayerSummary; index: number }[] {
  if (!names || names.length === 0) return run.layers.map((layer, index) => ({ layer, index }));
  return names.map((name) => {
    const index = run.layers.findIndex((l) => l.name === name);
    if (index < 0) throw new Error(`${run.runDir}: no dense layer '${name}' (layers: ${run.layers.map((l) => l.name).join(', ')}).`);
    return { layer: run.layers[index], index };
  });
}

/** Test accuracy at each checkpoint step (null where none was recorded). */
export function accuracyAt(runDir: string, steps: readonly number[]): (number | null)[] {
  const byStep = new Map<number, number>();
  for (const r of readMetrics(runDir)) if (r.kind === 'eval' && typeof r.testAccuracy === 'number') byStep.set(r.step, r.testAccuracy);
  return steps.map((s) => byStep.get(s) ?? null);
}

/** Cache key inputs: every checkpoint file and metrics.jsonl (a new checkpoint or metric gives a new key). */
export function treeCacheSpec(params: AnalysisParams): CacheSpec | undefined {
  if (params.runDirs.length !== 1) return undefined;
  const runDir = params.runDirs[0];
  const entry = readRun(runDir);
  return { dir: runDir, inputs: [...entry.checkpoints.map((c) => c.file), path.join(runDir, METRICS_JSONL)] };
}
