import type { ResolvedLayer } from './network';
import type { OptimizerSpec } from './config';
import type { CheckpointRecord, CheckpointSnapshot, EvaluationSets } from './checkpointRecord';

/**
 * Messages between the training thread and the checkpoint evaluator thread (evaluatorThread.ts).
 * The evaluator builds the same fused engine as the trainer (same layers, input shape, classes and
 * batch size, hence the same generated kernels and summation order), so its probabilities and scores
 * are bit-identical to an evaluation on the training thread.
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
  | { type: 'record'; id: number; snapshot: CheckpointSnapshot };

export type FromEvaluator =
  | { type: 'ready' }
  | { type: 'initFailed'; message: string }
  | { type: 'record'; id: number; record: CheckpointRecord }
  | { type: 'recordFailed'; id: number; message: string };
