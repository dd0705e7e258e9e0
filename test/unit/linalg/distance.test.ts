/**
 * The WebAssembly SIMD distance kernel (linalg/wasmDistances.ts) against the plain pairwise formula:
 * every entry bit for bit (Object.is), for odd and even point counts (pairs of rows, the lone last row),
 * dimensions that leave remainders of the 4-pair blocks, and data that stresses the rounding (mixed
 * magnitudes, where any reordering of the sum would change the last bits).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { condensedDistances, euclideanDistance } from '../../../analysis/linalg/distance';
import { wasmCondensedDistances } from '../../../analysis/linalg/wasmDistances';
import { gaussianArray, mulberry32 } from '../../../analysis/linalg/random';

/** d(i, j) one pair at a time, the definition the kernels must reproduce. */
function reference(data: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array((n * (n - 1)) / 2);
  let p = 0;
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) out[p++] = euclideanDistance(data, d, i, j);
  return out;
}

function assertSameBits(got: Float64Array, want: Float64Array, label: string): void {
  assert.equal(got.length, want.length, `${label}: length`);
  for (let k = 0; k < want.length; k++) {
    if (!Object.is(got[k], want[k])) assert.fail(`${label}: entry ${k} is ${got[k]}, expected ${want[k]}`);
  }
}

/** Coordinates spread over many binades, so summing in another order would round differently. */
function mixedMagnitudes(n: number, d: number, seed: number): Float64Array {
  const rnd = mulberry32(seed);
  const g = gaussianArray(n * d, seed);
  return g.map((x) => x * 2 ** Math.floor(rnd() * 40 - 20));
}

test('the wasm kernel equals the pairwise formula bit for bit (n odd and even, block remainders)', (t) => {
  if (!wasmCondensedDistances(new Float64Array(4), 2, 2)) {
    t.skip('WebAssembly SIMD unavailable on this engine');
    return;
  }
  for (const d of [1, 2, 3, 7, 64]) {
    for (const n of [0, 1, 2, 3, 8, 9, 10, 17, 40, 41]) {
      const data = mixedMagnitudes(n, d, 1000 * d + n);
      const got = wasmCondensedDistances(data, n, d);
      assert.ok(got, `n=${n} d=${d}: kernel available`);
      assertSameBits(got, reference(data, n, d), `n=${n} d=${d}`);
    }
  }
});

test('a cloud big enough for the wasm route (300 points in R^784) gives the pairwise bits through condensedDistances', () => {
  const n = 301;
  const d = 784;
  const data = mixedMagnitudes(n, d, 5);
  assertSameBits(condensedDistances(data, n, d), reference(data, n, d), 'n=301 d=784');
  // and the same again: a second call reuses the compiled module for this d
  const other = gaussianArray(n * d, 6);
  assertSameBits(condensedDistances(other, n, d), reference(other, n, d), 'second cloud');
});
