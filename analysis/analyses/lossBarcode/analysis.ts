/**
 * The Loss Barcode analysis (SPEC B) as the runner and the CLI see it: minima -> optimised path of every
 * pair -> barrier matrix -> barcode (elder rule) -> TO-score and segment length vs test error.
 *
 * Pairs are the unit of work: each one reports progress, checks cancellation at every path iteration and
 * is cached on its own (`<studyDir or first run>/analysis/lossBarcodePair/<key>.json`, keyed by the path
 * settings and both checkpoints' size and mtime), so a cancelled or crashed study resumes with the pairs
 * it had not finished, and adding a minimum to a study only computes the new pairs.
 */
import path from 'node:path';
import { loadDataset } from '../../data/load';
import { prepareData, type PreparedData, type Split } from '../../data/prepare';
import type { RunJson } from '../../spec/runFormat';
import type { LossBarcodeMinimum, LossBarcodeParams, LossBarcodeResult, PairPath, PathSettings } from '../../worker/protocol/lossBarcode';
import { cacheSlot } from '../cache';
import { defineAnalysis, type AnalysisContext, plainContext } from '../definition';
import { matrixBarrier, minimaBarcode } from './barcode';
import { loadMinimaSet, readParameters, type MinimaSet } from './minima';
import { networkObjective } from './networkObjective';
import { DEFAULT_PATH_OPTIONS, optimisePath, validatePathOptions, type PathOptions } from './pathOptimizer';
import { spearman } from './rankCorrelation';
import { requestRuns } from './studyRuns';
import { toScore } from './toScore';

export const LOSS_BARCODE = { name: 'lossBarcode', version: 1 };
const PAIR = { name: 'lossBarcodePair', version: 1 };

export type ResolvedSettings = LossBarcodeResult['settings'];

/** Settings with defaults filled in from the first run's config (its SGD learning rate and batch size). */
export function resolveSettings(s: PathSettings, config: RunJson['config'], evalAvailable: number): ResolvedSettings {
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
  };
  if (!Number.isInteger(out.evalSize) || out.evalSize < 1) throw new Error(`loss barcode: evalSize must be a positive integer, got ${s.evalSize}`);
  validatePathOptions(out);
  return out;
}

/** The run's data exactly as training prepared it (same subsets, normalisation and evaluation sets). */
export function runData(config: RunJson['config']): PreparedData {
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

const runIdOf = (dir: string) => path.basename(path.resolve(dir));

export function computeLossBarcode(params: LossBarcodeParams, context: AnalysisContext = plainContext()): LossBarcodeResult {
  const t0 = Date.now();
  if (params.pairs !== undefined && params.pairs !== 'all') throw new Error(`loss barcode: pairs must be "all", got ${JSON.stringify(params.pairs)}`);
  const set: MinimaSet = loadMinimaSet(requestRuns(params));
  const config = set.runs[0].run.config;
  context.progress(0, 'loading data');
  const data = runData(config);
  const settings = resolveSettings(params, config, data.evalTrain.n);
  const evalSet = head(data.evalTrain, settings.evalSize);
  const objective = networkObjective(set.layers, data.train, evalSet, { batchSize: settings.batchSize, seed: settings.seed, maxPoints: settings.maxPoints });
  const thetas = set.runs.map((r) => readParameters(r.checkpoint.file, set.layers, objective.dim));
  const atMinima = objective.score(thetas, evalSet);
  const onTest = data.evalTest.n > 0 ? objective.score(thetas, data.evalTest).error : undefined;
  const minima: LossBarcodeMinimum[] = set.runs.map((r, i) => {
    const init = r.initCheckpoint ? objective.score([readParameters(r.initCheckpoint.file, set.layers, objective.dim)], evalSet).loss[0] : null;
    if (!Number.isFinite(atMinima.loss[i])) throw new Error(`${r.runDir}: the loss at its last checkpoint is ${atMinima.loss[i]} (the run diverged); remove it from the barcode`);
    return {
      runDir: r.runDir, runId: r.run.id, runName: r.run.name, seeds: { init: r.run.config.seeds.init, shuffle: r.run.config.seeds.shuffle },
      step: r.checkpoint.step, loss: atMinima.loss[i], testError: onTest ? onTest[i] : null, initLoss: init,
    };
  });
  const K = minima.length;
  const barriers: (number | null)[][] = Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => (i === j ? minima[i].loss : null)));
  const straightBarriers = barriers.map((row) => row.slice());
  const options: PathOptions = { ...settings };
  const pairList: [number, number][] = [];
  for (let i = 0; i < K; i++) for (let j = i + 1; j < K; j++) pairList.push([i, j]);
  const pairs: PairPath[] = [];
  pairList.forEach(([i, j], done) => {
    context.throwIfCancelled();
    const a = set.runs[i];
    const b = set.runs[j];
    const slot = cacheSlot<PairPath>(PAIR.name, PAIR.version, { settings, a: [runIdOf(a.runDir), a.checkpoint.step], b: [runIdOf(b.runDir), b.checkpoint.step] },
      { dir: params.studyDir ?? a.runDir, inputs: [a.checkpoint.file, b.checkpoint.file] }, params.force);
    let pair = slot.hit && { ...slot.hit, i, j };
    if (!pair) {
      const t = Date.now();
      const message = `pair ${done + 1}/${pairList.length}`;
      context.progress(done / pairList.length, message);
      const r = optimisePath(thetas[i], thetas[j], objective, options, (it) => {
        context.throwIfCancelled();
        if (it % 20 === 19) context.progress((done + (it + 1) / (options.iterations + 1)) / pairList.length, message);
      });
      pair = {
        i, j,
        // The endpoints are on the path: a barrier is never below them (rounding between evaluation batches aside).
        barrier: Math.max(r.barrier, minima[i].loss, minima[j].loss),
        straightBarrier: Math.max(r.straightBarrier, minima[i].loss, minima[j].loss),
        points: r.path.length, t: Array.from(r.t), loss: Array.from(r.loss), straightT: Array.from(r.straightT), straightLoss: Array.from(r.straightLoss),
        computeMs: Date.now() - t,
      };
      slot.store(pair);
    }
    pairs.push(pair);
    barriers[i][j] = barriers[j][i] = pair.barrier;
    straightBarriers[i][j] = straightBarriers[j][i] = pair.straightBarrier;
    context.progress((done + 1) / pairList.length, `pair ${done + 1}/${pairList.length} done`);
  });
  return assembleResult(set.architecture, minima, barriers, straightBarriers, pairs, pairList.length, settings, Date.now() - t0);
}

/** Barcode, TO-score and correlation from the minima and whatever pairs are known (also for partial results). */
export function assembleResult(architecture: string, minima: LossBarcodeMinimum[], barriers: (number | null)[][], straightBarriers: (number | null)[][], pairs: PairPath[], pairsTotal: number, settings: ResolvedSettings, computeMs: number): LossBarcodeResult {
  const code = minimaBarcode(minima.map((m) => m.loss), matrixBarrier(barriers));
  const inits = minima.map((m) => m.initLoss).filter((v): v is number => v !== null);
  const score = toScore(code.bars, inits.length > 0 ? inits.reduce((a, b) => a + b, 0) / inits.length : null);
  const finite = code.bars.map((b, i) => ({ length: b[1] - b[0], testError: minima[i].testError })).filter((x) => Number.isFinite(x.length) && x.testError !== null);
  const correlation = finite.length >= 3 ? spearman(finite.map((x) => x.length), finite.map((x) => x.testError as number)) : null;
  return {
    version: LOSS_BARCODE.version,
    architecture,
    minima,
    barriers,
    straightBarriers,
    bars: code.bars.map(([b, d]) => [b, d === Infinity ? null : d]),
    mergedInto: code.mergedInto.map((m) => (m < 0 ? null : m)),
    mergedVia: code.mergedVia.map((v) => v ?? null),
    toScore: score,
    correlation,
    pairs,
    pairsDone: pairs.length,
    pairsTotal,
    settings,
    computeMs,
  };
}

export const lossBarcodeAnalysis = defineAnalysis<LossBarcodeParams, LossBarcodeResult>({
  ...LOSS_BARCODE,
  run: computeLossBarcode,
});
