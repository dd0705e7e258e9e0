import type { TrainConfig } from './trainConfig';

/**
 * run.json: the one small file that says what a run is and how it ended. Everything bulky lives beside it
 * (metrics.jsonl, checkpoints/*.safetensors). The schema is versioned; a reader meeting a newer version
 * refuses with a message naming the file instead of guessing. Types only here (webviews share them); the
 * zod schema is runSchema.ts and the parser parseRunJson.ts.
 */

/**
 * 1: every run trained by TopoLens, `config` required. 2: adds `source`; `config` is required unless the run
 * was imported (`source.kind === 'imported'`). Version-1 files stay readable: no `source` means trained.
 */
export const RUN_SCHEMA_VERSION = 2;

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

/** Checkpoint formats `topolens import` reads (analysis/import/). */
export const IMPORT_FORMATS = ['safetensors', 'npy', 'npz', 'tfjs', 'keras-h5'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** One source file an imported run was converted from, as it was when imported. */
export interface ImportedFile {
  path: string;
  /** The training step this file holds (checkpoints and predictions); absent for labels and metrics. */
  step?: number;
  role: 'checkpoint' | 'predictions' | 'labels' | 'metrics';
  bytes: number;
  modifiedAt: string;
}

/** How a source tensor became a layer of the run: kernel [in, out] (transposed when stored [out, in]). */
export interface ImportedLayer {
  name: string;
  kernel: string;
  bias?: string;
  /** How the source stored the kernel: PyTorch `[out, in]` (conv `[out, in, kh, kw]`), Keras `[in, out]`. */
  orientation: 'out-in' | 'in-out';
  /** 'dense' (kernel [in, out]) or 'conv2d' (kernel [kh, kw, in, out]), the run's own convention. */
  type: 'dense' | 'conv2d';
  /** The kernel's shape in the run's checkpoints (after any transposition). */
  shape: number[];
  /** Only when the mapping file says (checkpoints do not record activations). */
  activation?: string;
}

/**
 * Where an imported run came from. Its tensors were converted into the run's own float32 checkpoints (one
 * format for every analysis); the source files are listed here, not referenced afterwards.
 */
export interface ImportedSource {
  kind: 'imported';
  format: ImportFormat;
  /** The folder given to `topolens import` (absolute). */
  dir: string;
  files: ImportedFile[];
  importedAt: string;
  /** How names and orientation were decided: detected as PyTorch / Keras, or a mapping file. */
  layout: 'torch' | 'keras' | 'map';
  mapFile?: string;
  layers: ImportedLayer[];
  /** Probe-set size and classes when per-checkpoint predictions were imported (enables the manifold). */
  probeSize?: number;
  classes?: number;
}

/** Trained by TopoLens (the default when run.json has no `source`: every schema-1 run) or imported. */
export type RunSource = { kind: 'trained' } | ImportedSource;

/** What every run.json holds, trained or imported. */
export interface RunJsonBase {
  schemaVersion: number;
  id: string;
  name: string;
  createdAt: string;
  status: RunStatus;
  backend: string;
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

/** A run trained by TopoLens: its full config, so it can be resumed, re-evaluated and described. */
export interface TrainedRunJson extends RunJsonBase {
  config: TrainConfig;
  source?: { kind: 'trained' };
}

/** A run converted by `topolens import` from checkpoints trained elsewhere: no training config. */
export interface ImportedRunJson extends RunJsonBase {
  config?: undefined;
  source: ImportedSource;
}

/** `if (run.config)` tells them apart (and narrows); isImportedRun says it in words. */
export type RunJson = TrainedRunJson | ImportedRunJson;

export function isImportedRun(run: RunJson): run is ImportedRunJson {
  return run.source?.kind === 'imported';
}

/**
 * The run itself when TopoLens trained it (so it has a config), else an Error saying that `what` needs the
 * training config and an imported run has none. `file` names the run in the message.
 */
export function requireTrainedRun(run: RunJson, file: string, what: string): TrainedRunJson {
  if (run.config) return run;
  throw new Error(`${file}: ${what} needs the run's training config (dataset, model, optimiser), and this run was imported from ${run.source.dir} (${run.source.format}), which records none; use a run trained by TopoLens`);
}

/** What the panels need to know of a run's model, from `shape` (trained) or the import record (imported). */
export function runModelFacts(run: RunJson | undefined): { denseLayers: number; inputShape?: number[]; classes?: number; probeSize?: number } {
  if (!run) return { denseLayers: 0 };
  if (isImportedRun(run)) {
    const dense = run.source.layers.filter((l) => l.type === 'dense');
    return { denseLayers: dense.length, inputShape: dense.length > 0 ? [dense[0].shape[0]] : undefined, classes: run.source.classes, probeSize: run.source.probeSize };
  }
  const shape = run.shape;
  if (!shape) return { denseLayers: run.config.model.kind === 'mlp' ? 1 : 0 };
  return { denseLayers: shape.layers.filter((l) => l.type === 'dense').length, inputShape: shape.inputShape, classes: shape.classes, probeSize: shape.probeSize };
}
