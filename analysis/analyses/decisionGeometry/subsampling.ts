/**
 * The subsampling study (SPEC D.5): does training on the samples near the decision boundary beat uniform
 * subsampling of the same size? The run's final checkpoint scores every training sample (its confidence, or
 * its loss); for a budget m the "band" set is the round(m (1 - r)) least confident samples (or, for "loss",
 * the highest-loss ones) plus round(m r) drawn at random from the rest, the "uniform" set m random samples.
 * A fresh net of the run's architecture trains on each set (tinyTrainer.ts: He-normal init, Adam, fixed
 * number of steps, so small sets are not disadvantaged by fewer updates) and is scored on the run's test
 * split. Several seeds per (budget, method) give mean and spread. Toy (2-D) runs only: an image model would
 * need the training engine.
 *
 * Our choices: r = 0.2 (a pure band set can miss whole parts of a class and fail badly), 400 steps, batch
 * min(50, m), lr = the run's Adam lr (else 0.01). The scorer being trained on all the data is the point of
 * the experiment: it asks which samples carry the information, given where the boundary ends up.
 */
import { cacheSlot } from '../cache';
import { CancelledError, plainContext, singleRunDir, type AnalysisContext } from '../definition';
import type { SubsamplingParams, SubsamplingResult, SubsamplingRow } from '../../worker/protocol/decisionGeometry';
import { Rng } from '../../data/random';
import { loadDenseNet, type HiddenActivation } from './denseNet';
import { NetEvaluator } from './evaluator';
import { openRun, trainAndTest } from './runData';
import { accuracy, trainTiny } from './tinyTrainer';

export const DECISION_SUBSAMPLING = { name: 'decisionSubsampling', version: 1 } as const;

/** Indices for one (method, budget, seed). `score`: higher = closer to the boundary / harder. */
export function selectSubset(score: Float64Array, budget: number, method: 'uniform' | 'band', randomFraction: number, seed: number): Int32Array {
  const n = score.length;
  const m = Math.min(budget, n);
  const rng = new Rng(seed);
  if (method === 'uniform') return Int32Array.from(rng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, m));
  const ranked = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a] || a - b);
  const k = Math.round(m * (1 - randomFraction));
  const rest = rng.shuffle(ranked.slice(k));
  return Int32Array.from([...ranked.slice(0, k), ...rest.slice(0, m - k)]);
}

function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std };
}

export function computeSubsampling(params: SubsamplingParams, context: AnalysisContext = plainContext()): SubsamplingResult {
  const runDir = singleRunDir(params, DECISION_SUBSAMPLING.name);
  const budgets = params.budgets ?? [20, 50, 100, 200];
  const seeds = params.seeds ?? 5;
  const r = params.randomFraction ?? 0.2;
  const selection = params.selection ?? 'band';
  const steps = params.steps ?? 400;
  if (budgets.length === 0 || budgets.some((b) => !Number.isInteger(b) || b < 2)) throw new Error(`budgets ${budgets.join(',')}: expected integers of at least 2.`);
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`seeds ${seeds}: expected a positive integer.`);
  if (!(r >= 0 && r <= 1)) throw new Error(`random fraction ${r}: expected a number from 0 to 1.`);
  if (selection !== 'band' && selection !== 'loss') throw new Error(`selection "${String(selection)}": use "band" or "loss".`);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps ${steps}: expected a positive integer.`);
  const h = openRun(runDir);
  if (h.run.config.dataset.kind !== 'toy') throw new Error(`${h.runJsonFile}: the subsampling study trains small nets on 2-D toy data; this run uses ${h.run.config.dataset.kind}. Use a regions-* preset.`);
  const scorerCkpt = h.checkpoints[h.checkpoints.length - 1];
  const slot = cacheSlot<SubsamplingResult>(DECISION_SUBSAMPLING.name, DECISION_SUBSAMPLING.version, { budgets, seeds, r, selection, steps }, { dir: runDir, inputs: [scorerCkpt.file] }, params.force);
  if (slot.hit) return { ...slot.hit, runDir };
  const t0 = performance.now();
  const scorer = loadDenseNet(h.run, scorerCkpt.file, h.runJsonFile);
  const { train, test } = trainAndTest(h.run);
  const ev = new NetEvaluator(scorer);
  const score = new Float64Array(train.n);
  for (let i = 0; i < train.n; i++) {
    const cls = ev.forward(train.x.subarray(2 * i, 2 * i + 2));
    score[i] = selection === 'band' ? -ev.probs[cls] : -Math.log(Math.max(ev.probs[train.y[i]], 1e-300));
  }
  const dims = [scorer.inDim, ...scorer.layers.map((l) => l.outDim)];
  const activation = (scorer.layers[0].activation === 'softmax' ? 'relu' : scorer.layers[0].activation) as HiddenActivation;
  const opt = h.run.config.optimizer;
  const lr = opt.kind === 'adam' ? opt.lr : 0.01;
  const rows: SubsamplingRow[] = [];
  const methods: ('uniform' | 'band')[] = ['uniform', 'band'];
  const total = budgets.length * methods.length * seeds;
  let done = 0;
  for (const budget of budgets) {
    for (const method of methods) {
      const accs: number[] = [];
      for (let s = 0; s < seeds; s++) {
        if (context.isCancelled()) throw new CancelledError();
        const idx = selectSubset(score, budget, method, r, 1000 * s + budget);
        const x = new Float32Array(idx.length * 2);
        const y = new Int32Array(idx.length);
        idx.forEach((i, k) => { x[2 * k] = train.x[2 * i]; x[2 * k + 1] = train.x[2 * i + 1]; y[k] = train.y[i]; });
        const net = trainTiny(x, y, idx.length, { dims, activation, steps, batch: 50, lr, seed: 7919 * (s + 1) });
        accs.push(accuracy(net, test.x, test.y, test.n));
        context.progress(++done / total, `budget ${budget}, ${method}, seed ${s + 1}`);
      }
      rows.push({ budget, method: method === 'band' ? selection : 'uniform', accuracies: accs, ...meanStd(accs) });
    }
  }
  const result: SubsamplingResult = { runDir, scorerStep: scorerCkpt.step, testSamples: test.n, steps, rows, computeMs: performance.now() - t0 };
  slot.store(result);
  return result;
}
