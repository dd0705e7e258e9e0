/**
 * `npm run bench -- manifoldStudy STUDY_DIR | RUN_DIR...`: the numbers behind the README's reproduction of
 * Mao et al. (SPEC C) on a trained manifold study. Not a benchmark of speed: it measures the finding.
 *
 * - ES(1..3) of the joint embedding (all checkpoints + P0 + P*), next to the authors' ~0.82 / 0.89 / 0.90.
 * - One manifold? Each configuration (preset, all its seeds) is held out in turn: InPCA of the other runs
 *   (top 3 axes), the held-out checkpoints placed by out-of-sample projection, and the relative residual of
 *   their distances (||d - d^|| / ||d||) compared with the in-sample residual of the fitted runs. Residuals
 *   of the same size mean the held-out runs lie on the manifold the others span.
 * - Architectures distinguishable? Trajectory distance as the authors' dp2t with s = 0: mean over one run's
 *   checkpoints of the Bhattacharyya distance to the nearest checkpoint of the other run, symmetrised. For each
 *   run, is the nearest other run the other seed of its own configuration? And mean distance within a
 *   configuration (seeds) vs between configurations.
 * - Faster along the same path? The step at which each configuration first reaches progress 0.5 / 0.8 / 0.9
 *   (mean over seeds), and the trajectory distance between configurations.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bhattacharyyaMatrix } from '../analysis/analyses/predictionManifold/bhattacharyya';
import { geodesicProgress } from '../analysis/analyses/predictionManifold/geodesicProgress';
import { inpca } from '../analysis/analyses/predictionManifold/inpca';
import { inSampleResidual, projectOutOfSample, relativeResidual } from '../analysis/analyses/predictionManifold/outOfSample';
import { ignorancePoint, sqrtProbabilities, stackModels, truthPoint } from '../analysis/analyses/predictionManifold/probabilities';
import { checkSharedProbe, loadRun, readProbeProbs } from '../analysis/analyses/predictionManifold/runSet';
import { resolveRunDirs } from '../analysis/cli/commands/manifold';

const round = (x: number, d = 3): number => Number(x.toFixed(d));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export async function run(args: string[]): Promise<object> {
  const dirs = args.filter((a) => !a.startsWith('--'));
  if (dirs.length === 0) throw new Error('usage: npm run bench -- manifoldStudy STUDY_DIR | RUN_DIR...');
  const { runDirs } = resolveRunDirs(dirs.length === 1 && !fs.existsSync(path.join(dirs[0], 'run.json')) && !fs.existsSync(path.join(dirs[0], 'study.json'))
    ? fs.readdirSync(dirs[0]).map((d) => path.join(dirs[0], d)).filter((d) => fs.existsSync(path.join(d, 'run.json')))
    : dirs);
  const runs = runDirs.map((d) => loadRun(d)).filter((r) => r.run.status === 'completed');
  checkSharedProbe(runs);
  const probe = runs[0].probe;
  const N = probe.labels.length;
  const C = probe.classes;
  const config = (name: string) => name.replace(/-seed\d+$/, '');
  const models: { run: number; step: number }[] = [];
  const probs: Float32Array[] = [];
  runs.forEach((r, ri) => r.checkpoints.forEach((c) => { models.push({ run: ri, step: c.step }); probs.push(readProbeProbs(c.file, N, C)); }));
  probs.push(ignorancePoint(N, C), truthPoint(probe.labels, C));
  const stack = stackModels(probs, N, C);
  const m = stack.m;
  const t0 = performance.now();
  const { D } = bhattacharyyaMatrix(stack);
  const distanceSeconds = (performance.now() - t0) / 1000;
  const joint = inpca(D, m, { components: 10 });

  // One manifold: hold out each configuration, fit on the rest (+ P0, P*), project the held-out checkpoints.
  const configs = [...new Set(runs.map((r) => config(r.run.name)))];
  const holdOut = configs.map((cfg) => {
    const held = models.map((md, p) => (config(runs[md.run].run.name) === cfg ? p : -1)).filter((p) => p >= 0);
    const heldSet = new Set(held);
    const kept = Array.from({ length: m }, (_, p) => p).filter((p) => !heldSet.has(p));
    const sub = (rows: number[], cols: number[]) => {
      const out = new Float64Array(rows.length * cols.length);
      rows.forEach((r, i) => cols.forEach((c, j) => { out[i * cols.length + j] = D[r * m + c]; }));
      return out;
    };
    const Dk = sub(kept, kept);
    const e = inpca(Dk, kept.length, { components: 3 });
    const dq = sub(held, kept);
    const x = projectOutOfSample(e, dq, held.length);
    const residuals = held.map((_, a) => relativeResidual(e, x, a * e.k, dq, a * kept.length)).sort((a, b) => a - b);
    return { heldOut: cfg, checkpoints: held.length, fitES3: round(e.explainedStress[2]), inSampleResidual: round(inSampleResidual(e, Dk)), heldOutResidualMedian: round(residuals[Math.floor(residuals.length / 2)]) };
  });

  // Trajectory distances (dp2t, s = 0), symmetrised.
  const byRun = runs.map((_, ri) => models.map((md, p) => (md.run === ri ? p : -1)).filter((p) => p >= 0));
  const dp2t = (a: number[], b: number[]) => mean(a.map((p) => Math.min(...b.map((q) => D[p * m + q]))));
  const R = runs.length;
  const T = Array.from({ length: R }, (_, i) => Array.from({ length: R }, (_, j) => (i === j ? 0 : (dp2t(byRun[i], byRun[j]) + dp2t(byRun[j], byRun[i])) / 2)));
  const within: number[] = [];
  const between: number[] = [];
  let nearestSameConfig = 0;
  for (let i = 0; i < R; i++) {
    let best = -1;
    for (let j = 0; j < R; j++) {
      if (j === i) continue;
      if (best < 0 || T[i][j] < T[i][best]) best = j;
      if (j > i) (config(runs[i].run.name) === config(runs[j].run.name) ? within : between).push(T[i][j]);
    }
    if (config(runs[best].run.name) === config(runs[i].run.name)) nearestSameConfig++;
  }
  const configDistance: Record<string, Record<string, number>> = {};
  for (const a of configs) {
    configDistance[a] = {};
    for (const b of configs) {
      const ds: number[] = [];
      for (let i = 0; i < R; i++) for (let j = 0; j < R; j++) if (i !== j && config(runs[i].run.name) === a && config(runs[j].run.name) === b) ds.push(T[i][j]);
      configDistance[a][b] = round(mean(ds));
    }
  }

  // Progress: first step reaching each level, per configuration (mean over seeds).
  const sqrt = sqrtProbabilities(stack.data);
  const progress = models.map((_, p) => geodesicProgress(sqrt, p * N * C, probe.labels, C));
  const levels = [0.5, 0.8, 0.9];
  const speed = configs.map((cfg) => {
    const members = runs.map((r, ri) => (config(r.run.name) === cfg ? ri : -1)).filter((ri) => ri >= 0);
    const reach = levels.map((lv) => {
      const steps = members.map((ri) => byRun[ri].find((p) => progress[p] >= lv)).map((p) => (p === undefined ? null : models[p].step));
      return steps.every((s) => s !== null) ? mean(steps as number[]) : null;
    });
    const final = mean(members.map((ri) => progress[byRun[ri][byRun[ri].length - 1]]));
    const acc = mean(members.map((ri) => runs[ri].checkpoints[runs[ri].checkpoints.length - 1].testAccuracy ?? NaN));
    return { config: cfg, seeds: members.length, stepsToProgress: Object.fromEntries(levels.map((lv, i) => [String(lv), reach[i]])), finalProgress: round(final), finalTestAccuracy: round(acc) };
  });

  return {
    runs: R,
    models: m,
    probe: { samples: N, classes: C },
    distanceSeconds: round(distanceSeconds, 2),
    explainedStress: Array.from(joint.explainedStress.slice(0, 5), (x) => round(x)),
    authorsExplainedStress: [0.82, 0.89, 0.9],
    timeLikeAxesInTop10: Array.from(joint.eigenvalues).filter((l) => l < 0).length,
    holdOut,
    trajectories: {
      nearestOtherRunIsSameConfiguration: `${nearestSameConfig}/${R}`,
      meanDistanceWithinConfiguration: round(mean(within)),
      meanDistanceBetweenConfigurations: round(mean(between)),
      configDistance,
    },
    speed,
  };
}
