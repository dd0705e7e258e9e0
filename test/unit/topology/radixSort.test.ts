/** The edge sort: stable, exact on float64 keys (ties, zeros, -0, huge values). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { radixArgsortNonNegative, radixSortKeysWithPayload } from '../../../analysis/topology/ripser/radixSort';
import { mulberry32 } from '../../../analysis/linalg/random';

test('radix sort equals a stable comparison sort and carries the payload', () => {
  const rnd = mulberry32(5);
  for (const m of [0, 1, 2, 17, 5000]) {
    const keys = new Float64Array(m).map(() => {
      const r = rnd();
      return r < 0.2 ? Math.floor(r * 20) : r < 0.25 ? 1e300 * r : r < 0.3 ? 1e-300 * r : r * 3;
    });
    const expected = Array.from({ length: m }, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
    assert.deepStrictEqual(Array.from(radixArgsortNonNegative(keys)), expected);
    const k2 = Float64Array.from(keys);
    const pay = Uint32Array.from({ length: m }, (_, i) => i * 7);
    radixSortKeysWithPayload(k2, pay);
    assert.deepStrictEqual(Array.from(k2), expected.map((i) => keys[i]));
    assert.deepStrictEqual(Array.from(pay), expected.map((i) => i * 7));
  }
});

test('keys that differ only below the high 32 bits: short runs (insertion) and long runs (comparison sort) stay exact and stable', () => {
  const rnd = mulberry32(9);
  for (const [m, spread] of [[40, 30], [3000, 30], [3000, 3]] as const) {
    // 1 + k 2^-40: one high word for all; with `spread` distinct k values, many exact ties too.
    const keys = new Float64Array(m).map(() => 1 + Math.floor(rnd() * spread) * 2 ** -40 + (rnd() < 0.1 ? 2 ** -10 : 0));
    const expected = Array.from({ length: m }, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
    const k2 = Float64Array.from(keys);
    const pay = Uint32Array.from({ length: m }, (_, i) => i);
    radixSortKeysWithPayload(k2, pay);
    assert.deepStrictEqual(Array.from(pay), expected);
    assert.deepStrictEqual(Array.from(k2), expected.map((i) => keys[i]));
  }
});
