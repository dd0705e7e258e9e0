/**
 * SPEC C's finding on the `manifold-fast` study, trained for real (wasm backend, about 30 s of training on 2
 * free cores) and embedded together with P0 and P*:
 * - the top 3 InPCA axes explain most of the stress (one low-dimensional manifold);
 * - each configuration held out of the fit is explained by the others' axes about as well as the fitted runs
 *   themselves (it lies on the same manifold);
 * - the wider MLP moves along the path faster: higher progress on average over the same checkpoints;
 * - every run starts at P0 (progress ~0) and ends well on the way to P*.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trainRun } from '../../analysis/training/train';
import { getStudy, studyRunConfig } from '../../analysis/training/presets';
import { computePredictionManifold } from '../../analysis/analyses/predictionManifold/analysis';
import { bhattacharyyaMatrix } from '../../analysis/analyses/predictionManifold/bhattacharyya';
import { inpca } from '../../analysis/analyses/predictionManifold/inpca';
import { inSampleResidual, projectOutOfSample, relativeResidual } from '../../analysis/analyses/predictionManifold/outOfSample';
import { ignorancePoint, stackModels, truthPoint } from '../../analysis/analyses/predictionManifold/probabilities';
import { loadRun, readProbeProbs } from '../../analysis/analyses/predictionManifold/runSet';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-manifold-presets-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('manifold-fast: one low-dimensional manifold, held-out configurations on it, the wider net faster', async () => {
  const study = getStudy('manifold-fast');
  const runDirs: string[] = [];
  const configOf = new Map<string, string>();
  for (const member of study.runs) {
    const r = await trainRun({ config: studyRunConfig(member), runsRoot: root, name: member.name, backend: 'wasm', isCancelled: () => false, onProgress: () => undefined, log: () => undefined });
    assert.equal(r.status, 'completed', r.error?.message);
    runDirs.push(r.runDir);
    configOf.set(r.runDir, member.presetId);
  }
  const m = computePredictionManifold({ runDirs });
  assert.ok(m.explainedStress[2] > 0.9, `ES(3) = ${m.explainedStress[2]}`);
  assert.equal(m.p0.progress, 0);
  assert.equal(m.pStar.progress, 1);
  for (const run of m.runs) {
    assert.ok(run.progress[0] < 0.05, `${run.name} starts at P0 (progress ${run.progress[0]})`);
    assert.ok(run.progress[run.progress.length - 1] > 0.4, `${run.name} ends on the way to P* (progress ${run.progress[run.progress.length - 1]})`);
  }
  const meanProgress = (preset: string) => mean(m.runs.filter((r) => configOf.get(r.runDir) === preset).flatMap((r) => r.progress));
  assert.ok(meanProgress('manifold-fast-mlp-wide') > meanProgress('manifold-fast-mlp-narrow'),
    `wide ${meanProgress('manifold-fast-mlp-wide')} vs narrow ${meanProgress('manifold-fast-mlp-narrow')}`);

  // Hold each configuration out, fit the others (+ P0, P*) on 3 axes, project the held-out checkpoints.
  const runs = runDirs.map((d) => loadRun(d));
  const N = runs[0].probe.labels.length;
  const C = runs[0].probe.classes;
  const owner: string[] = [];
  const probs: Float32Array[] = [];
  for (const r of runs) for (const c of r.checkpoints) { owner.push(configOf.get(r.runDir) as string); probs.push(readProbeProbs(c.file, N, C)); }
  probs.push(ignorancePoint(N, C), truthPoint(runs[0].probe.labels, C));
  owner.push('P0', 'P*');
  const { D } = bhattacharyyaMatrix(stackModels(probs, N, C));
  const all = owner.length;
  for (const preset of new Set(configOf.values())) {
    const held = owner.map((o, p) => (o === preset ? p : -1)).filter((p) => p >= 0);
    const kept = owner.map((o, p) => (o !== preset ? p : -1)).filter((p) => p >= 0);
    const sub = (rows: number[], cols: number[]) => Float64Array.from(rows.flatMap((r) => cols.map((c) => D[r * all + c])));
    const Dk = sub(kept, kept);
    const e = inpca(Dk, kept.length, { components: 3 });
    const dq = sub(held, kept);
    const x = projectOutOfSample(e, dq, held.length);
    const residuals = held.map((_, a) => relativeResidual(e, x, a * 3, dq, a * kept.length)).sort((a, b) => a - b);
    const heldMedian = residuals[Math.floor(residuals.length / 2)];
    const fitted = inSampleResidual(e, Dk);
    assert.ok(heldMedian < 2 * fitted + 0.05, `${preset} held out: residual ${heldMedian} vs ${fitted} in-sample`);
  }
});
