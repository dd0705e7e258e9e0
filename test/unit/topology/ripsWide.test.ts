/**
 * Simplex indices beyond 2^53 (Ripser's 64-bit range): the binomial table at and around the boundary,
 * the (top vertex, rest) pair form against exact BigInt indices, the wide reduction path bit-identical
 * to the single-number path where both apply, and a computation that needs the wide path for real.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BinomialTable, binomialBig, EXACT_LIMIT, wideIndexBig } from '../../../analysis/topology/ripser/binomial';
import { prepareRips, ripsFromPrepared, ripsPersistence, type RipsInput } from '../../../analysis/topology/rips';
import type { PersistenceBar } from '../../../analysis/topology/diagram';
import { mulberry32 } from '../../../analysis/linalg/random';
import { gaussianCloud, sphereCloud } from './sampleClouds';

/** Smallest n with C(n, 5) >= 2^53 (9,013,103,449,085,554 > 9,007,199,254,740,992 > C(4045, 5)). */
const N_WIDE_5 = 4046;

test('the boundary: C(4045, 5) < 2^53 <= C(4046, 5), computed exactly', () => {
  assert.ok(binomialBig(N_WIDE_5 - 1, 5) < BigInt(EXACT_LIMIT));
  assert.ok(binomialBig(N_WIDE_5, 5) >= BigInt(EXACT_LIMIT));
  assert.equal(binomialBig(N_WIDE_5, 5), 9013103449085554n);
  assert.equal(binomialBig(10, 3), 120n);
  assert.equal(binomialBig(3, 5), 0n);
});

test('binomial table: single numbers just below 2^53, exact in every row', () => {
  const t = new BinomialTable(N_WIDE_5 - 1, 5);
  assert.equal(t.wide, false);
  for (let k = 0; k <= 5; k++) {
    for (let v = 0; v <= N_WIDE_5; v++) assert.equal(BigInt(t.rows[k][v]), binomialBig(v, k), `C(${v}, ${k})`);
  }
  // The largest 4-simplices decode back to their vertices (indices within a few of 2^53).
  const out = new Int32Array(5);
  const n = N_WIDE_5 - 1;
  for (const verts of [[n - 1, n - 2, n - 3, n - 4, n - 5], [n - 1, n - 2, n - 3, n - 4, 0], [n - 1, 3, 2, 1, 0]]) {
    const idx = verts.reduce((s, v, i) => s + t.rows[5 - i][v], 0);
    assert.equal(BigInt(idx), verts.reduce((s, v, i) => s + binomialBig(v, 5 - i), 0n));
    t.vertices(idx, 4, out);
    assert.deepStrictEqual(Array.from(out), verts);
  }
});

test('binomial table: above 2^53 the top row is wide, its pairs decode and order like the exact 64-bit index', () => {
  const t = new BinomialTable(N_WIDE_5, 5);
  assert.equal(t.wide, true);
  assert.ok(Number.isNaN(t.rows[5][N_WIDE_5]), 'the inexact top row is never used');
  for (let k = 0; k < 5; k++) {
    for (let v = 0; v <= N_WIDE_5 + 1; v++) assert.equal(BigInt(t.rows[k][v]), binomialBig(v, k), `C(${v}, ${k})`);
  }
  const rnd = mulberry32(3);
  const simplices: Array<{ hi: number; lo: number; exact: bigint; verts: number[] }> = [];
  for (let s = 0; s < 400; s++) {
    // Mostly near the top of the vertex range, where the full index passes 2^53.
    const set = new Set<number>();
    while (set.size < 5) set.add(s % 2 ? N_WIDE_5 - 1 - Math.floor(rnd() * 12) : Math.floor(rnd() * N_WIDE_5));
    const verts = [...set].sort((a, b) => b - a);
    const hi = verts[0];
    const lo = verts.slice(1).reduce((acc, v, i) => acc + t.rows[4 - i][v], 0);
    const exact = verts.reduce((acc, v, i) => acc + binomialBig(v, 5 - i), 0n);
    assert.equal(wideIndexBig(hi, lo, 5), exact);
    const out = new Int32Array(5);
    t.verticesWide(hi, lo, 4, out);
    assert.deepStrictEqual(Array.from(out), verts);
    simplices.push({ hi, lo, exact, verts });
  }
  assert.ok(simplices.some((x) => x.exact >= BigInt(EXACT_LIMIT)), 'some indices are beyond 2^53');
  const byPair = [...simplices].sort((a, b) => a.hi - b.hi || a.lo - b.lo).map((x) => x.exact);
  const byExact = [...simplices].map((x) => x.exact).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  assert.deepStrictEqual(byPair, byExact);
});

test('binomial table: out of range gives a clear error (rest beyond 2^53, or beyond Ripser\'s 2^63)', () => {
  // C(21565, 4) >= 2^53: the rest of a wide 4-simplex would not be exact.
  assert.throws(() => new BinomialTable(21565, 5), /C\(21565, 5\) = \d+ simplex indices are too large.*2\^63.*fewer points/);
  // C(16176, 5) >= 2^63 although C(16176, 4) < 2^53: beyond Ripser's 64-bit range too.
  assert.ok(binomialBig(16176, 4) < BigInt(EXACT_LIMIT));
  assert.throws(() => new BinomialTable(16176, 5), /too large/);
  assert.doesNotThrow(() => new BinomialTable(16175, 5));
});

function exact(bars: PersistenceBar[]): string[] {
  return bars.map((b) => `${b.dim}|${b.birth}|${b.death}|${b.birthSimplex.join(',')}|${b.deathSimplex.join(',')}`).sort();
}

test('the wide path is bit-identical to the single-number path (bars and representatives; dense, sparse, Z/2, Z/3)', () => {
  const inputs: Array<{ input: RipsInput; maxDim: number }> = [
    // Inputs with bars in the top dimension (a sampled 2-sphere, 3-sphere, a Gaussian blob in R^5).
    { input: { kind: 'points', ...sphereCloud(40, 3, 5) }, maxDim: 2 },
    { input: { kind: 'points', ...sphereCloud(50, 4, 5) }, maxDim: 3 },
    { input: { kind: 'points', ...gaussianCloud(40, 5, 1) }, maxDim: 3 },
  ];
  let compared = 0;
  let withTopBars = 0;
  for (const { input, maxDim } of inputs) {
    for (const modulus of [2, 3]) {
      for (const threshold of [undefined, 1.5]) {
        const prep = prepareRips(input, { maxDim, modulus, threshold });
        for (const storage of ['dense', 'sparse'] as const) {
          const narrow = exact(ripsFromPrepared(prep, {}, storage));
          const wide = exact(ripsFromPrepared(prep, {}, storage, undefined, 'wide'));
          assert.deepStrictEqual(wide, narrow, `${storage} Z/${modulus} t=${threshold}`);
          if (narrow.some((b) => b.startsWith(`${maxDim}|`))) withTopBars++;
          compared++;
        }
      }
    }
  }
  assert.equal(compared, 24);
  assert.ok(withTopBars >= 12, `the top dimension has bars in ${withTopBars} of 24 cases`);
});

test('a computation that needs 64-bit indices: 507 far-apart 3-spheres (4,056 points, H3) in both storages', () => {
  // The boundary of the 4-dimensional cross-polytope (+-e_i, 8 points) is a 3-sphere: at threshold 2.5
  // each copy has one H3 bar [sqrt 2, 2) and 7 H0 deaths at sqrt 2. Copies are 10 apart, so the
  // barcode is 507 times one copy's; C(4056, 5) > 2^53, so dimension 3 runs on wide indices.
  const copies = 507;
  const n = 8 * copies;
  const data = new Float64Array(n * 4);
  for (let c = 0; c < copies; c++) {
    for (let i = 0; i < 8; i++) {
      const row = (8 * c + i) * 4;
      data[row + (i >> 1)] = i & 1 ? -1 : 1;
      data[row] += 10 * c;
    }
  }
  assert.ok(binomialBig(n, 5) >= BigInt(EXACT_LIMIT));
  const one = ripsPersistence({ kind: 'points', data: data.subarray(0, 32), n: 8, d: 4 }, { maxDim: 3, threshold: 2.5 });
  assert.deepStrictEqual(one.filter((b) => b.dim === 3).map((b) => [b.birth, b.death]), [[Math.SQRT2, 2]]);
  const values = (bars: PersistenceBar[]): string[] => bars.map((b) => `${b.dim}|${b.birth}|${b.death}`).sort();
  const expected = values(Array.from({ length: copies }, () => one).flat());
  const prep = prepareRips({ kind: 'points', data, n, d: 4 }, { maxDim: 3, threshold: 2.5 });
  for (const storage of ['sparse', 'dense'] as const) {
    const bars = ripsFromPrepared(prep, {}, storage);
    assert.deepStrictEqual(values(bars), expected, storage);
    // Every H3 bar's representatives lie in one copy; the last copy's use vertex indices beyond 4,045.
    for (const b of bars.filter((x) => x.dim === 3)) {
      const copy = Math.floor(b.birthSimplex[0] / 8);
      assert.ok([...b.birthSimplex, ...b.deathSimplex].every((v) => Math.floor(v / 8) === copy));
      assert.equal(b.deathSimplex.length, 5);
    }
    assert.ok(bars.some((b) => b.dim === 3 && b.deathSimplex.every((v) => v >= n - 8)), storage);
  }
});
