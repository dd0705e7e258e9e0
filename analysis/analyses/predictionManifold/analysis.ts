/**
 * The "Prediction Manifold" analysis (SPEC C): every checkpoint of the selected runs, plus P0 and P*, embedded
 * together by InPCA of their Bhattacharyya distances on the shared probe set; progress along the P0 -> P*
 * geodesic per checkpoint.
 *
 * Full mode is cached per run set by the runner (key: the checkpoint files' sizes and mtimes). It also
 * stores a *basis* (basis.ts) so that live mode (`project: true`, a run still training) places only the new
 * checkpoints by out-of-sample projection and says when a full recompute would change the picture.
 */
import path from 'node:path';
import { listCheckpoints } from '../../store/runStore';
import { METRICS_JSONL } from '../../store/runLayout';
import type { ManifoldRun, PredictionManifold, PredictionManifoldParams } from '../../worker/protocol/predictionManifold';
import { cacheSlot } from '../cache';
import { defineAnalysis, plainContext, type AnalysisContext, type CacheSpec } from '../definition';
import { bhattacharyyaCross, bhattacharyyaMatrix } from './bhattacharyya';
import { geodesicProgress } from './geodesicProgress';
import { inpca, type Inpca } from './inpca';
import { projectOutOfSample, projectionQuality } from './outOfSample';
import { ignorancePoint, sqrtProbabilities, stackModels, truthPoint } from './probabilities';
import { checkSharedProbe, loadRun, readProbeProbs, runLabels, type LoadedRun } from './runSet';
import { readBasis, writeBasis, basisFile, type Basis } from './basis';

export const PREDICTION_MANIFOLD = { name: 'predictionManifold', version: 1 } as const;

/** Where the cache and the basis of a run set live: the study folder, else the first run's folder. */
function cacheDir(params: PredictionManifoldParams): string {
  if (params.runDirs.length === 0) throw new Error('predictionManifold: no run folders given');
  return params.studyDir ?? params.runDirs[0];
}

function cacheSpec(params: PredictionManifoldParams): CacheSpec | undefined {
  if (params.project) return undefined; // live mode reads the basis itself and changes with every checkpoint
  const inputs: string[] = [];
  for (const dir of params.runDirs) {
    inputs.push(path.join(dir, METRICS_JSONL));
    for (const c of listCheckpoints(dir)) inputs.push(c.file);
  }
  return { dir: cacheDir(params), inputs };
}

interface Model { run: number; checkpoint: number }

function loadAll(params: PredictionManifoldParams, context: AnalysisContext): LoadedRun[] {
  const runs = params.runDirs.map((d) => loadRun(path.resolve(d)));
  checkSharedProbe(runs);
  context.throwIfCancelled();
  return runs;
}

function emptyRun(r: LoadedRun): ManifoldRun {
  return {
    runDir: r.runDir, runId: r.run.id, name: r.run.name, status: r.run.status, ...runLabels(r.run),
    steps: [], coords: [], progress: [], trainAccuracy: [], testAccuracy: [], projected: [],
  };
}

function rowOf(e: Inpca, p: number): number[] {
  return Array.from(e.coords.subarray(p * e.k, p * e.k + e.k));
}

/** Full embedding of every checkpoint of the runs plus P0 and P*. */
export function computeFull(params: PredictionManifoldParams, context: AnalysisContext = plainContext()): PredictionManifold {
  const t0 = performance.now();
  const runs = loadAll(params, context);
  const probe = runs[0].probe;
  const N = probe.labels.length;
  const C = probe.classes;
  const models: Model[] = [];
  const probs: Float32Array[] = [];
  runs.forEach((r, ri) => r.checkpoints.forEach((c, ci) => {
    models.push({ run: ri, checkpoint: ci });
    probs.push(readProbeProbs(c.file, N, C));
  }));
  context.throwIfCancelled();
  probs.push(ignorancePoint(N, C), truthPoint(probe.labels, C));
  const stack = stackModels(probs, N, C);
  const m = stack.m;
  const t1 = performance.now();
  context.progress(0.05, `distances between ${m} models`);
  const { D, kernel } = bhattacharyyaMatrix(stack, {
    isCancelled: () => context.isCancelled(),
    onProgress: (f) => context.progress(0.05 + 0.8 * f, `distances between ${m} models`),
  });
  const t2 = performance.now();
  context.progress(0.85, 'InPCA');
  const embedding = inpca(D, m, { components: params.components, method: params.method, isCancelled: () => context.isCancelled() });
  const t3 = performance.now();
  context.progress(0.9, 'geodesic progress');
  const sqrt = sqrtProbabilities(stack.data);
  const progress = new Float64Array(m);
  for (let p = 0; p < m; p++) {
    if (p % 50 === 0) context.throwIfCancelled();
    progress[p] = geodesicProgress(sqrt, p * N * C, probe.labels, C);
  }
  const t4 = performance.now();
  const out = runs.map(emptyRun);
  models.forEach((md, p) => {
    const r = out[md.run];
    const c = runs[md.run].checkpoints[md.checkpoint];
    r.steps.push(c.step);
    r.coords.push(rowOf(embedding, p));
    r.progress.push(progress[p]);
    r.trainAccuracy.push(c.trainAccuracy);
    r.testAccuracy.push(c.testAccuracy);
    r.projected.push(false);
  });
  const result: PredictionManifold = {
    version: PREDICTION_MANIFOLD.version,
    m,
    probe: { samples: N, classes: C, dataset: probe.dataset, split: probe.split },
    eigenvalues: Array.from(embedding.eigenvalues),
    explainedStress: Array.from(embedding.explainedStress),
    method: embedding.method,
    kernel,
    runs: out,
    p0: { coords: rowOf(embedding, m - 2), progress: progress[m - 2] },
    pStar: { coords: rowOf(embedding, m - 1), progress: progress[m - 1] },
    projection: null,
    timings: { readMs: t1 - t0, distanceMs: t2 - t1, eigenMs: t3 - t2, progressMs: t4 - t3 },
  };
  try {
    writeBasis(basisFile(cacheDir(params), params), {
      models: models.map((md) => ({ runDir: runs[md.run].runDir, step: runs[md.run].checkpoints[md.checkpoint].step })),
      probs: stack.data, samples: N, classes: C, embedding, progress, D,
    });
  } catch {
    // A read-only folder still gets its picture; live mode then recomputes fully.
  }
  return result;
}

/**
 * Live mode: the checkpoints of the stored basis keep their coordinates; newer ones are projected. Falls back
 * to a full embedding when there is no usable basis for this run set.
 */
export function computeProjected(params: PredictionManifoldParams, context: AnalysisContext = plainContext()): PredictionManifold {
  const t0 = performance.now();
  const basis: Basis | undefined = readBasis(basisFile(cacheDir(params), params));
  if (!basis) return computeFull(params, context);
  const runs = loadAll(params, context);
  const probe = runs[0].probe;
  const N = probe.labels.length;
  const C = probe.classes;
  if (basis.samples !== N || basis.classes !== C) return computeFull(params, context);
  const index = new Map(basis.models.map((md, p) => [`${md.runDir}\n${md.step}`, p]));
  const fresh: { run: number; checkpoint: number }[] = [];
  const freshProbs: Float32Array[] = [];
  runs.forEach((r, ri) => r.checkpoints.forEach((c, ci) => {
    if (!index.has(`${r.runDir}\n${c.step}`)) {
      fresh.push({ run: ri, checkpoint: ci });
      freshProbs.push(readProbeProbs(c.file, N, C));
    }
  }));
  const e = basis.embedding;
  const t1 = performance.now();
  const q = fresh.length;
  const sqrtBasis = sqrtProbabilities(basis.probs);
  const sqrtFresh = sqrtProbabilities(stackModels(freshProbs, N, C).data);
  const dq = bhattacharyyaCross(sqrtFresh, q, sqrtBasis, e.m, N, C);
  const t2 = performance.now();
  const projected = projectOutOfSample(e, dq, q);
  const quality = projectionQuality(e, basis.inSample, projected, dq, q);
  const t3 = performance.now();
  const out = runs.map(emptyRun);
  const freshAt = new Map(fresh.map((f, a) => [`${f.run}:${f.checkpoint}`, a]));
  runs.forEach((r, ri) => r.checkpoints.forEach((c, ci) => {
    const o = out[ri];
    const p = index.get(`${r.runDir}\n${c.step}`);
    o.steps.push(c.step);
    o.trainAccuracy.push(c.trainAccuracy);
    o.testAccuracy.push(c.testAccuracy);
    if (p !== undefined) {
      o.coords.push(rowOf(e, p));
      o.progress.push(basis.progress[p]);
      o.projected.push(false);
    } else {
      const a = freshAt.get(`${ri}:${ci}`) as number;
      o.coords.push(Array.from(projected.subarray(a * e.k, a * e.k + e.k)));
      o.progress.push(geodesicProgress(sqrtFresh, a * N * C, probe.labels, C));
      o.projected.push(true);
    }
  }));
  const t4 = performance.now();
  return {
    version: PREDICTION_MANIFOLD.version,
    m: e.m,
    probe: { samples: N, classes: C, dataset: probe.dataset, split: probe.split },
    eigenvalues: Array.from(e.eigenvalues),
    explainedStress: Array.from(e.explainedStress),
    method: e.method,
    kernel: 'js',
    runs: out,
    p0: { coords: rowOf(e, e.m - 2), progress: basis.progress[e.m - 2] },
    pStar: { coords: rowOf(e, e.m - 1), progress: basis.progress[e.m - 1] },
    projection: { count: q, inSampleResidual: quality.inSample, projectedResidual: quality.projected, recomputeAdvised: quality.recomputeAdvised },
    timings: { readMs: t1 - t0, distanceMs: t2 - t1, eigenMs: t3 - t2, progressMs: t4 - t3 },
  };
}

export function computePredictionManifold(params: PredictionManifoldParams, context: AnalysisContext = plainContext()): PredictionManifold {
  return params.project ? computeProjected(params, context) : computeFull(params, context);
}

/** The CLI path: the same computation with the runner's cache (force recomputes). */
export function cachedPredictionManifold(params: PredictionManifoldParams, context: AnalysisContext = plainContext()): PredictionManifold {
  const slot = cacheSlot<PredictionManifold>(PREDICTION_MANIFOLD.name, PREDICTION_MANIFOLD.version, params, cacheSpec(params), params.force);
  if (slot.hit) return slot.hit;
  const result = computePredictionManifold(params, context);
  slot.store(result);
  return result;
}

export const predictionManifoldAnalysis = defineAnalysis<PredictionManifoldParams, PredictionManifold>({
  ...PREDICTION_MANIFOLD,
  cache: cacheSpec,
  run: computePredictionManifold,
});
