import type { TrainConfig } from './trainConfig';

/**
 * run.json: the one small file that says what a run is and how it ended. Everything bulky lives beside it
 * (metrics.jsonl, checkpoints/*.safetensors). The schema is versioned; a reader meeting a newer version
 * refuses with a message naming the file instead of guessing. Types only here (webviews share them); the
 * zod schema is runSchema.ts and the parser parseRunJson.ts.
 */

export const RUN_SCHEMA_VERSION = 1;

export const RUN_STATUSES = ['running', 'completed', 'interrupted', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** What the run was trained on and with, filled in once the data and model are built (for the UI). */
export interface RunShape {
  dataset: string;
  trainSize: number;
  testSize: number;
  classes: number;
  classNames?: string[];
  inputShape: number[];
  probeSize: number;
  totalSteps: number;
  stepsPerEpoch: number;
  /** Layers with weights, in order; kernels are [in, out] for dense and [kh, kw, in, out] for conv2d, so a
   *  neuron's incoming weight vector is a column (dense) or the slice [:, :, :, j] (conv2d). */
  layers: { name: string; type: string; activation?: string; weights: { name: string; shape: number[] }[] }[];
}

/** Why training ended where it did (completed runs): the stopping rule that fired, or the step budget. */
export interface RunStop {
  rule: 'train-loss-plateau' | 'max-steps';
  step: number;
  epoch: number;
  reason: string;
}

export interface RunJson {
  schemaVersion: number;
  id: string;
  name: string;
  createdAt: string;
  status: RunStatus;
  backend: string;
  config: TrainConfig;
  pid?: number;
  host?: string;
  timings: { startedAt: string; endedAt?: string; trainSeconds?: number; checkpointSeconds?: number; heartbeatAt?: string };
  summary?: { step: number; trainLoss: number; trainAccuracy: number; testLoss?: number; testAccuracy?: number };
  error?: { message: string; step?: number };
  shape?: RunShape;
  warnings?: string[];
  resumedAt?: number[];
  study?: { id: string; member: string };
  stop?: RunStop;
}
