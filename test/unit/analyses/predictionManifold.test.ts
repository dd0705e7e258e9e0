import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { bhattacharyyaMatrix, bhattacharyyaPair, bhattacharyyaCross, sampleDistance } from '../../../analysis/analyses/predictionManifold/bhattacharyya';
import { wasmBhattacharyyaMatrix } from '../../../analysis/analyses/predictionManifold/bhattacharyyaWasm';
import { fullSymmetricEigen } from '../../../analysis/analyses/predictionManifold/fullEigen';
import { lanczosTopK } from '../../../analysis/analyses/predictionManifold/lanczos';
import { doubleCentre, explainedStress, inpca, minkowski2 } from '../../../analysis/analyses/predictionManifold/inpca';
import { projectOutOfSample, projectionQuality, inSampleResidual } from '../../../analysis/analyses/predictionManifold/outOfSample';
import { geodesicProgress } from '../../../analysis/analyses/predictionManifold/geodesicProgress';
import { ignorancePoint, probabilityProblem, sqrtProbabilities, stackModels, truthPoint, type ProbabilityStack } from '../../../analysis/analyses/predictionManifold/probabilities';
import { parseNpy } from '../../../analysis/analyses/predictionManifold/npy';
import { computePredictionManifold } from '../../../analysis/analyses/predictionManifold/analysis';
import { writeRunJson } from '../../../analysis/store/runStore';
import { encodeSafetensors } from '../../../analysis/store/safetensors';
import { checkpointFileName, PROBE_FILE } from '../../../analysis/store/runLayout';
import { RUN_SCHEMA_VERSION, type RunJson } from '../../../analysis/spec/runFormat';
import { getPreset } from '../../../analysis/training/presets';
import { mulberry32 } from '../../../analysis/linalg/random';

/** Random probability models: m models, N samples, C classes, some exact zeros. */
function randomStack(m: number, N: number, C: number, seed: number, zeros = 0.1): ProbabilityStack {
  const r = mulberry32(seed);
  const data = new Float32Array(m * N * C);
  for (let i = 0; i < m * N; i++) {
    let s = 0;
    for (let c = 0; c < C; c++) {
      const x = r() < zeros ? 0 : Math.exp(4 * r() - 2);
      data[i * C + c] = x;
      s += x;
    }
    if (s === 0) { data[i * C] = 1; s = 1; }
    for (let c = 0; c < C; c++) data[i * C + c] /= s;
  }
  return { data, m, samples: N, classes: C };
}

function randomSymmetric(m: number, seed: number): Float64Array {
  const r = mulberry32(seed);
  const A = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = i; j < m; j++) { const x = 2 * r() - 1; A[i * m + j] = x; A[j * m + i] = x; }
  return A;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** Models on the P0 -> P* geodesic at parameters ts (sqrt gamma(t) as in SPEC C), per-sample labels. */
function geodesicModels(ts: number[], labels: number[], C: number): Float32Array[] {
  const theta = Math.acos(1 / Math.sqrt(C));
  return ts.map((t) => {
    const p = new Float32Array(labels.length * C);
    for (let n = 0; n < labels.length; n++) {
      for (let c = 0; c < C; c++) {
        const s = (Math.sin((1 - t) * theta) * Math.sqrt(1 / C) + Math.sin(t * theta) * (c === labels[n] ? 1 : 0)) / Math.sin(theta);
        p[n * C + c] = s * s;
      }
    }
    return p;
  });
}

// ---- Bhattacharyya -----------------------------------------------------------------------------------

test('Bhattacharyya: identical models are at distance 0, and a hand-computed pair matches', () => {
  // Two samples, two classes. u = [(0.5, 0.5), (0.9, 0.1)], v = [(0.2, 0.8), (0.9, 0.1)].
  const u = [0.5, 0.5, 0.9, 0.1];
  const v = [0.2, 0.8, 0.9, 0.1];
  const stack = stackModels([Float32Array.from(u), Float32Array.from(v), Float32Array.from(u)], 2, 2);
  const bc0 = Math.sqrt(0.5 * 0.2) + Math.sqrt(0.5 * 0.8); // 0.9486833
  const expected = -(Math.log(bc0) + 0) / 2; // the second sample is identical: -log 1 = 0
  for (const wasm of [true, false]) {
    const { D } = bhattacharyyaMatrix(stack, { wasm });
    assert.ok(Math.abs(D[0 * 3 + 1] - expected) < 1e-7, `d(u, v) = ${D[1]}, expected ${expected} (wasm ${wasm})`);
    assert.ok(Math.abs(D[0 * 3 + 2]) < 1e-7, `identical models: ${D[2]}`);
    assert.equal(D[0], 0);
    assert.equal(D[1 * 3 + 0], D[0 * 3 + 1]);
  }
  assert.ok(Math.abs(expected - 0.0263402) < 1e-6); // by hand: -ln(0.9486833)/2
});

test('Bhattacharyya: per-sample clamps (disjoint supports give 100, a coefficient above 1 gives 0)', () => {
  assert.equal(sampleDistance(0), 100);
  assert.equal(sampleDistance(1e-50), 100);
  assert.equal(sampleDistance(1 + 1e-7), 0);
  assert.ok(Math.abs(sampleDistance(Math.exp(-3)) - 3) < 1e-12);
  // One sample disjoint (100), one identical (0): mean 50, by both kernels.
  const a = Float32Array.from([1, 0, 0.3, 0.7]);
  const b = Float32Array.from([0, 1, 0.3, 0.7]);
  const stack = stackModels([a, b], 2, 2);
  for (const wasm of [true, false]) {
    const { D } = bhattacharyyaMatrix(stack, { wasm });
    assert.ok(Math.abs(D[1] - 50) < 1e-6, `wasm ${wasm}: ${D[1]}`);
  }
});

test('Bhattacharyya: the WebAssembly SIMD kernel agrees with the JS reference (odd sizes, zeros, 2..13 classes)', () => {
  for (const [m, N, C, seed] of [[3, 5, 3, 1], [37, 130, 10, 2], [20, 7, 2, 3], [17, 64, 13, 4], [33, 65, 1 + 4, 5]]) {
    const stack = randomStack(m, N, C, seed);
    const w = wasmBhattacharyyaMatrix(stack);
    assert.ok(w, 'WebAssembly SIMD is available in Node 20');
    const sqrt = sqrtProbabilities(stack.data);
    const js = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) js[i * m + j] = bhattacharyyaPair(sqrt, i, sqrt, j, N, C);
    // float32 sums of C terms: ~1e-7 relative per sample
    assert.ok(maxAbsDiff(w, js) < 1e-6, `m=${m} N=${N} C=${C}: ${maxAbsDiff(w, js)}`);
    for (let i = 0; i < m; i++) assert.equal(w[i * m + i], 0);
  }
});

test('Bhattacharyya: helper threads on the shared memory give the same matrix bit for bit', () => {
  const stack = randomStack(70, 33, 10, 8);
  const one = wasmBhattacharyyaMatrix(stack, { threads: 1 });
  const three = wasmBhattacharyyaMatrix(stack, { threads: 3 });
  assert.ok(one && three);
  assert.deepEqual(Array.from(three), Array.from(one));
});

test('Bhattacharyya: cross distances of a model to the set equal the matrix row', () => {
  const stack = randomStack(9, 40, 4, 6);
  const sqrt = sqrtProbabilities(stack.data);
  const { D } = bhattacharyyaMatrix(stack, { wasm: false });
  const row = bhattacharyyaCross(sqrt.subarray(3 * 160, 4 * 160), 1, sqrt, 9, 40, 4);
  for (let j = 0; j < 9; j++) {
    // the diagonal is 0 by definition; computed, it is the float32 rounding of sum p (~1e-7)
    assert.ok(Math.abs(row[j] - D[27 + j]) < (j === 3 ? 1e-6 : 1e-12), `column ${j}: ${row[j]} vs ${D[27 + j]}`);
  }
});

test('probabilities: bad rows are named (NaN, negative, not summing to 1); labels out of range are refused', () => {
  assert.match(probabilityProblem(Float32Array.from([0.5, NaN]), 0, 1, 2) ?? '', /sample 0, class 1 .*NaN/);
  assert.match(probabilityProblem(Float32Array.from([0.5, 0.5, 2, 3]), 0, 2, 2) ?? '', /sample 1's probabilities sum to 5/);
  assert.equal(probabilityProblem(Float32Array.from([0.25, 0.75]), 0, 1, 2), undefined);
  assert.throws(() => truthPoint([0, 3], 3), /probe label 1 is 3, not a class index in 0..2/);
  assert.throws(() => stackModels([new Float32Array(4), new Float32Array(3)], 2, 2), /model 1 has 3 probabilities, expected 2 samples x 2 classes = 4/);
});

// ---- eigen-decompositions ------------------------------------------------------------------------------

test('full eigen-decomposition: A v = lambda v, orthonormal vectors, sorted by |lambda|', () => {
  for (const m of [1, 2, 7, 60]) {
    const A = randomSymmetric(m, m);
    const { values, vectors } = fullSymmetricEigen(A, m);
    for (let i = 0; i < m; i++) {
      if (i > 0) assert.ok(Math.abs(values[i - 1]) >= Math.abs(values[i]));
      for (let r = 0; r < m; r++) {
        let av = 0;
        for (let t = 0; t < m; t++) av += A[r * m + t] * vectors[i * m + t];
        assert.ok(Math.abs(av - values[i] * vectors[i * m + r]) < 1e-10);
      }
      for (let j = 0; j <= i; j++) {
        let dot = 0;
        for (let t = 0; t < m; t++) dot += vectors[i * m + t] * vectors[j * m + t];
        assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-10);
      }
    }
  }
  // Known spectrum: [[2, 1], [1, 2]] has 3 and 1; diag(-5, 1, 3) sorts as -5, 3, 1.
  assert.deepEqual(Array.from(fullSymmetricEigen(Float64Array.from([2, 1, 1, 2]), 2).values).map((x) => Number(x.toFixed(12))), [3, 1]);
  assert.deepEqual(Array.from(fullSymmetricEigen(Float64Array.from([-5, 0, 0, 0, 1, 0, 0, 0, 3]), 3).values), [-5, 3, 1]);
});

test('Lanczos top-k by |lambda| agrees with the full decomposition (indefinite matrices, and a real InPCA W)', () => {
  const cases: [Float64Array, number][] = [[randomSymmetric(150, 11), 150]];
  const stack = randomStack(350, 50, 5, 12);
  const W = doubleCentre(bhattacharyyaMatrix(stack).D, 350).W;
  cases.push([W, 350]);
  for (const [A, m] of cases) {
    const full = fullSymmetricEigen(A, m);
    const k = 8;
    const lz = lanczosTopK(A, m, k);
    assert.equal(lz.k, k);
    const scale = Math.abs(full.values[0]);
    for (let i = 0; i < k; i++) {
      assert.ok(Math.abs(lz.values[i] - full.values[i]) < 1e-8 * scale, `eigenvalue ${i}: ${lz.values[i]} vs ${full.values[i]}`);
      let dot = 0;
      for (let t = 0; t < m; t++) dot += lz.vectors[i * m + t] * full.vectors[i * m + t];
      assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-6, `eigenvector ${i}: |cos| = ${Math.abs(dot)}`);
    }
    assert.ok(lz.iterations < m, `Lanczos used ${lz.iterations} of ${m} vectors`);
  }
  // Both signs are found: the random matrix has large negative eigenvalues among its top 8.
  const neg = Array.from(fullSymmetricEigen(cases[0][0], 150).values.slice(0, 8)).filter((x) => x < 0).length;
  assert.ok(neg > 0);
  // InPCA: full and Lanczos give the same coordinates (signs fixed the same way).
  const D = bhattacharyyaMatrix(stack).D;
  const f = inpca(D, 350, { method: 'full', components: 5 });
  const l = inpca(D, 350, { method: 'lanczos', components: 5 });
  assert.ok(maxAbsDiff(f.coords, l.coords) < 1e-6, `coords differ by ${maxAbsDiff(f.coords, l.coords)}`);
  assert.ok(maxAbsDiff(f.explainedStress, l.explainedStress) < 1e-9);
});

// ---- InPCA -----------------------------------------------------------------------------------------------

test('InPCA of a known Minkowski configuration: recovers the signature, reproduces the distances, ES reaches 1', () => {
  // 40 points in R^{3,1}: 3 space-like and 1 time-like coordinate; D = Minkowski squared distances.
  const r = mulberry32(21);
  const m = 40;
  const pts = Array.from({ length: m }, () => [3 * r(), 2 * r(), r(), 1.5 * r()]);
  const sig = [1, 1, 1, -1];
  const D = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) D[i * m + j] = pts[i].reduce((s, x, a) => s + sig[a] * (x - pts[j][a]) ** 2, 0);
  const e = inpca(D, m, { components: m, method: 'full' });
  const big = Array.from(e.eigenvalues).filter((x) => Math.abs(x) > 1e-9 * Math.abs(e.eigenvalues[0]));
  assert.equal(big.length, 4, 'rank 4');
  assert.equal(big.filter((x) => x < 0).length, 1, 'one time-like axis');
  assert.ok(Math.abs(e.explainedStress[3] - 1) < 1e-9, `ES(4) = ${e.explainedStress[3]}`);
  assert.ok(Math.abs(e.explainedStress[m - 1] - 1) < 1e-6); // 1 - sqrt(rounding ~1e-16): ~1e-8
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
    assert.ok(Math.abs(minkowski2(e.coords, i * m, e.coords, j * m, e.eigenvalues, m) - D[i * m + j]) < 1e-9);
  }
});

test('InPCA of probability models with every component kept: Minkowski distances reproduce the Bhattacharyya distances', () => {
  const stack = randomStack(25, 30, 4, 77);
  const { D } = bhattacharyyaMatrix(stack);
  const e = inpca(D, 25, { components: 25, method: 'full' });
  assert.ok(e.eigenvalues.some((l) => l < -1e-6), 'real models give time-like axes too');
  for (let i = 0; i < 25; i++) for (let j = 0; j < 25; j++) {
    assert.ok(Math.abs(minkowski2(e.coords, i * 25, e.coords, j * 25, e.eigenvalues, 25) - D[i * 25 + j]) < 1e-9, `pair ${i}, ${j}`);
  }
  assert.ok(Math.abs(e.explainedStress[24] - 1) < 1e-6); // 1 - sqrt(rounding ~1e-16): ~1e-8
});

test('InPCA of points on a sphere (squared chord distances): 3 positive axes, nothing time-like', () => {
  const r = mulberry32(5);
  const m = 30;
  const pts = Array.from({ length: m }, () => {
    const v = [r() - 0.5, r() - 0.5, r() - 0.5];
    const n = Math.hypot(...v);
    return v.map((x) => (2 * x) / n); // radius 2
  });
  const D = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) D[i * m + j] = pts[i].reduce((s, x, a) => s + (x - pts[j][a]) ** 2, 0);
  const e = inpca(D, m, { components: 4, method: 'full' });
  assert.ok(e.eigenvalues[0] > 0 && e.eigenvalues[1] > 0 && e.eigenvalues[2] > 0);
  assert.ok(Math.abs(e.eigenvalues[3]) < 1e-9);
  // Classical scaling recovers the configuration centred on its mean, up to a rotation: |x_i| = |p_i - mean|.
  const mean = [0, 1, 2].map((a) => pts.reduce((s, p) => s + p[a], 0) / m);
  for (let i = 0; i < m; i++) {
    const emb = [0, 1, 2].map((a) => e.coords[i * 4 + a]);
    const x = [0, 1, 2].map((a) => pts[i][a] - mean[a]);
    assert.ok(Math.abs(Math.hypot(...emb) - Math.hypot(...x)) < 1e-9);
  }
});

test('InPCA on probability trajectories along the P0 -> P* geodesic: one dominant axis, ordered by t; ES sums', () => {
  const C = 10;
  const labels = Array.from({ length: 200 }, (_, n) => n % C);
  const ts = Array.from({ length: 41 }, (_, i) => i / 40);
  const stack = stackModels(geodesicModels(ts, labels, C), labels.length, C);
  const { D } = bhattacharyyaMatrix(stack);
  const e = inpca(D, stack.m, { components: 5 });
  assert.ok(e.explainedStress[0] > 0.9, `ES(1) = ${e.explainedStress[0]}`);
  for (let i = 1; i < 5; i++) assert.ok(e.explainedStress[i] >= e.explainedStress[i - 1]);
  // monotone along axis 1 (one direction or the other)
  const x = ts.map((_, p) => e.coords[p * e.k]);
  const up = x.every((v, i) => i === 0 || v > x[i - 1]);
  const down = x.every((v, i) => i === 0 || v < x[i - 1]);
  assert.ok(up || down, 'the first axis orders the trajectory');
  // ES from its definition
  const lam2 = Array.from(e.eigenvalues).map((l) => l * l);
  assert.ok(Math.abs(e.explainedStress[2] - (1 - Math.sqrt(1 - (lam2[0] + lam2[1] + lam2[2]) / e.frobenius2))) < 1e-12);
  assert.deepEqual(Array.from(explainedStress([3, 4], 25)), [1 - Math.sqrt(1 - 9 / 25), 1]);
});

test('out-of-sample: a model already in the set projects onto its in-sample coordinates (full and Lanczos)', () => {
  const stack = randomStack(320, 40, 6, 31);
  const { D } = bhattacharyyaMatrix(stack);
  for (const method of ['full', 'lanczos'] as const) {
    const e = inpca(D, 320, { components: 6, method });
    const rows = [0, 17, 319];
    const dq = new Float64Array(rows.length * 320);
    rows.forEach((p, a) => dq.set(D.subarray(p * 320, p * 320 + 320), a * 320));
    const x = projectOutOfSample(e, dq, rows.length);
    rows.forEach((p, a) => assert.ok(maxAbsDiff(x.subarray(a * 6, a * 6 + 6), e.coords.subarray(p * 6, p * 6 + 6)) < 1e-9, `${method} row ${p}`));
    const q = projectionQuality(e, inSampleResidual(e, D), x, dq, rows.length);
    assert.equal(q.recomputeAdvised, false);
  }
  // A model far from the set's manifold is flagged.
  const geo = stackModels(geodesicModels([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1], Array.from({ length: 50 }, (_, n) => n % 5), 5), 50, 5);
  const Dg = bhattacharyyaMatrix(geo).D;
  const eg = inpca(Dg, 11, { components: 1, method: 'full' });
  const odd = randomStack(1, 50, 5, 99, 0.5);
  const dOdd = bhattacharyyaCross(sqrtProbabilities(odd.data), 1, sqrtProbabilities(geo.data), 11, 50, 5);
  const xo = projectOutOfSample(eg, dOdd, 1);
  assert.equal(projectionQuality(eg, inSampleResidual(eg, Dg), xo, dOdd, 1).recomputeAdvised, true);
});

// ---- geodesic progress -----------------------------------------------------------------------------------

test('progress: P0 at 0, P* at 1, models on the geodesic at their parameter t', () => {
  const C = 10;
  const labels = Array.from({ length: 100 }, (_, n) => (7 * n) % C);
  const p0 = sqrtProbabilities(ignorancePoint(100, C));
  const pStar = sqrtProbabilities(truthPoint(labels, C));
  assert.equal(geodesicProgress(p0, 0, labels, C), 0);
  assert.equal(geodesicProgress(pStar, 0, labels, C), 1);
  const ts = [0.13, 0.5, 0.77, 0.951];
  geodesicModels(ts, labels, C).forEach((p, i) => {
    const t = geodesicProgress(sqrtProbabilities(p), 0, labels, C);
    // float32 probabilities put cos within ~1e-8 of 1 at the optimum, where arccos has slope ~1e4: t to ~1e-4
    assert.ok(Math.abs(t - ts[i]) < 1e-3, `t = ${ts[i]}: progress ${t}`);
  });
});

// ---- .npy ------------------------------------------------------------------------------------------------

function npyBytes(descr: string, shape: number[], data: ArrayBufferView, fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

test('npy: float32 and float64 [m, N, C] arrays parse; other layouts are refused with the file named', () => {
  const f64 = Float64Array.from({ length: 12 }, (_, i) => i / 12);
  const a = parseNpy(npyBytes('<f8', [2, 3, 2], f64), 'x.npy');
  assert.deepEqual(a.shape, [2, 3, 2]);
  assert.ok(maxAbsDiff(a.data, f64) < 1e-7);
  const b = parseNpy(npyBytes('<f4', [1, 2, 2], Float32Array.from([0.5, 0.5, 1, 0])), 'y.npy');
  assert.deepEqual(Array.from(b.data), [0.5, 0.5, 1, 0]);
  assert.throws(() => parseNpy(npyBytes('<i4', [2], Int32Array.from([1, 2])), 'z.npy'), /z\.npy: .*dtype '<i4'.*float32 or float64/);
  assert.throws(() => parseNpy(npyBytes('<f4', [2, 2], new Float32Array(4), true), 'f.npy'), /f\.npy: Fortran-ordered/);
  assert.throws(() => parseNpy(new Uint8Array([1, 2, 3]), 'bad.npy'), /bad\.npy: not a NumPy \.npy file/);
});

// ---- the analysis over run folders ---------------------------------------------------------------------

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-manifold-'));
}

function fakeRun(root: string, name: string, opts: { labels: number[]; classes: number; steps: number[]; probeSeed?: number; seed: number }): string {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'checkpoints'), { recursive: true });
  const now = new Date().toISOString();
  const run: RunJson = { schemaVersion: RUN_SCHEMA_VERSION, id: name, name, createdAt: now, status: 'completed', backend: 'cpu', config: getPreset('manifold-mlp-sgd').config, timings: { startedAt: now } };
  writeRunJson(dir, run);
  const N = opts.labels.length;
  fs.writeFileSync(path.join(dir, PROBE_FILE), encodeSafetensors({
    'probe/labels': { dtype: 'F32', shape: [N], data: Float32Array.from(opts.labels) },
    'probe/indices': { dtype: 'F32', shape: [N], data: Float32Array.from(opts.labels, (_, i) => i + (opts.probeSeed ?? 0)) },
  }, { format: 'topolens-probe', dataset: 'mnist', split: 'test', classes: String(opts.classes) }));
  const ts = opts.steps.map((s) => s / opts.steps[opts.steps.length - 1]);
  const models = geodesicModels(ts.map((t) => 0.9 * t), opts.labels, opts.classes);
  const r = mulberry32(opts.seed);
  const metrics: string[] = [];
  opts.steps.forEach((step, i) => {
    const p = models[i];
    for (let n = 0; n < N; n++) { // a little noise off the geodesic, renormalised
      let s = 0;
      for (let c = 0; c < opts.classes; c++) { p[n * opts.classes + c] *= 1 + 0.2 * r(); s += p[n * opts.classes + c]; }
      for (let c = 0; c < opts.classes; c++) p[n * opts.classes + c] /= s;
    }
    fs.writeFileSync(path.join(dir, 'checkpoints', checkpointFileName(step)), encodeSafetensors({ 'probe/probs': { dtype: 'F32', shape: [N, opts.classes], data: p } }));
    metrics.push(JSON.stringify({ kind: 'eval', step, epoch: 0, trainLoss: 1, trainAccuracy: ts[i], testAccuracy: ts[i] / 2 }));
  });
  fs.writeFileSync(path.join(dir, 'metrics.jsonl'), metrics.join('\n') + '\n');
  return dir;
}

test('analysis: runs on one probe set embed together with P0 and P*; live mode projects new checkpoints', () => {
  const root = tmp();
  try {
    const labels = Array.from({ length: 60 }, (_, n) => n % 4);
    const a = fakeRun(root, 'a', { labels, classes: 4, steps: [0, 10, 20, 40, 80], seed: 1 });
    const b = fakeRun(root, 'b', { labels, classes: 4, steps: [0, 5, 10, 30], seed: 2 });
    const r = computePredictionManifold({ runDirs: [a, b], components: 4 });
    assert.equal(r.m, 5 + 4 + 2);
    assert.deepEqual(r.runs.map((x) => x.steps), [[0, 10, 20, 40, 80], [0, 5, 10, 30]]);
    assert.equal(r.p0.progress, 0);
    assert.equal(r.pStar.progress, 1);
    assert.equal(r.runs[0].trainAccuracy[4], 1);
    assert.equal(r.runs[0].architecture, 'mlp 128');
    assert.ok(r.runs[0].progress[4] > r.runs[0].progress[1], 'progress grows along the run');
    assert.equal(r.projection, null);
    // A new checkpoint of run b: live mode keeps the old coordinates and projects only the new one.
    const b2 = path.join(root, 'b2');
    fakeRun(root, 'b2', { labels, classes: 4, steps: [0, 5, 10, 30, 60], seed: 2 });
    fs.copyFileSync(path.join(b2, 'checkpoints', checkpointFileName(60)), path.join(b, 'checkpoints', checkpointFileName(60)));
    const live = computePredictionManifold({ runDirs: [a, b], components: 4, project: true });
    assert.equal(live.projection?.count, 1);
    assert.deepEqual(live.runs[1].projected, [false, false, false, false, true]);
    assert.ok(maxAbsDiff(live.runs[0].coords.flat(), r.runs[0].coords.flat()) < 1e-5);
    // the projection of the new checkpoint equals its in-sample coordinates up to the refit of a full recompute
    const full = computePredictionManifold({ runDirs: [a, b], components: 4 });
    assert.equal(full.runs[1].steps.length, 5);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('analysis: runs with another probe set or class count are refused, naming both runs and the difference', () => {
  const root = tmp();
  try {
    const labels = Array.from({ length: 30 }, (_, n) => n % 3);
    const a = fakeRun(root, 'run-a', { labels, classes: 3, steps: [0, 10], seed: 1 });
    const b = fakeRun(root, 'run-b', { labels, classes: 3, steps: [0, 10], seed: 1, probeSeed: 5 });
    const c = fakeRun(root, 'run-c', { labels: labels.slice(0, 20), classes: 4, steps: [0, 10], seed: 1 });
    assert.throws(() => computePredictionManifold({ runDirs: [a, b] }), /runs run-a .* and run-b .* do not share a probe set: different probe samples/);
    assert.throws(() => computePredictionManifold({ runDirs: [a, c] }), /run-a .* run-c .*class count 3 vs 4; probe size 30 vs 20/);
    assert.throws(() => computePredictionManifold({ runDirs: [path.join(root, 'nope')] }), /nope.*run\.json: missing/);
    fs.writeFileSync(path.join(a, 'checkpoints', checkpointFileName(20)), encodeSafetensors({ 'probe/probs': { dtype: 'F32', shape: [30, 2], data: new Float32Array(60) } }));
    assert.throws(() => computePredictionManifold({ runDirs: [a] }), /step-0000020\.safetensors: 'probe\/probs' has shape \[30, 2\], expected \[30, 3\]/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('CLI: manifold --probs FILE.npy --json embeds exactly the array\'s models, in order, with the issue\'s field names', () => {
  const root = tmp();
  try {
    const C = 5;
    const labels = Array.from({ length: 40 }, (_, n) => n % C);
    const models = geodesicModels([0, 0.2, 0.4, 0.6, 0.8, 1], labels, C);
    const flat = new Float32Array(models.length * 40 * C);
    models.forEach((p, i) => flat.set(p, i * 40 * C));
    const file = path.join(root, 'probs.npy');
    fs.writeFileSync(file, npyBytes('<f4', [6, 40, C], flat));
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, '../../../analysis/cli/main.ts'), 'manifold', '--probs', file, '--json', '--axes', '2'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { eigenvalues: number[]; explainedStress: number[]; points: { runDir: null; step: number; coords: number[]; progress: null }[] };
    assert.deepEqual(Object.keys(out), ['eigenvalues', 'explainedStress', 'points']);
    assert.deepEqual(Object.keys(out.points[0]), ['runDir', 'step', 'coords', 'progress']);
    assert.deepEqual(out.points.map((p) => p.step), [0, 1, 2, 3, 4, 5]);
    assert.equal(out.points[0].coords.length, 2);
    assert.equal(out.explainedStress.length, 5);
    const direct = inpca(bhattacharyyaMatrix(stackModels(models, 40, C)).D, 6, { components: 6 });
    assert.ok(maxAbsDiff(out.eigenvalues, direct.eigenvalues) < 1e-12);
    const bad = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, '../../../analysis/cli/main.ts'), 'manifold', root], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /neither a run folder \(no run\.json\) nor a study folder \(no study\.json\)/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
