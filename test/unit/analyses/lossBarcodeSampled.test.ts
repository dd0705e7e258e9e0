/**
 * The sampled method of the loss barcode (SPEC B step 5 on a study's minima): the graph minimax equals a
 * brute-force Floyd-Warshall minimax on random graphs, analytic surfaces give their known saddles, and on
 * a tiny network with two permutation-symmetric minima the sampled barrier agrees with a long run of the
 * paths method; the result has the paths method's shape, is cached and seeded; large nets are refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adjacency, lowerStarLevels, minimaxPath, sourceMinimax } from '../../../analysis/analyses/lossBarcode/graphMinimax';
import { sampledBarriers, SAMPLED_MAX_PARAMETERS, type SampledOptions } from '../../../analysis/analyses/lossBarcode/sampledBarriers';
import { sampleCounts, weightSamples } from '../../../analysis/analyses/lossBarcode/weightSamples';
import { minimaBarcode } from '../../../analysis/analyses/lossBarcode/barcode';
import { computeLossBarcode } from '../../../analysis/analyses/lossBarcode/analysis';
import { cacheKey } from '../../../analysis/analyses/cache';
import { mulberry32 } from '../../../analysis/linalg/random';
import { trainRun } from '../../../analysis/training/train';
import { parseTrainConfig, type TrainConfigInput } from '../../../analysis/spec/trainConfig';
import { listCheckpoints } from '../../../analysis/store/runStore';
import { decodeSafetensors, encodeSafetensors } from '../../../analysis/store/safetensors';
import { lossBarcodeJson, lossBarcodeParams } from '../../../analysis/cli/commands/lossBarcode';
import { curvedDoubleWell, descend, mullerBrown, surfaceObjective } from './surfaces';

/** Minimax between all vertex pairs by brute force: max-min Floyd-Warshall over the edge levels. */
function floydMinimax(n: number, edges: Uint32Array, level: Float64Array, values: Float64Array): number[][] {
  const m = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? values[i] : Infinity)));
  for (let e = 0; 2 * e < edges.length; e++) {
    const [u, v] = [edges[2 * e], edges[2 * e + 1]];
    m[u][v] = m[v][u] = Math.min(m[u][v], level[e]);
  }
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i][j] = Math.min(m[i][j], Math.max(m[i][k], m[k][j]));
  return m;
}

test('graph minimax = brute-force Floyd-Warshall on random graphs (lower-star and subdivided levels, ties, disconnected parts)', () => {
  const rand = mulberry32(21);
  for (let trial = 0; trial < 200; trial++) {
    const n = 3 + Math.floor(rand() * 25);
    const values = Float64Array.from({ length: n }, () => Math.floor(rand() * 6)); // few values: many ties
    const list: number[] = [];
    for (let u = 0; u < n; u++) for (let v = u + 1; v < n; v++) if (rand() < 0.15) list.push(u, v);
    const edges = Uint32Array.from(list);
    const lower = lowerStarLevels(values, edges);
    // Subdivided edges: an interior point may rise above both ends (never below, by construction).
    const level = trial % 2 === 0 ? lower : lower.map((l) => l + (rand() < 0.3 ? Math.floor(rand() * 3) : 0));
    const K = Math.min(n, 2 + Math.floor(rand() * 5));
    const sources = Array.from({ length: K }, () => Math.floor(rand() * n));
    const got = sourceMinimax(n, edges, level, sources, Float64Array.from(sources, (s) => values[s]));
    const brute = floydMinimax(n, edges, level, values);
    const adj = adjacency(n, edges);
    for (let s = 0; s < K; s++) {
      for (let t = 0; t < K; t++) {
        const want = sources[s] === sources[t] ? values[sources[s]] : brute[sources[s]][sources[t]];
        assert.equal(got[s][t], want === Infinity ? null : want, `trial ${trial}: sources ${s}, ${t}`);
        if (want === Infinity || s === t || sources[s] === sources[t]) continue;
        assert.ok(want >= Math.max(values[sources[s]], values[sources[t]]), 'never below an endpoint');
        // A path that realises it: consecutive vertices joined by its edges, no edge above the minimax.
        const route = minimaxPath(adj, level, Float64Array.from({ length: n }, (_, i) => i), 1, sources[s], sources[t], want);
        assert.ok(route, 'a realising path exists');
        assert.equal(route.vertices[0], sources[s]);
        assert.equal(route.vertices.at(-1), sources[t]);
        route.edges.forEach((e, q) => {
          const ends = [edges[2 * e], edges[2 * e + 1]].sort((a, b) => a - b);
          assert.deepEqual(ends, [route.vertices[q], route.vertices[q + 1]].sort((a, b) => a - b));
          assert.ok(level[e] <= want);
        });
        assert.equal(Math.max(...route.edges.map((e) => level[e])), want, 'the path reaches the minimax level');
      }
    }
  }
});

const opts = (over: Partial<SampledOptions> = {}): SampledOptions => ({ samples: 5000, knn: 6, seed: 0, straightSteps: 96, edgePoints: 3, relax: 50, relaxLr: 1e-4, ...over });

test('Müller-Brown, sampled: both known saddles (-40.665, -72.249) from below within 0.005, above within 0.3; straight lines far higher', () => {
  const minima = [descend(mullerBrown, -0.55, 1.4), descend(mullerBrown, 0.6, 0.03), descend(mullerBrown, -0.05, 0.47)];
  const f = minima.map((m) => mullerBrown.f(m[0], m[1]));
  for (const seed of [0, 1, 2]) {
    const r = sampledBarriers(minima, f, surfaceObjective(mullerBrown), opts({ seed }));
    // A-C and A-B pass the higher saddle, C-B the lower one.
    for (const [i, j, saddle] of [[0, 2, -40.665], [0, 1, -40.665], [1, 2, -72.249]]) {
      const b = r.barriers[i][j];
      assert.ok(b >= saddle - 0.005 && b <= saddle + 0.3, `seed ${seed}, ${i}-${j}: ${b} vs saddle ${saddle}`);
      assert.equal(r.barriers[j][i], b);
    }
    assert.ok(r.straightBarriers[0][2] > r.barriers[0][2] + 30);
    const code = minimaBarcode(f, (i, j) => r.barriers[i][j]);
    assert.deepEqual(code.mergedInto, [-1, 0, 1], 'C dies into B at the lower saddle, B into A');
    for (const p of r.pairs) {
      assert.equal(p.t[0], 0);
      assert.equal(p.t.at(-1), 1);
      assert.equal(Math.max(...p.loss), p.barrier, 'the profile of the graph path peaks at the barrier');
    }
  }
});

test('curved double well, sampled: barrier 1 (saddle at the origin) where the straight line peaks at 6; raw samples too in 2-D', () => {
  const a = Float64Array.of(-1, 1);
  const b = Float64Array.of(1, 1);
  for (const relax of [0, 50]) {
    const r = sampledBarriers([a, b], [0, 0], surfaceObjective(curvedDoubleWell), opts({ relax, relaxLr: 0.01 }));
    assert.ok(r.barriers[0][1] >= 1 - 1e-3 && r.barriers[0][1] <= 1.01, `relax ${relax}: ${r.barriers[0][1]}`);
    assert.ok(Math.abs(r.straightBarriers[0][1] - 6) < 0.01);
  }
});

test('samples: the minima first, shares as documented, seeded and deterministic', () => {
  const minima = [Float64Array.of(0, 0, 0), Float64Array.of(1, 2, 3), Float64Array.of(-1, 0, 2)];
  const c = sampleCounts(3, 1003);
  assert.deepEqual(c, { minima: 3, line: 200, tube: 500, ball: 150, box: 150 });
  const one = weightSamples(minima, 1003, 7);
  assert.deepEqual(Array.from(one.points.subarray(0, 9)), [0, 0, 0, 1, 2, 3, -1, 0, 2]);
  assert.deepEqual(one.points, weightSamples(minima, 1003, 7).points);
  assert.notDeepEqual(one.points, weightSamples(minima, 1003, 8).points);
  assert.equal(one.tubes.reduce((s, t) => s + t.to - t.from, 0), 500);
  // Line samples lie on their segment (the first pair's first one at t = 1/(67 + 1)).
  const x = one.points.subarray(3 * 3, 4 * 3);
  assert.ok(Math.abs(x[1] - 2 * x[0]) < 1e-12 && Math.abs(x[2] - 3 * x[0]) < 1e-12 && x[0] > 0 && x[0] < 0.05);
});

// A tiny network: 2-2-2 on two moons, and the same minimum with its two hidden units swapped.
let root = '';
let minimumDir = '';
let swappedDir = '';
let bigA = '';
let bigB = '';

const toyConfig = (hidden: number[], seed: number, epochs: number): TrainConfigInput => ({
  dataset: { kind: 'toy', shape: 'moons', trainSamples: 1000, testSamples: 1000, noise: 0.1, classes: 2, seed: 0 },
  model: { kind: 'mlp', hidden, activation: 'relu', bias: true },
  init: { kind: 'he-normal' }, optimizer: { kind: 'adam', lr: 0.01 }, batchSize: 50, epochs,
  seeds: { init: seed, shuffle: seed, probe: 1 },
  checkpoints: { kind: 'log', count: 3 }, probe: { size: 50, split: 'test' }, evaluation: { trainSize: 'all', testSize: 'all' },
});

async function train(name: string, input: TrainConfigInput): Promise<string> {
  const r = await trainRun({ config: parseTrainConfig(input, name), runsRoot: root, name, backend: 'wasm', isCancelled: () => false, onProgress: () => undefined, log: () => undefined });
  assert.equal(r.status, 'completed', `${name}: ${r.error?.message}`);
  return r.runDir;
}

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-sampled-'));
  minimumDir = await train('moons-2-s1', toyConfig([2], 1, 60));
  swappedDir = path.join(root, 'moons-2-s1-swapped');
  fs.cpSync(minimumDir, swappedDir, { recursive: true });
  const last = listCheckpoints(swappedDir).at(-1)!.file;
  const { tensors, metadata } = decodeSafetensors(fs.readFileSync(last), last);
  const swap = (name: string, columns: boolean) => {
    const t = tensors[name];
    const [rows, cols] = t.shape.length === 2 ? t.shape : [1, t.shape[0]];
    const out = new Float32Array(t.data.length);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = columns ? t.data[i * cols + (1 - j)] : t.data[(1 - i) * cols + j];
    t.data = out;
  };
  swap('dense1/kernel', true);
  swap('dense1/bias', true);
  swap('dense2/kernel', false);
  fs.writeFileSync(last, encodeSafetensors(tensors, metadata));
  bigA = await train('moons-32x32-s1', toyConfig([32, 32], 1, 1));
  bigB = await train('moons-32x32-s2', toyConfig([32, 32], 2, 1));
});

after(() => fs.rmSync(root, { recursive: true, force: true }));

test('2-hidden-unit net, permutation-symmetric minima: sampled barrier >= both endpoints, <= straight, within 0.01 of a long paths run', async () => {
  const dirs = [minimumDir, swappedDir];
  const sampled = await computeLossBarcode({ runDirs: dirs, method: 'sampled', force: true });
  const [m0, m1] = sampled.minima.map((m) => m.loss);
  assert.ok(Math.abs(m0 - m1) < 1e-6, `swapped hidden units, same loss: ${m0} vs ${m1}`);
  const b = sampled.barriers[0][1] as number;
  assert.ok(b >= Math.max(m0, m1), 'never below an endpoint');
  assert.ok(b > Math.max(m0, m1) + 0.01, `a real barrier between the two symmetric minima: ${b} vs ${m0}`);
  assert.ok(b <= (sampled.straightBarriers[0][1] as number) + 1e-9, 'never above the straight line (its points are samples)');
  // The default paths (200 iterations) stop above it on this pair; a long run with a larger step gets there.
  const quick = await computeLossBarcode({ runDirs: dirs, threads: 1, force: true });
  const long = await computeLossBarcode({ runDirs: dirs, threads: 1, force: true, iterations: 2000, lr: 0.2, maxPoints: 41, insertEvery: 100 });
  const pathsBarrier = long.barriers[0][1] as number;
  assert.ok(Math.abs(b - pathsBarrier) <= 0.01, `sampled ${b} vs long paths run ${pathsBarrier} (default paths: ${quick.barriers[0][1]})`);
  assert.ok(b <= (quick.barriers[0][1] as number) + 0.01);
  // Same shape as the paths method: one pair with its profile, the settings say which method.
  assert.equal(sampled.settings.method, 'sampled');
  assert.deepEqual([sampled.settings.samples, sampled.settings.knn, sampled.settings.relax], [5000, 6, 200]);
  assert.equal(quick.settings.method, 'paths');
  assert.equal(quick.settings.samples, undefined);
  assert.deepEqual(Object.keys(lossBarcodeJson(sampled)), ['minima', 'barriers', 'straightBarriers', 'bars', 'mergedInto', 'toScore']);
  assert.equal(sampled.pairsDone, 1);
  assert.equal(sampled.pairs[0].t.length, sampled.pairs[0].loss.length);
  assert.deepEqual(sampled.bars[1], [m1, b]);
});

test('sampled: cached as one entry (a second call reads it), cachedOnly, paths pair keys unchanged by the method setting', async () => {
  const dirs = [minimumDir, swappedDir];
  const first = await computeLossBarcode({ runDirs: dirs, method: 'sampled', samples: 1000, seed: 3 });
  const entries = () => fs.readdirSync(path.join(minimumDir, 'analysis', 'lossBarcodeSampled'));
  const n = entries().length;
  const again = await computeLossBarcode({ runDirs: dirs, method: 'sampled', samples: 1000, seed: 3, cachedOnly: true });
  assert.deepEqual(again.barriers, first.barriers);
  assert.equal(entries().length, n, 'no new entry');
  const missing = await computeLossBarcode({ runDirs: dirs, method: 'sampled', samples: 1100, cachedOnly: true });
  assert.equal(missing.pairsDone, 0, 'cachedOnly computes nothing');
  // A paths pair is cached under the key it had before `method` existed: the path settings alone.
  const paths = await computeLossBarcode({ runDirs: dirs, threads: 1 });
  const { method: _m, ...pathSettings } = paths.settings;
  const runStep = (d: string) => [path.basename(d), listCheckpoints(d).at(-1)!.step];
  const key = cacheKey('lossBarcodePair', 1, { settings: pathSettings, a: runStep(minimumDir), b: runStep(swappedDir) },
    { dir: minimumDir, inputs: [listCheckpoints(minimumDir).at(-1)!.file, listCheckpoints(swappedDir).at(-1)!.file] });
  assert.ok(fs.existsSync(path.join(minimumDir, 'analysis', 'lossBarcodePair', `${key}.json`)), 'pair cached under the pre-method key');
});

test('sampled: refused for large nets (parameter count named, paths suggested) and for bad settings, before anything is written', async () => {
  await assert.rejects(computeLossBarcode({ runDirs: [bigA, bigB], method: 'sampled' }),
    new RegExp(`at most ${SAMPLED_MAX_PARAMETERS} parameters\\); mlp 2-32-32-2 relu has 1,218,.*--method paths`));
  assert.ok(!fs.existsSync(path.join(bigA, 'analysis')), 'nothing written');
  const dirs = [minimumDir, swappedDir];
  await assert.rejects(computeLossBarcode({ runDirs: dirs, method: 'sampled', samples: 50 }), /samples must be an integer >= 100, got 50/);
  await assert.rejects(computeLossBarcode({ runDirs: dirs, method: 'sampled', knn: 0 }), /knn must be a positive integer, got 0/);
  await assert.rejects(computeLossBarcode({ runDirs: dirs, method: 'sampled', relax: -1 }), /relax must be an integer >= 0/);
  await assert.rejects(computeLossBarcode({ runDirs: dirs, samples: 1000 }), /samples, knn and relax are settings of method "sampled"/);
  await assert.rejects(computeLossBarcode({ runDirs: dirs, method: 'fast' as 'paths' }), /method must be "paths" or "sampled", got "fast"/);
  // The CLI passes the options through.
  const params = lossBarcodeParams(dirs, { pairs: 'all', method: 'sampled', samples: 2000, knn: 8, relax: 10 });
  assert.deepEqual([params.method, params.samples, params.knn, params.relax], ['sampled', 2000, 8, 10]);
});
