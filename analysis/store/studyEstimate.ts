import type { DatasetSpec, TrainConfig } from '../spec/trainConfig';

/**
 * How long a study takes on this machine, for the Train & Analyze picker: from each member's config and a
 * measured training throughput (samples/s), with no data loaded. The model:
 *   training      totalSteps × batchSize / samplesPerSecond      (the last batch of an epoch counted full)
 *   checkpoints   count × (forward samples / 3 / samplesPerSecond + writeSeconds)
 *   startup       startupSeconds (backend, data loading; from a measured run)
 * where a checkpoint's forward samples are the probe set plus the train/test evaluation subsets, and a
 * forward pass costs about a third of a training step per sample (the backward pass is about twice the
 * forward). That is the cost of evaluating inline on the training thread, an upper bound when the evaluator
 * thread overlaps it. totalSteps and the checkpoint count follow train.ts and training/schedules.ts.
 * Checked once against `quick` (wasm, 282 steps, 16 checkpoints, 13,232 samples/s measured without the
 * checkpoints): estimate 2.05 s, measured trainSeconds 1.89 s.
 */

export interface EstimateOptions {
  /**
   * Seconds before the first step of each run (backend start, data loading), default 0. A measured value:
   * a finished run's (endedAt - startedAt) - trainSeconds; `quick` on MNIST here: 1.65 s.
   */
  startupSeconds?: number;
  /** Seconds to write one checkpoint's files (weights, resume state, run.json summary); default 0.005. */
  writeSeconds?: number;
  /** Training-split size assumed for an IDX folder without `trainSize` (MNIST-shaped: 60,000). */
  idxTrainSamples?: number;
  /** Test-split size assumed for an IDX folder without `testSize` (MNIST-shaped: 10,000). */
  idxTestSamples?: number;
}

/** Full split sizes of the built-in datasets (train, test). */
const FULL_SIZES: Record<'mnist' | 'fashion-mnist' | 'cifar10', [number, number]> = {
  mnist: [60000, 10000],
  'fashion-mnist': [60000, 10000],
  cifar10: [50000, 10000],
};

/** Samples in the training and test splits a config trains and evaluates on. */
export function splitSizes(dataset: DatasetSpec, options: EstimateOptions = {}): { train: number; test: number } {
  const [fullTrain, fullTest] = dataset.kind === 'toy'
    ? [dataset.trainSamples, dataset.testSamples]
    : dataset.kind === 'idx'
      ? [options.idxTrainSamples ?? 60000, options.idxTestSamples ?? 10000]
      : FULL_SIZES[dataset.kind];
  return { train: Math.min(dataset.trainSize ?? fullTrain, fullTrain), test: Math.min(dataset.testSize ?? fullTest, fullTest) };
}

/** Training steps of a run, as train.ts counts them. */
export function totalSteps(config: TrainConfig, options: EstimateOptions = {}): number {
  if (config.steps !== undefined) return config.steps;
  const stepsPerEpoch = Math.ceil(splitSizes(config.dataset, options).train / config.batchSize);
  return (config.epochs ?? 1) * stepsPerEpoch;
}

/** Checkpoints a run records (step 0 and the last step included), as training/schedules.ts places them. */
export function checkpointCount(config: TrainConfig, steps: number): number {
  const s = config.checkpoints;
  if (s.kind === 'every') return Math.ceil(steps / s.steps) + 1;
  return Math.min(s.count, steps + 1);
}

/** Seconds to train one config at `samplesPerSecond` (see the model above). */
export function estimateRunSeconds(config: TrainConfig, samplesPerSecond: number, options: EstimateOptions = {}): number {
  if (!(samplesPerSecond > 0) || !Number.isFinite(samplesPerSecond)) throw new Error(`samples per second must be a positive number, got ${samplesPerSecond}`);
  const steps = totalSteps(config, options);
  const sizes = splitSizes(config.dataset, options);
  const probe = Math.min(config.probe.size, config.probe.split === 'test' ? sizes.test : sizes.train);
  const evalTrain = config.evaluation.trainSize === 'all' ? sizes.train : Math.min(config.evaluation.trainSize, sizes.train);
  const evalTest = config.evaluation.testSize === 'probe' ? 0 : config.evaluation.testSize === 'all' ? sizes.test : Math.min(config.evaluation.testSize, sizes.test);
  const perCheckpoint = (probe + evalTrain + evalTest) / 3 / samplesPerSecond + (options.writeSeconds ?? 0.005);
  return (options.startupSeconds ?? 0) + (steps * config.batchSize) / samplesPerSecond + checkpointCount(config, steps) * perCheckpoint;
}

/**
 * Seconds to train every member of a study one after another. `samplesPerSecond` is one throughput for all
 * members, or a function giving each member's (architectures differ a lot: a CNN trains ~15× slower than an MLP).
 */
export function estimateStudySeconds(
  study: { members: { config: TrainConfig }[] },
  samplesPerSecond: number | ((config: TrainConfig) => number),
  options: EstimateOptions = {},
): number {
  let total = 0;
  for (const m of study.members) total += estimateRunSeconds(m.config, typeof samplesPerSecond === 'number' ? samplesPerSecond : samplesPerSecond(m.config), options);
  return total;
}

/** Throughputs assumed before this machine has trained anything (wasm, 2 busy cores; see bench/training.ts). */
const FALLBACK_SAMPLES_PER_SECOND = { mlp: 20_000, cnn: 1_500 } as const;

type ModelClass = keyof typeof FALLBACK_SAMPLES_PER_SECOND;
const modelClass = (config: TrainConfig): ModelClass => (config.model.kind === 'cnn' ? 'cnn' : 'mlp');

/**
 * This machine's training throughput per model class, measured from completed runs (samples trained per
 * second of training), the median of the recent ones; a class nobody trained yet falls back to the
 * constants above. Gives the function {@link estimateStudySeconds} takes.
 */
export function measuredThroughput(runs: { run?: { status: string; config?: TrainConfig; timings: { trainSeconds?: number }; summary?: { step: number } } }[]): (config: TrainConfig) => number {
  const seen: Record<ModelClass, number[]> = { mlp: [], cnn: [] };
  for (const r of runs) {
    const run = r.run;
    // Imported runs (no config) were not trained here: they say nothing about this machine's speed.
    if (!run?.config || run.status !== 'completed' || !run.summary || !(run.timings.trainSeconds && run.timings.trainSeconds > 0)) continue;
    seen[modelClass(run.config)].push((run.summary.step * run.config.batchSize) / run.timings.trainSeconds);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return (config) => {
    const cls = modelClass(config);
    return seen[cls].length > 0 ? median(seen[cls].slice(-9)) : FALLBACK_SAMPLES_PER_SECOND[cls];
  };
}
