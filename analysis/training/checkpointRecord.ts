import { encodeSafetensors, type NamedTensor } from '../store/safetensors';
import { scoreLogits, scoreProbabilities, softmaxRows } from './objective';
import type { Split } from '../data/prepare';

/**
 * A checkpoint from weights to file bytes, as pure functions over plain data, so that the training thread
 * and the checkpoint evaluator thread (evaluatorThread.ts) compute the very same bytes: the probe-set
 * probabilities and the evaluation scores come from the fused engine's forward pass (the kernels it trains
 * with), the files from one encoder.
 */

export interface Score { loss: number; accuracy: number }

/** What the training thread hands over at a checkpoint: copies it no longer touches (transferable). */
export interface CheckpointSnapshot {
  step: number;
  weights: Record<string, NamedTensor>;
  /** Optimiser slots named `optimizer/<param>/<slot>` (empty for plain SGD). */
  optimizerState: Record<string, NamedTensor>;
  iterations: number;
  /** Checkpoint metadata besides format and step: run id, layers, classes, epoch. */
  metadata: Record<string, string>;
}

/** A recorded checkpoint: the two files to write (checkpoint, then resume state) and the eval scores. */
export interface CheckpointRecord {
  step: number;
  checkpointFile: Uint8Array;
  resumeFile: Uint8Array;
  train: Score;
  test?: Score;
  /** The snapshot's storage, handed back for reuse (nothing reads the snapshot any more). */
  snapshotStorage: ArrayBuffer[];
}

/** Where a checkpoint's two files go: checkpoints/step-N.safetensors, then state/resume.safetensors. */
export interface CheckpointPaths { checkpoint: string; resume: string }

/** The fixed samples scored at every checkpoint. `evalTest` 'probe': the probe set is the test evaluation. */
export interface EvaluationSets {
  classes: number;
  probe: Split;
  evalTrain: Split;
  evalTest?: Split | 'probe';
}

/** Logits [n, classes] of n flattened samples (the fused engine's forward pass). */
export type LogitsFn = (x: Float32Array, n: number) => Float32Array;

export function encodeCheckpointFile(step: number, weights: Record<string, NamedTensor>, probeProbs: NamedTensor, metadata: Record<string, string>): Uint8Array {
  return encodeSafetensors({ ...weights, 'probe/probs': probeProbs }, { format: 'topolens-checkpoint', ...metadata, step: String(step) });
}

export function encodeResumeFile(step: number, iterations: number, state: Record<string, NamedTensor>): Uint8Array {
  return encodeSafetensors(state, { format: 'topolens-resume', step: String(step), iterations: String(iterations) });
}

/** Probe probabilities and train/test scores from the engine's logits. */
export function scoreWithLogits(logits: LogitsFn, sets: EvaluationSets): { probs: Float32Array; train: Score; test?: Score } {
  const { classes, probe, evalTrain, evalTest } = sets;
  const probs = softmaxRows(logits(probe.x, probe.n), classes);
  const train = scoreLogits(logits(evalTrain.x, evalTrain.n), evalTrain.y, classes);
  const test = evalTest === 'probe' ? scoreProbabilities(probs, probe.y, classes) : evalTest && evalTest.n > 0 ? scoreLogits(logits(evalTest.x, evalTest.n), evalTest.y, classes) : undefined;
  return { probs, train, test };
}

/** Files and scores of a snapshot whose weights are loaded in the engine behind `logits`. */
export function recordCheckpoint(logits: LogitsFn, sets: EvaluationSets, snap: CheckpointSnapshot): CheckpointRecord {
  const { probs, train, test } = scoreWithLogits(logits, sets);
  return recordFromScores(snap, { dtype: 'F32', shape: [sets.probe.n, sets.classes], data: probs }, train, test);
}

/** The record of a snapshot whose probe probabilities and scores are already computed (the tfjs path). */
export function recordFromScores(snap: CheckpointSnapshot, probeProbs: NamedTensor, train: Score, test: Score | undefined): CheckpointRecord {
  return {
    step: snap.step,
    checkpointFile: encodeCheckpointFile(snap.step, snap.weights, probeProbs, snap.metadata),
    resumeFile: encodeResumeFile(snap.step, snap.iterations, snap.optimizerState),
    train,
    ...(test ? { test } : {}),
    snapshotStorage: buffersOf(snap.weights, snap.optimizerState),
  };
}

/** Own copies of the evaluation sets for the evaluator thread (posting a subarray would copy its whole buffer). */
export function compactSets(sets: EvaluationSets): EvaluationSets {
  const own = (s: Split): Split => ({ x: s.x.slice(), y: s.y.slice(), n: s.n });
  return { classes: sets.classes, probe: own(sets.probe), evalTrain: own(sets.evalTrain), evalTest: sets.evalTest === 'probe' || !sets.evalTest ? sets.evalTest : own(sets.evalTest) };
}

/** The ArrayBuffers of a value's typed arrays, to transfer with it instead of copying. */
export function buffersOf(...tensorSets: Record<string, NamedTensor>[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const set of tensorSets) for (const t of Object.values(set)) out.add(t.data.buffer as ArrayBuffer);
  return [...out];
}
