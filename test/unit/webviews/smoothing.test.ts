import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestIndex, nearestStep, smoothEma } from '../../../webviews/charts/smoothing';

function close(actual: number[], expected: number[], eps = 1e-12): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= eps * Math.max(1, Math.abs(expected[i])), `index ${i}: ${a} != ${expected[i]}`));
}

/** A seeded generator so the cross-check is reproducible. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

test('a constant series is returned exactly, for any weight', () => {
  for (const w of [0, 0.3, 0.6, 0.9, 0.999]) assert.deepEqual(smoothEma([0.7, 0.7, 0.7, 0.7, 0.7], w), [0.7, 0.7, 0.7, 0.7, 0.7]);
});

test('weight 0 is the identity', () => {
  const v = [3, -1, 2.5, 1e-9, 42];
  assert.deepEqual(smoothEma(v, 0), v);
});

test('the first smoothed point equals the first raw point (debiased), whatever the weight', () => {
  for (const w of [0.1, 0.5, 0.99, 0.999]) assert.ok(Math.abs(smoothEma([2.3, 0.1, 5], w)[0] - 2.3) < 1e-12);
});

test('hand-computed 3-point case, weight 0.5: [1, 2, 4] -> [1, 5/3, 3]', () => {
  // EMA: 0.5, 1.25, 2.625; debias by 1 - 0.5^n = 0.5, 0.75, 0.875
  close(smoothEma([1, 2, 4], 0.5), [1, 5 / 3, 3]);
});

test('equals the weighted mean with weights w^(age) (brute force, seeded random series)', () => {
  const rand = lcg(7);
  for (const w of [0.2, 0.6, 0.95]) {
    const v = Array.from({ length: 60 }, () => rand() * 10 - 5);
    const expected = v.map((_, i) => {
      let num = 0;
      let den = 0;
      for (let j = 0; j <= i; j++) {
        num += w ** (i - j) * v[j];
        den += w ** (i - j);
      }
      return num / den;
    });
    close(smoothEma(v, w), expected, 1e-9);
  }
});

test('non-finite values pass through and are left out of the average', () => {
  const s = smoothEma([1, NaN, 2, Infinity, 4], 0.5);
  assert.ok(Number.isNaN(s[1]));
  assert.equal(s[3], Infinity);
  close([s[0], s[2], s[4]], smoothEma([1, 2, 4], 0.5));
});

test('a weight outside [0, 1) is refused with a clear message', () => {
  assert.throws(() => smoothEma([1, 2], 1), /smoothing weight must be in \[0, 1\) \(got 1\)/);
  assert.throws(() => smoothEma([1, 2], -0.1), /smoothing weight/);
  assert.throws(() => smoothEma([1, 2], NaN), /smoothing weight/);
});

test('nearest step: exact hits, between neighbours, outside the range, empty', () => {
  const steps = [0, 10, 20, 50, 100];
  assert.equal(nearestIndex(steps, 20), 2);
  assert.equal(nearestIndex(steps, 13), 1);
  assert.equal(nearestIndex(steps, 17), 2);
  assert.equal(nearestIndex(steps, 76), 4);
  assert.equal(nearestIndex(steps, -5), 0);
  assert.equal(nearestIndex(steps, 1e9), 4);
  assert.equal(nearestIndex([], 3), -1);
  assert.equal(nearestStep([], 3), undefined);
  assert.equal(nearestStep([7], 1000), 7);
});

test('nearest step: a tie goes to the earlier step; repeated steps resolve to the first of them', () => {
  assert.equal(nearestStep([0, 10, 20], 5), 0);
  assert.equal(nearestStep([0, 10, 20], 15), 10);
  assert.equal(nearestIndex([0, 10, 10, 10, 20], 11), 1);
  assert.equal(nearestIndex([0, 10, 10, 10, 20], 15), 1);
  assert.equal(nearestIndex([0, 10, 20, 20], 99), 2);
});

test('nearest step agrees with a linear scan (seeded random steps and queries)', () => {
  const rand = lcg(11);
  for (let trial = 0; trial < 200; trial++) {
    const steps = Array.from({ length: 1 + Math.floor(rand() * 30) }, () => Math.floor(rand() * 100)).sort((a, b) => a - b);
    const q = Math.floor(rand() * 120) - 10 + (rand() < 0.5 ? 0.5 : 0);
    let best = 0;
    for (let i = 1; i < steps.length; i++) if (Math.abs(steps[i] - q) < Math.abs(steps[best] - q)) best = i;
    assert.equal(nearestIndex(steps, q), best, `steps ${steps.join(',')} query ${q}`);
  }
});
