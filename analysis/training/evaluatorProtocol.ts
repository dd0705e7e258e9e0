import type { ResolvedLayer } from './network';
import type { OptimizerSpec } from '../spec/trainConfig';
import type { CheckpointPaths, CheckpointSnapshot, EvaluationSets, Score } from './checkpointRecord';

/**
 * Messages between the training thread and the checkpoint evaluator thread (evaluatorThread.ts).
 * The evaluator builds the same fused engine as the trainer (same layers, input shape, classes and
 * batch size, hence the same generated kernels and summation order), so its probabilities and scores
 * are bit-identical to an evaluation on the training thread.
 *
 * Per checkpoint the thread answers twice: 'scored' as soon as the scores are known (with the snapshot's
 * storage, for reuse), then 'stored' once both files are on disk (it writes them itself, in order; also
 * those of checkpoints the training thread evaluated, so that one writer keeps the files in step order).
 */

export interface EngineSpec {
  layers: ResolvedLayer[];
  inputShape: number[];
  classes: number;
  optimizer: OptimizerSpec;
  batchSize: number;
}

export type ToEvaluator =
  | { type: 'init'; engine: EngineSpec; sets: EvaluationSets }
  | { type: 'record'; id: number; snapshot: CheckpointSnapshot; paths: CheckpointPaths }
  /** A checkpoint the training thread evaluated itself (the thread was behind): only its files to write. */
  | { type: 'write'; id: number; paths: CheckpointPaths; checkpointFile: Uint8Array; resumeFile: Uint8Array };

export type FromEvaluator =
  | { type: 'ready' }
  | { type: 'initFailed'; message: string }
  | { type: 'scored'; id: number; train: Score; test?: Score; snapshotStorage: ArrayBuffer[] }
  | { type: 'stored'; id: number }
  | { type: 'failed'; id: number; message: string };
