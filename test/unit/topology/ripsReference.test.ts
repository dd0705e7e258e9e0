/**
 * The fast engine against the textbook reduction on many small random inputs: identical bars, including
 * representatives (both break ties the same way, and persistence pairs are unique for a total order).
 * Covers dims 0-2, Z/2 and Z/p, thresholds, dense and sparse storage, heavy ties and non-metric input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRips, ripsFromPrepared, type RipsInput, type RipsStorage } from '../../../analysis/topology/rips';
import { naiveRipsPersistence } from '../../../analysis/topology/ripsNaive';
import { sortBars, type PersistenceBar } from '../../../analysis/topology/diagram';
import { mulberry32 } from '../../../analysis/linalg/random';
import { sphereCloud, uniformCloud } from './sampleClouds';

function randomIntegerMatrix(n: number, levels: number, seed: number): RipsInput {
  const rnd = mulberry32(seed);
  const data = new Float64Array((n * (n - 1)) / 2);
  for (let i = 0; i < data.length; i++) data[i] = 1 + Math.floor(rnd() * levels);
  return { kind: 'condensed', data, n };
}

function canonical(bars: PersistenceBar[]): string[] {
  return sortBars(bars).map((b) => `${b.dim}|${b.birth}|${b.death}|${b.birthSimplex.join(',')}|${b.deathSimplex.join(',')}`).sort();
}

function check(input: RipsInput, maxDim: number, modulus: number, threshold: number | undefined, storage: RipsStorage): PersistenceBar[] {
  const prep = prepareRips(input, { maxDim, modulus, threshold });
  const fast = ripsFromPrepared(prep, {}, storage);
  const slow = naiveRipsPersistence(prep.dist, prep.n, prep);
  assert.deepStrictEqual(canonical(fast), canonical(slow));
  if (storage === 'dense') {
    // Ripser's heap working column on the same dense complex gives the same pairs as the streams.
    assert.deepStrictEqual(canonical(ripsFromPrepared(prep, {}, 'dense', 'heap')), canonical(slow));
  }
  return fast;
}

test('fast engine = reference reduction on random clouds (dims 0-2, Z/2, dense and sparse)', () => {
  for (let seed = 1; seed <= 12; seed++) {
    const input: RipsInput = { kind: 'points', ...uniformCloud(9 + (seed % 5), 1 + (seed % 3), seed) };
    check(input, 2, 2, undefined, 'dense');
    check(input, 2, 2, undefined, 'sparse');
    check(input, 2, 2, 0.45, 'dense');
    check(input, 2, 2, 0.45, 'sparse');
  }
});

test('fast engine = reference reduction with Z/3 and Z/5 coefficients', () => {
  for (let seed = 20; seed < 28; seed++) {
    const input: RipsInput = { kind: 'points', ...uniformCloud(10, 3, seed) };
    for (const p of [3, 5]) {
      check(input, 2, p, undefined, 'dense');
      check(input, 2, p, 0.5, 'sparse');
    }
  }
});

test('fast engine = reference reduction on integer matrices with heavy ties (non-metric)', () => {
  for (let seed = 40; seed < 52; seed++) {
    const input = randomIntegerMatrix(11, 3 + (seed % 4), seed);
    check(input, 2, 2, undefined, 'dense');
    check(input, 2, 2, undefined, 'sparse');
    check(input, 2, 3, 2, 'sparse');
    check(input, 1, 2, 2, 'dense');
  }
});

test('fast engine = reference reduction on spheres, where H2 and H3 bars exist', () => {
  const seen = new Set<number>();
  for (let seed = 60; seed < 64; seed++) {
    const s2: RipsInput = { kind: 'points', ...sphereCloud(14, 3, seed) };
    const s3: RipsInput = { kind: 'points', ...sphereCloud(17, 4, seed) };
    for (const b of [...check(s2, 2, 2, undefined, 'dense'), ...check(s3, 3, 2, undefined, 'dense')]) seen.add(b.dim);
    check(s2, 2, 3, undefined, 'sparse');
    check(s2, 2, 2, 1.2, 'sparse');
  }
  assert.ok(seen.has(2) && seen.has(3), 'the sphere samples should exercise H2 and H3');
});
