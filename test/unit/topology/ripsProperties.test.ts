/** Invariants of Vietoris-Rips barcodes on larger random inputs than the reference reduction handles. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRips, ripsFromPrepared, ripsPersistence, CancelledError, type RipsInput } from '../../../analysis/topology/rips';
import { bottleneckDistance } from '../../../analysis/topology/bottleneck';
import { condensedDistances, condensedIndex } from '../../../analysis/linalg/distance';
import { mulberry32 } from '../../../analysis/linalg/random';
import type { PersistenceBar } from '../../../analysis/topology/diagram';
import { gaussianCloud, noisyCircle } from './sampleClouds';

function values(bars: PersistenceBar[], dim: number): string[] {
  return bars
    .filter((b) => b.dim === dim)
    .map((b) => `${b.birth}|${b.death}`)
    .sort();
}

/** Single-linkage merge heights = MST edge lengths (Prim, O(n^2)). */
function mstLengths(dist: Float64Array, n: number): number[] {
  const d = (i: number, j: number): number => dist[condensedIndex(i, j)];
  const inTree = new Uint8Array(n);
  const best = new Float64Array(n).fill(Infinity);
  best[0] = 0;
  const out: number[] = [];
  for (let it = 0; it < n; it++) {
    let u = -1;
    for (let v = 0; v < n; v++) if (!inTree[v] && (u < 0 || best[v] < best[u])) u = v;
    inTree[u] = 1;
    if (it > 0) out.push(best[u]);
    for (let v = 0; v < n; v++) if (!inTree[v] && d(u, v) < best[v]) best[v] = d(u, v);
  }
  return out;
}

test('H0 bars are the single-linkage merge heights', () => {
  for (const seed of [1, 2, 3]) {
    const { data } = noisyCircle(150, 0.1, seed);
    const bars = ripsPersistence({ kind: 'points', data, n: 150, d: 2 }, { maxDim: 0 });
    const deaths = bars.filter((b) => b.death !== Infinity).map((b) => b.death).sort((a, b) => a - b);
    const mst = mstLengths(condensedDistances(data, 150, 2), 150).filter((x) => x > 0).sort((a, b) => a - b);
    assert.deepStrictEqual(deaths, mst);
    assert.equal(bars.filter((b) => b.death === Infinity).length, 1);
  }
});

test('a threshold keeps every bar born below it (deaths above it become essential); dense and sparse agree', () => {
  const n = 120;
  const { data } = noisyCircle(n, 0.1, 7);
  const full = ripsPersistence({ kind: 'points', data, n, d: 2 }, { maxDim: 2 });
  for (const t of [0.2, 0.35, 0.6]) {
    const expected = full
      .filter((b) => b.birth <= t)
      .map((b) => ({ ...b, death: b.death > t ? Infinity : b.death }))
      .filter((b) => b.death > b.birth);
    const prep = prepareRips({ kind: 'points', data, n, d: 2 }, { maxDim: 2, threshold: t });
    for (const storage of ['dense', 'sparse'] as const) {
      const got = ripsFromPrepared(prep, {}, storage);
      for (const dim of [0, 1, 2]) assert.deepStrictEqual(values(got, dim), values(expected, dim), `t=${t} ${storage} dim ${dim}`);
    }
  }
});

test('lazy coboundary streams and the plain heap give identical bars and representatives (Z/2 and Z/3)', () => {
  const n = 160;
  const input: RipsInput = { kind: 'points', ...noisyCircle(n, 0.3, 29) };
  const key = (bars: PersistenceBar[]): string[] => bars.map((b) => `${b.dim}|${b.birth}|${b.death}|${b.birthSimplex}|${b.deathSimplex}`).sort();
  for (const modulus of [2, 3]) {
    const prep = prepareRips(input, { maxDim: 2, modulus });
    assert.deepStrictEqual(key(ripsFromPrepared(prep, {}, 'dense', 'streams')), key(ripsFromPrepared(prep, {}, 'dense', 'heap')));
  }
});

test('permuting the points does not change the diagram', () => {
  const n = 100;
  const { data } = noisyCircle(n, 0.2, 11);
  const rnd = mulberry32(5);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const permuted = new Float64Array(2 * n);
  perm.forEach((p, i) => {
    permuted[2 * i] = data[2 * p];
    permuted[2 * i + 1] = data[2 * p + 1];
  });
  const a = ripsPersistence({ kind: 'points', data, n, d: 2 }, { maxDim: 2 });
  const b = ripsPersistence({ kind: 'points', data: permuted, n, d: 2 }, { maxDim: 2 });
  for (const dim of [0, 1, 2]) assert.deepStrictEqual(values(a, dim), values(b, dim));
});

test('representatives: birth/death simplices have the bar values as diameters', () => {
  const n = 80;
  const input: RipsInput = { kind: 'points', ...noisyCircle(n, 0.15, 13) };
  const prep = prepareRips(input, { maxDim: 2 });
  const dist = (i: number, j: number): number => prep.dist[condensedIndex(i, j)];
  const diam = (s: number[]): number => {
    let m = 0;
    for (const a of s) for (const b of s) if (a !== b) m = Math.max(m, dist(a, b));
    return m;
  };
  for (const bar of ripsPersistence(input, { maxDim: 2 })) {
    assert.equal(bar.birthSimplex.length, bar.dim + 1);
    assert.equal(diam(bar.birthSimplex), bar.birth);
    if (bar.death === Infinity) assert.deepStrictEqual(bar.deathSimplex, []);
    else {
      assert.equal(bar.deathSimplex.length, bar.dim === 0 ? 2 : bar.dim + 2);
      assert.equal(diam(bar.deathSimplex), bar.death);
    }
  }
});

test('stability: moving points by eps moves the diagram by at most 2 eps (bottleneck)', () => {
  const n = 60;
  const { data } = noisyCircle(n, 0.1, 17);
  const rnd = mulberry32(9);
  const eps = 0.01;
  const moved = data.map((x) => x + eps * (2 * rnd() - 1) / Math.SQRT2);
  const a = ripsPersistence({ kind: 'points', data, n, d: 2 });
  const b = ripsPersistence({ kind: 'points', data: moved, n, d: 2 });
  for (const dim of [0, 1]) assert.ok(bottleneckDistance(a, b, dim) <= 2 * eps, `dim ${dim}`);
  // The circle's loop survives the perturbation.
  assert.ok(b.some((x) => x.dim === 1 && x.death - x.birth > 0.5));
});

test('cosine metric = euclidean on normalised vectors, mapped by 1 - cos = |x - y|^2 / 2', () => {
  const n = 50;
  const d = 4;
  const { data } = gaussianCloud(n, d, 21);
  const unit = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += data[i * d + k] ** 2;
    for (let k = 0; k < d; k++) unit[i * d + k] = data[i * d + k] / Math.sqrt(s);
  }
  const cos = ripsPersistence({ kind: 'points', data, n, d }, { metric: 'cosine', maxDim: 1 });
  const euc = ripsPersistence({ kind: 'points', data: unit, n, d }, { maxDim: 1 });
  const sorted = (bars: PersistenceBar[], f: (x: number) => number): number[][] =>
    bars.map((b) => [b.dim, f(b.birth), f(b.death)]).sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
  const a = sorted(cos, (x) => x);
  const b = sorted(euc, (x) => (x * x) / 2);
  assert.equal(a.length, b.length);
  a.forEach((bar, i) => {
    assert.equal(bar[0], b[i][0]);
    for (const k of [1, 2]) assert.ok(bar[k] === b[i][k] || Math.abs(bar[k] - b[i][k]) < 1e-12, `${bar} vs ${b[i]}`);
  });
  assert.throws(() => ripsPersistence({ kind: 'points', data: new Float64Array(8), n: 2, d: 4 }, { metric: 'cosine' }), /zero vector/);
});

test('progress is reported and cancellation throws CancelledError', () => {
  const n = 200;
  const input: RipsInput = { kind: 'points', ...noisyCircle(n, 0.1, 23) };
  const seen = new Set<number>();
  ripsPersistence(input, { onProgress: (p) => seen.add(p.dim) });
  assert.deepStrictEqual([...seen].sort(), [0, 1]);
  assert.throws(() => ripsPersistence(input, { isCancelled: () => true }), CancelledError);
});

test('bad input gets a clear error', () => {
  assert.throws(() => ripsPersistence({ kind: 'points', data: new Float64Array(5), n: 2, d: 3 }), /expected n\*d = 6/);
  assert.throws(() => ripsPersistence({ kind: 'points', data: Float64Array.from([0, NaN]), n: 2, d: 1 }), /not finite/);
  assert.throws(() => ripsPersistence({ kind: 'condensed', data: new Float64Array(2), n: 3 }), /expected n\(n-1\)\/2 = 3/);
  assert.throws(() => ripsPersistence({ kind: 'condensed', data: Float64Array.from([1, -1, 1]), n: 3 }), /must be >= 0/);
  assert.throws(() => ripsPersistence({ kind: 'condensed', data: new Float64Array(3), n: 3 }, { modulus: 4 }), /prime/);
  assert.deepStrictEqual(ripsPersistence({ kind: 'condensed', data: new Float64Array(0), n: 0 }), []);
  assert.deepStrictEqual(
    ripsPersistence({ kind: 'condensed', data: new Float64Array(0), n: 1 }).map((b) => [b.dim, b.birth, b.death]),
    [[0, 0, Infinity]],
  );
});
