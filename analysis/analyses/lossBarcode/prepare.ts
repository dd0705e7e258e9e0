/**
 * Everything a loss barcode computes pairs from, built the same way on the analysis thread and on each pair
 * thread (pairThreads.ts): the minima (validated), the runs' data as training prepared it, the resolved
 * path settings, the network objective and the minima's parameter vectors. Building it refuses bad input
 * before any pair is computed or any file written.
 */
import type { PreparedData, Split } from '../../data/prepare';
import type { LossBarcodeParams, LossBarcodeResult, PairPath, PathSettings, SampledSettings } from '../../worker/protocol/lossBarcode';
import type { TrainConfig } from '../../spec/trainConfig';
import { loadDataset } from '../../data/load';
import { prepareData } from '../../data/prepare';
import { loadMinimaSet, readParameters, type MinimaSet } from './minima';
import { networkObjective, type NetworkObjective } from './networkObjective';
import { DEFAULT_PATH_OPTIONS, optimisePath, validatePathOptions } from './pathOptimizer';
import { parameterCount } from './mlpBatch';
import { assertSampleable, DEFAULT_SAMPLED, validateSampledOptions } from './sampledBarriers';

export type ResolvedSettings = LossBarcodeResult['settings'];

/** Settings with defaults filled in from the first run's config (its SGD learning rate and batch size). */
export function resolveSettings(s: PathSettings & SampledSettings, config: TrainConfig, evalAvailable: number): ResolvedSettings {
  const iterations = s.iterations ?? DEFAULT_PATH_OPTIONS.iterations;
  const points = s.points ?? DEFAULT_PATH_OPTIONS.points;
  const out: ResolvedSettings = {
    points,
    iterations,
    lr: s.lr ?? (config.optimizer.kind === 'sgd' ? config.optimizer.lr : 0.05),
    batchSize: s.batchSize ?? config.batchSize,
    insertEvery: s.insertEvery ?? Math.max(1, Math.round(iterations / 5)),
    insertCount: s.insertCount ?? DEFAULT_PATH_OPTIONS.insertCount,
    maxPoints: s.maxPoints ?? Math.max(DEFAULT_PATH_OPTIONS.maxPoints, points),
    interpolate: s.interpolate ?? DEFAULT_PATH_OPTIONS.interpolate,
    evalSize: Math.min(s.evalSize ?? evalAvailable, evalAvailable),
    seed: s.seed ?? 0,
    method: s.method ?? 'paths',
  };
  if (out.method === 'sampled') {
    out.samples = s.samples ?? DEFAULT_SAMPLED.samples;
    out.knn = s.knn ?? DEFAULT_SAMPLED.knn;
    out.relax = s.relax ?? DEFAULT_SAMPLED.relax;
  } else if (out.method !== 'paths') {
    throw new Error(`loss barcode: method must be "paths" or "sampled", got ${JSON.stringify(out.method)}`);
  } else if (s.samples !== undefined || s.knn !== undefined || s.relax !== undefined) {
    throw new Error('loss barcode: samples, knn and relax are settings of method "sampled" (--method sampled); the paths method does not sample');
  }
  if (!Number.isInteger(out.evalSize) || out.evalSize < 1) throw new Error(`loss barcode: evalSize must be a positive integer, got ${s.evalSize}`);
  validatePathOptions(out);
  return out;
}

/** The run's data exactly as training prepared it (same subsets, normalisation and evaluation sets). */
export function runData(config: TrainConfig): PreparedData {
  const ds = config.dataset;
  return prepareData(loadDataset(ds), {
    trainSize: ds.trainSize, testSize: ds.testSize, subset: ds.subset, normalize: ds.normalize,
    probeSize: config.probe.size, probeSplit: config.probe.split, probeSeed: config.seeds.probe,
    evalTrainSize: config.evaluation.trainSize, evalTestSize: config.evaluation.testSize,
  });
}

function head(split: Split, n: number): Split {
  if (n >= split.n) return split;
  const d = split.x.length / split.n;
  return { x: split.x.subarray(0, n * d), y: split.y.subarray(0, n), n };
}

export interface PreparedBarcode {
  set: MinimaSet;
  data: PreparedData;
  settings: ResolvedSettings;
  evalSet: Split;
  objective: NetworkObjective;
  thetas: Float64Array[];
}

export function prepareBarcode(runDirs: readonly string[], params: PathSettings & SampledSettings): PreparedBarcode {
  const set = loadMinimaSet(runDirs);
  // Refused before any data is loaded: sampling a large net's weight space means nothing.
  if (params.method === 'sampled') assertSampleable(parameterCount(set.layers), set.architecture);
  const config = set.runs[0].run.config;
  const data = runData(config);
  const settings = resolveSettings(params, config, data.evalTrain.n);
  if (settings.method === 'sampled') validateSampledOptions({ samples: settings.samples as number, knn: settings.knn as number, relax: settings.relax as number }, set.runs.length);
  const evalSet = head(data.evalTrain, settings.evalSize);
  const objective = networkObjective(set.layers, data.train, evalSet, { batchSize: settings.batchSize, seed: settings.seed, maxPoints: settings.maxPoints });
  const thetas = set.runs.map((r) => readParameters(r.checkpoint.file, set.layers, objective.dim));
  return { set, data, settings, evalSet, objective, thetas };
}

/** Optimises and evaluates one pair; `minLoss` are the minima's losses (a barrier is never below its endpoints). */
export function computePair(prep: PreparedBarcode, i: number, j: number, minLoss: readonly number[], onIteration?: (iteration: number) => void): PairPath {
  const t = Date.now();
  const r = optimisePath(prep.thetas[i], prep.thetas[j], prep.objective, prep.settings, onIteration);
  return {
    i, j,
    // The endpoints are on the path: rounding between evaluation batches must not put a barrier below them.
    barrier: Math.max(r.barrier, minLoss[i], minLoss[j]),
    straightBarrier: Math.max(r.straightBarrier, minLoss[i], minLoss[j]),
    points: r.path.length, t: Array.from(r.t), loss: Array.from(r.loss), straightT: Array.from(r.straightT), straightLoss: Array.from(r.straightLoss),
    computeMs: Date.now() - t,
  };
}

/** Request fields a pair thread needs to build the same PreparedBarcode. */
export function pathSettingsOf(params: LossBarcodeParams): PathSettings {
  const { points, iterations, lr, batchSize, insertEvery, insertCount, maxPoints, interpolate, evalSize, seed } = params;
  return { points, iterations, lr, batchSize, insertEvery, insertCount, maxPoints, interpolate, evalSize, seed };
}
