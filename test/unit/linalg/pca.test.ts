/** PCA and its building blocks against exact dense computations. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pcaInputArray, pcaTopK, pcaTransform } from '../../../analysis/linalg/pca';
import { symmetricEigen } from '../../../analysis/linalg/symmetricEigen';
import { combineColumnsIntoRows, gramOfColumns } from '../../../analysis/linalg/columnProducts';
import { multiplyPanelByRows, multiplyRowsByPanel } from '../../../analysis/linalg/matmul';
import { orthonormalizePanel } from '../../../analysis/linalg/orthonormalize';
import { createWasmMatmul } from '../../../analysis/linalg/wasmMatmul';
import { condensedDistances, condensedFromFull, condensedIndex, enclosingRadius } from '../../../analysis/linalg/distance';
import { gaussianSource, mulberry32 } from '../../../analysis/linalg/random';

function gaussianMatrix(rows: number, cols: number, seed: number, colScale?: (c: number) => number): Float64Array {
  const g = gaussianSource(mulberry32(seed));
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let c = 0; c < cols; c++) out[i * cols + c] = g() * (colScale ? colScale(c) : 1);
  return out;
}

/** Exact PCA from the covariance matrix (Jacobi eigen-decomposition). */
function exactPca(data: Float64Array, n: number, d: number): { values: Float64Array; vectors: Float64Array } {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t] += data[i * d + t] / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] += (data[i * d + a] - mean[a]) * (data[i * d + b] - mean[b]);
  }
  const e = symmetricEigen(cov, d);
  return { values: e.values.map((v) => v / (n - 1)), vectors: e.vectors };
}

test('symmetricEigen: A v = lambda v, orthonormal vectors, sorted values', () => {
  const m = 9;
  const r = gaussianMatrix(m, m, 1);
  const A = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) A[i * m + j] = r[i * m + j] + r[j * m + i];
  const { values, vectors } = symmetricEigen(A, m);
  for (let c = 0; c < m; c++) {
    if (c > 0) assert.ok(values[c - 1] >= values[c]);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += A[i * m + j] * vectors[c * m + j];
      assert.ok(Math.abs(s - values[c] * vectors[c * m + i]) < 1e-10);
    }
    for (let c2 = 0; c2 < m; c2++) {
      let dot = 0;
      for (let j = 0; j < m; j++) dot += vectors[c * m + j] * vectors[c2 * m + j];
      assert.ok(Math.abs(dot - (c === c2 ? 1 : 0)) < 1e-12);
    }
  }
});

test('blocked products equal the naive triple loop (odd sizes, remainders)', () => {
  const [n, d, m] = [7, 13, 6];
  const A = gaussianMatrix(n, d, 2);
  const W = gaussianMatrix(m, d, 3);
  const Q = gaussianMatrix(m, n, 4);
  const out = new Float64Array(m * n);
  multiplyRowsByPanel(A, n, d, W, m, out);
  const out2 = new Float64Array(m * d);
  multiplyPanelByRows(A, n, d, Q, m, out2);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += A[i * d + k] * W[j * d + k];
      assert.ok(Math.abs(out[j * n + i] - s) < 1e-12);
    }
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Q[j * n + i] * A[i * d + k];
      assert.ok(Math.abs(out2[j * d + k] - s) < 1e-12);
    }
  }
});

/** The WebAssembly kernels against the JS kernels on an n x d matrix and m panel rows (seeds from `seed`). */
function expectWasmMatchesJs(n: number, d: number, m: number, seed: number, tolerance: { rowsByPanel: number; panelByRows: number }, where = (_i: number, _x: number, _y: number) => ''): void {
  const A = gaussianMatrix(n, d, seed + n);
  const W = gaussianMatrix(m, d, seed + 10 + d);
  const Q = gaussianMatrix(m, n, seed + 20 + m);
  const mm = createWasmMatmul(A, n, d, m);
  assert.ok(mm, 'WebAssembly SIMD is available in Node 20');
  const [a, b] = [new Float64Array(m * n), new Float64Array(m * n)];
  multiplyRowsByPanel(A, n, d, W, m, a);
  mm.rowsByPanel(W, m, b);
  const [c, e] = [new Float64Array(m * d), new Float64Array(m * d)];
  multiplyPanelByRows(A, n, d, Q, m, c);
  mm.panelByRows(Q, m, e);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < tolerance.rowsByPanel, `rowsByPanel ${n}x${d}x${m}${where(i, x, b[i])}`));
  c.forEach((x, i) => assert.ok(Math.abs(x - e[i]) < tolerance.panelByRows, `panelByRows ${n}x${d}x${m}${where(i, x, e[i])}`));
}

test('WebAssembly SIMD kernels equal the JS kernels (all leftover shapes)', () => {
  for (const [n, d, m] of [
    [7, 13, 6],
    [8, 12, 8],
    [9, 5, 3],
    [2, 2, 4],
    [1, 1, 1],
  ]) expectWasmMatchesJs(n, d, m, 20, { rowsByPanel: 1e-12, panelByRows: 1e-12 });
});

test('WebAssembly kernels over more rows than one call takes (chunks of 1,024) equal the JS kernels', () => {
  for (const [n, d, m] of [
    [2051, 9, 5],
    [2048, 6, 8],
  ]) expectWasmMatchesJs(n, d, m, 50, { rowsByPanel: 1e-12, panelByRows: 1e-10 }, (i, x, y) => ` at ${i}: ${x} vs ${y}`);
});

test('Gram matrix and weighted column sums equal the plain loops bit for bit', () => {
  for (const [m, n, count] of [
    [9, 1100, 5],
    [4, 7, 4],
    [1, 3, 1],
  ]) {
    const C = gaussianMatrix(m, n, 80 + m);
    const G = gramOfColumns(C, m, n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let t = 0; t < n; t++) s += C[Math.max(i, j) * n + t] * C[Math.min(i, j) * n + t];
        assert.equal(G[i * m + j], s, `G[${i}][${j}] of ${m} columns`);
      }
    }
    const W = gaussianMatrix(count, m, 90 + m).map((w, i) => (i % 3 === 1 ? 0 : w));
    const stride = count + 2;
    const out = new Float64Array(n * stride);
    combineColumnsIntoRows(C, m, n, W, count, out, stride);
    const plain = new Float64Array(n * stride);
    for (let c = 0; c < count; c++) {
      for (let j = 0; j < m; j++) {
        const w = W[c * m + j];
        if (w !== 0) for (let i = 0; i < n; i++) plain[i * stride + c] += w * C[j * n + i];
      }
    }
    assert.deepStrictEqual(Array.from(out), Array.from(plain));
  }
});

test('PCA means are the row-by-row column sums over n, whatever n mod 4', () => {
  for (const n of [1, 2, 5, 8, 303]) {
    const d = 7;
    const data = gaussianMatrix(n, d, 100 + n, (c) => 10 ** c);
    const sums = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) sums[t] += data[i * d + t];
    assert.deepStrictEqual(Array.from(pcaTopK(data, n, d, 2).mean), Array.from(sums.map((x) => x / n)), `n = ${n}`);
  }
});

test('PCA of a cloud filled into pcaInputArray (read in place) equals PCA of a plain copy, bit for bit, and leaves it intact', () => {
  const [n, d] = [1203, 17];
  const source = gaussianMatrix(n, d, 11, (c) => 1 / (1 + c));
  for (const reserve of [64, 4]) {
    // reserve 4 is too small for k = 6's block of 8: the PCA must then copy, with the same result
    const inPlace = pcaInputArray(n, d, reserve);
    assert.equal(inPlace.length, n * d);
    assert.ok(inPlace.every((x) => x === 0), 'starts zeroed');
    inPlace.set(source);
    const a = pcaTopK(inPlace, n, d, 6);
    const b = pcaTopK(Float64Array.from(source), n, d, 6);
    assert.deepStrictEqual(Array.from(a.scores), Array.from(b.scores), `reserve ${reserve}`);
    assert.deepStrictEqual(Array.from(a.components), Array.from(b.components), `reserve ${reserve}`);
    assert.deepStrictEqual(Array.from(inPlace), Array.from(source), 'the panels live after the data, not over it');
    // and again: a second PCA of the same in-place cloud reuses its memory
    assert.deepStrictEqual(Array.from(pcaTopK(inPlace, n, d, 6).scores), Array.from(b.scores));
  }
});

test('PCA with and without the WebAssembly kernels agree', () => {
  const [n, d] = [301, 37];
  const data = gaussianMatrix(n, d, 9, (c) => 1 / (1 + c));
  const a = pcaTopK(data, n, d, 6, { wasm: true });
  const b = pcaTopK(data, n, d, 6, { wasm: false });
  a.scores.forEach((x, i) => assert.ok(Math.abs(x - b.scores[i]) < 1e-9));
  a.explainedVariance.forEach((x, i) => assert.ok(Math.abs(x / b.explainedVariance[i] - 1) < 1e-12));
});

test('orthonormalizePanel: orthonormal result, dependent vectors zeroed', () => {
  const len = 10;
  const V = gaussianMatrix(4, len, 5);
  V.set(V.subarray(0, len).map((x) => 2 * x), 2 * len); // third = 2 * first
  assert.equal(orthonormalizePanel(V, 4, len), 3);
  const dot = (a: number, b: number): number => V.subarray(a * len, a * len + len).reduce((s, x, t) => s + x * V[b * len + t], 0);
  assert.ok(Math.abs(dot(0, 0) - 1) < 1e-14 && Math.abs(dot(0, 1)) < 1e-14 && Math.abs(dot(1, 3)) < 1e-14);
  assert.equal(dot(2, 2), 0);
});

test('PCA is exact when the Krylov space covers the row space', () => {
  const [n, d, k] = [150, 10, 4];
  const data = gaussianMatrix(n, d, 6, (c) => 1 + c);
  const pca = pcaTopK(data, n, d, k, { blockSize: 8, iterations: 2 });
  const exact = exactPca(data, n, d);
  for (let c = 0; c < k; c++) {
    assert.ok(Math.abs(pca.explainedVariance[c] - exact.values[c]) < 1e-9 * exact.values[0]);
    let dot = 0;
    for (let t = 0; t < d; t++) dot += pca.components[c * d + t] * exact.vectors[c * d + t];
    assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-9, `component ${c}: |cos| = ${Math.abs(dot)}`);
  }
  // scores are the exact projections
  const proj = pcaTransform(pca, data, n);
  for (let i = 0; i < n * k; i++) assert.ok(Math.abs(proj[i] - pca.scores[i]) < 1e-9);
});

test('randomized PCA recovers the top subspace of a decaying spectrum; same seed, same result', () => {
  const [n, d, k] = [400, 120, 5];
  const data = gaussianMatrix(n, d, 7, (c) => 1 / (1 + c) ** 1.5);
  const pca = pcaTopK(data, n, d, k, { seed: 3 });
  const sharper = pcaTopK(data, n, d, k, { seed: 3, iterations: 3 });
  const exact = exactPca(data, n, d);
  for (let c = 0; c < k; c++) {
    for (const [p, tol] of [[pca, 1e-3], [sharper, 1e-7]] as const) {
      assert.ok(Math.abs(p.explainedVariance[c] / exact.values[c] - 1) < tol, `variance ${c}`);
      let dot = 0;
      for (let t = 0; t < d; t++) dot += p.components[c * d + t] * exact.vectors[c * d + t];
      assert.ok(Math.abs(Math.abs(dot) - 1) < tol, `component ${c}: |cos| = ${Math.abs(dot)}`);
    }
  }
  assert.deepStrictEqual(pcaTopK(data, n, d, k, { seed: 3 }).scores, pca.scores);
  const ratioSum = pca.explainedVarianceRatio.reduce((a, b) => a + b, 0);
  assert.ok(ratioSum > 0 && ratioSum < 1);
});

test('PCA validates its input', () => {
  assert.throws(() => pcaTopK(new Float64Array(5), 2, 3, 1), /expected n\*d = 6/);
  assert.throws(() => pcaTopK(Float64Array.from([1, NaN]), 2, 1, 1), /not finite/);
  assert.throws(() => pcaTopK(new Float64Array(6), 2, 3, 0), /positive integer/);
  const constant = pcaTopK(new Float64Array(12).fill(1), 4, 3, 2);
  assert.deepStrictEqual(Array.from(constant.explainedVariance), [0, 0]);
});

test('condensed distances: layout, full-matrix conversion, enclosing radius', () => {
  const pts = Float64Array.from([0, 0, 3, 4, 6, 8]);
  const dist = condensedDistances(pts, 3, 2);
  assert.deepStrictEqual(Array.from(dist), [5, 10, 5]);
  assert.equal(dist[condensedIndex(0, 2)], 10);
  assert.deepStrictEqual(Array.from(condensedFromFull(Float64Array.from([0, 5, 10, 5, 0, 5, 10, 5, 0]), 3)), [5, 10, 5]);
  assert.throws(() => condensedFromFull(Float64Array.from([0, 5, 10, 4, 0, 5, 10, 5, 0]), 3), /asymmetric at \(1, 0\)/);
  assert.equal(enclosingRadius(dist, 3), 5);
});

test('a rank-deficient cloud: shares sum to at most 1 and the one real axis carries all the variance', () => {
  // Every row constant across its 100 columns: rank 1 after centring. Later Krylov blocks then lie inside
  // the basis; their rounding residue must not be normalised into a fake, non-orthogonal axis.
  const n = 2000;
  const d = 100;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) data.fill(Math.sin(i), i * d, (i + 1) * d);
  for (const wasm of [true, false]) {
    const r = pcaTopK(data, n, d, 20, { wasm });
    const shares = Array.from(r.explainedVarianceRatio);
    assert.ok(Math.abs(shares[0] - 1) < 1e-9, `first share ${shares[0]} (wasm ${wasm})`);
    assert.ok(shares.reduce((a, b) => a + b, 0) <= 1 + 1e-9, `shares sum to ${shares.reduce((a, b) => a + b, 0)} (wasm ${wasm})`);
    for (let t = 0; t < d; t++) assert.ok(Math.abs(Math.abs(r.components[t]) - 1 / Math.sqrt(d)) < 1e-9, 'the axis is the all-ones direction');
  }
});
