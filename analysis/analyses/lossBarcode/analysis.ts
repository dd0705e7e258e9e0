/**
 * The Loss Barcode analysis (SPEC B) as the runner and the CLI see it: minima -> optimised path of every
 * pair -> barrier matrix -> barcode (elder rule) -> TO-score and segment length vs test error.
 *
 * Pairs are the unit of work: each one reports progress and is cached on its own
 * (`<studyDir or first run>/analysis/lossBarcodePair/<key>.json`, keyed by the path settings and both
 * checkpoints' size and mtime), so a cancelled or crashed study resumes with the pairs it had not finished,
 * and adding a minimum to a study only computes the new pairs. Uncached pairs are spread over worker threads
 * (pairThreads.ts; `threads`, default one per core) or computed in-process with `threads: 1`.
 *
 * `method: 'sampled'` (small nets, SPEC B step 5) replaces the paths by one sampled k-NN pass that gives
 * every pair's barrier at once (sampledStudy.ts, cached as a whole); minima, barcode and TO-score are the same.
 */
import path from 'node:path';
import type { LossBarcodeMinimum, LossBarcodeParams, LossBarcodeResult, PairPath } from '../../worker/protocol/lossBarcode';
import { cacheSlot, type CacheSlot } from '../cache';
import { defineAnalysis, type AnalysisContext, plainContext } from '../definition';
import { matrixBarrier, minimaBarcode } from './barcode';
import { readParameters } from './minima';
import { canUsePairThreads, computePairsOnThreads, defaultPairThreads } from './pairThreads';
import { computePair, prepareBarcode, type ResolvedSettings } from './prepare';
import { spearman } from './rankCorrelation';
import { sampledStudyBarriers } from './sampledStudy';
import { groupByArchitecture, requestRuns } from './studyRuns';
import { toScore } from './toScore';

export const LOSS_BARCODE = { name: 'lossBarcode', version: 1 };
const PAIR = { name: 'lossBarcodePair', version: 1 };

const runIdOf = (dir: string) => path.basename(path.resolve(dir));

export async function computeLossBarcode(params: LossBarcodeParams, context: AnalysisContext = plainContext()): Promise<LossBarcodeResult> {
  const t0 = Date.now();
  if (params.pairs !== undefined && params.pairs !== 'all') throw new Error(`loss barcode: pairs must be "all", got ${JSON.stringify(params.pairs)}`);
  if (params.threads !== undefined && (!Number.isInteger(params.threads) || params.threads < 1)) throw new Error(`loss barcode: threads must be a positive integer, got ${params.threads}`);
  context.progress(0, 'loading minima and data');
  const groups = groupByArchitecture(requestRuns(params));
  let runDirs = groups.flatMap((g) => g.runDirs);
  if (params.architecture !== undefined) {
    const hit = groups.find((g) => g.architecture === params.architecture);
    if (!hit) throw new Error(`loss barcode: no run has the architecture "${params.architecture}" (there are: ${groups.map((g) => `"${g.architecture}"`).join(', ')})`);
    runDirs = hit.runDirs;
  } else if (params.studyDir && groups.length > 1) {
    // A study's grid: one architecture at a time (explicit runs of mixed architectures stay an error).
    runDirs = (groups.find((g) => g.runDirs.length >= 2) ?? groups[0]).runDirs;
  }
  const prep = prepareBarcode(runDirs, params);
  const { set, data, settings, evalSet, objective, thetas } = prep;
  const atMinima = objective.score(thetas, evalSet);
  const onTest = data.evalTest.n > 0 ? objective.score(thetas, data.evalTest).error : undefined;
  const minima: LossBarcodeMinimum[] = set.runs.map((r, i) => {
    if (!Number.isFinite(atMinima.loss[i])) throw new Error(`${r.runDir}: the loss at its last checkpoint is ${atMinima.loss[i]} (the run diverged); remove it from the barcode`);
    const init = r.initCheckpoint ? objective.score([readParameters(r.initCheckpoint.file, set.layers, objective.dim)], evalSet).loss[0] : null;
    return {
      runDir: r.runDir, runId: r.run.id, runName: r.run.name, seeds: { init: r.run.config.seeds.init, shuffle: r.run.config.seeds.shuffle },
      step: r.checkpoint.step, loss: atMinima.loss[i], testError: onTest ? onTest[i] : null, initLoss: init,
    };
  });
  const minLoss = minima.map((m) => m.loss);
  const K = minima.length;
  const barriers: (number | null)[][] = Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => (i === j ? minima[i].loss : null)));
  const straightBarriers = barriers.map((row) => row.slice());
  const total = (K * (K - 1)) / 2;
  const architectures = groups.map((g) => ({ architecture: g.architecture, runs: g.runDirs.length }));
  if (settings.method === 'sampled') {
    const sampled = sampledStudyBarriers(prep, minLoss, { cacheDir: params.studyDir ?? set.runs[0].runDir, force: params.force, cachedOnly: params.cachedOnly }, context);
    if (!sampled) return assembleResult(set.architecture, architectures, minima, barriers, straightBarriers, [], total, settings, Date.now() - t0);
    return assembleResult(set.architecture, architectures, minima, sampled.barriers, sampled.straightBarriers, sampled.pairs, total, settings, Date.now() - t0);
  }
  // The pairs' cache key holds the path settings only (keys from before `method` existed stay valid).
  const { method: _method, samples: _samples, knn: _knn, relax: _relax, ...pathKey } = settings;
  const pairs: PairPath[] = [];
  const partial = new Map<string, number>(); // iterations done of pairs in progress
  const report = (message: string) => {
    let running = 0;
    for (const it of partial.values()) running += it / (settings.iterations + 1);
    context.progress((pairs.length + running) / total, message);
  };
  const accept = (pair: PairPath) => {
    pairs.push(pair);
    partial.delete(`${pair.i}-${pair.j}`);
    barriers[pair.i][pair.j] = barriers[pair.j][pair.i] = pair.barrier;
    straightBarriers[pair.i][pair.j] = straightBarriers[pair.j][pair.i] = pair.straightBarrier;
    report(`pair ${pairs.length}/${total} done`);
  };

  const slots = new Map<string, CacheSlot<PairPath>>();
  const todo: { i: number; j: number }[] = [];
  for (let i = 0; i < K; i++) {
    for (let j = i + 1; j < K; j++) {
      const a = set.runs[i];
      const b = set.runs[j];
      const slot = cacheSlot<PairPath>(PAIR.name, PAIR.version, { settings: pathKey, a: [runIdOf(a.runDir), a.checkpoint.step], b: [runIdOf(b.runDir), b.checkpoint.step] },
        { dir: params.studyDir ?? a.runDir, inputs: [a.checkpoint.file, b.checkpoint.file] }, params.force);
      slots.set(`${i}-${j}`, slot);
      if (slot.hit) accept({ ...slot.hit, i, j });
      else todo.push({ i, j });
    }
  }
  const store = (pair: PairPath) => {
    slots.get(`${pair.i}-${pair.j}`)?.store(pair);
    accept(pair);
  };
  const threads = Math.min(params.threads ?? defaultPairThreads(), todo.length);
  if (params.cachedOnly) {
    // The live view: what is known so far (missing pairs stay null; unconnected minima keep infinite bars).
  } else if (threads > 1 && canUsePairThreads()) {
    await computePairsOnThreads({ runDirs: set.runs.map((r) => r.runDir), settings, minLoss }, todo, threads, context, (task, it) => {
      partial.set(`${task.i}-${task.j}`, it);
      report(`pair ${pairs.length + 1}/${total}`);
    }, store);
  } else {
    for (const { i, j } of todo) {
      context.throwIfCancelled();
      report(`pair ${pairs.length + 1}/${total}`);
      store(computePair(prep, i, j, minLoss, (it) => {
        context.throwIfCancelled();
        if (it % 20 === 19) {
          partial.set(`${i}-${j}`, it + 1);
          report(`pair ${pairs.length + 1}/${total}`);
        }
      }));
    }
  }
  pairs.sort((a, b) => a.i - b.i || a.j - b.j);
  return assembleResult(set.architecture, architectures, minima, barriers, straightBarriers, pairs, total, settings, Date.now() - t0);
}

/** Barcode, TO-score and correlation from the minima and whatever pairs are known (also for partial results). */
export function assembleResult(architecture: string, architectures: LossBarcodeResult['architectures'], minima: LossBarcodeMinimum[], barriers: (number | null)[][], straightBarriers: (number | null)[][], pairs: PairPath[], pairsTotal: number, settings: ResolvedSettings, computeMs: number): LossBarcodeResult {
  const code = minimaBarcode(minima.map((m) => m.loss), matrixBarrier(barriers));
  const straight = minimaBarcode(minima.map((m) => m.loss), matrixBarrier(straightBarriers));
  const inits = minima.map((m) => m.initLoss).filter((v): v is number => v !== null);
  const score = toScore(code.bars, inits.length > 0 ? inits.reduce((a, b) => a + b, 0) / inits.length : null);
  const finite = code.bars.map((b, i) => ({ length: b[1] - b[0], testError: minima[i].testError })).filter((x) => Number.isFinite(x.length) && x.testError !== null);
  const correlation = finite.length >= 3 ? spearman(finite.map((x) => x.length), finite.map((x) => x.testError as number)) : null;
  return {
    version: LOSS_BARCODE.version,
    architecture,
    architectures,
    minima,
    barriers,
    straightBarriers,
    bars: code.bars.map(([b, d]) => [b, d === Infinity ? null : d]),
    straightBars: straight.bars.map(([b, d]) => [b, d === Infinity ? null : d]),
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
