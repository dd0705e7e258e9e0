/**
 * What a decision-geometry analysis reads from a run folder: run.json, the checkpoint list, the probe set
 * (inputs and labels, recorded by the trainer) and, for training-set statistics, the run's own training
 * split regenerated from its config exactly as the trainer built it.
 */
import path from 'node:path';
import { readRun, readSafetensorsFile, type CheckpointRef } from '../../store/runStore';
import { requireTrainedRun, type TrainedRunJson } from '../../spec/runFormat';
import { loadDataset } from '../../data/load';
import { prepareData, type Split } from '../../data/prepare';

export interface RunHandle { dir: string; run: TrainedRunJson; runJsonFile: string; checkpoints: CheckpointRef[] }

export function openRun(dir: string): RunHandle {
  const entry = readRun(dir);
  if (!entry.run) throw new Error(entry.problem ?? `${dir}: not a readable run folder.`);
  if (entry.checkpoints.length === 0) throw new Error(`${path.join(dir, 'checkpoints')}: the run has no checkpoints yet.`);
  const runJsonFile = path.join(dir, 'run.json');
  // The geometry draws the training split (regenerated from the config) and the probe inputs under the regions.
  const run = requireTrainedRun(entry.run, runJsonFile, 'Decision Geometry (it redraws the training data over the input plane)');
  return { dir, run, runJsonFile, checkpoints: entry.checkpoints };
}

export function pickCheckpoint(h: RunHandle, step: number | undefined): CheckpointRef {
  if (step === undefined) return h.checkpoints[h.checkpoints.length - 1];
  const found = h.checkpoints.find((c) => c.step === step);
  if (!found) throw new Error(`${h.dir}: no checkpoint at step ${step} (steps: ${h.checkpoints.map((c) => c.step).slice(0, 12).join(', ')}${h.checkpoints.length > 12 ? ', ...' : ''}).`);
  return found;
}

export interface ProbeSet { x: Float32Array; labels: Int32Array; n: number; d: number }

export function readProbes(h: RunHandle): ProbeSet {
  const file = path.join(h.dir, 'probe.safetensors');
  const { tensors } = readSafetensorsFile(file);
  const inputs = tensors['probe/inputs'];
  const labels = tensors['probe/labels'];
  if (!inputs || !labels) throw new Error(`${file}: no "probe/inputs" and "probe/labels" tensors (written by an older TopoLens?); retrain the run.`);
  const n = inputs.shape[0];
  const d = inputs.data.length / Math.max(1, n);
  return { x: Float32Array.from(inputs.data as ArrayLike<number>), labels: Int32Array.from(labels.data as ArrayLike<number>), n, d };
}

/** The run's training split as it trained on it (same subset, same normalisation). */
export function trainingSplit(run: TrainedRunJson): Split {
  return trainAndTest(run).train;
}

/** Both splits, built exactly as the trainer built them. */
export function trainAndTest(run: TrainedRunJson): { train: Split; test: Split } {
  const c = run.config;
  const ds = c.dataset;
  const data = prepareData(loadDataset(ds), {
    trainSize: ds.trainSize, testSize: ds.testSize, subset: ds.subset, normalize: ds.normalize,
    probeSize: c.probe.size, probeSplit: c.probe.split, probeSeed: c.seeds.probe,
    evalTrainSize: c.evaluation.trainSize, evalTestSize: c.evaluation.testSize,
  });
  return { train: data.train, test: data.test };
}

/** The first `max` samples of a split (the order is already a fixed shuffle for toys, file order for images). */
export function headOf(split: Split, max: number, d: number): { x: Float32Array; y: Int32Array; n: number } {
  const n = Math.min(split.n, max);
  return { x: split.x.subarray(0, n * d), y: split.y.subarray(0, n), n };
}
