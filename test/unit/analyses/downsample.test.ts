/** Min-max downsampling of training curves: bounded size, extremes and ends kept, identity when small. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downsampleMinMax } from '../../../analysis/analyses/runCurves/downsample';
import { Rng } from '../../../analysis/data/random';

function series(n: number, seed: number): { steps: number[]; values: number[] } {
  const rng = new Rng(seed);
  const steps = Array.from({ length: n }, (_, i) => i * 3);
  const values = steps.map((s) => Math.exp(-s / 5000) + 0.05 * rng.float());
  return { steps, values };
}

test('a short series passes through unchanged', () => {
  const { steps, values } = series(50, 1);
  assert.deepEqual(downsampleMinMax(steps, values, 100), { steps, values });
});

test('100,000 points shrink to at most maxPoints, keeping both ends, the global extremes and step order', () => {
  const { steps, values } = series(100_000, 2);
  values[31_337] = 9; // a spike: must survive
  values[77_777] = -3; // a dip
  const out = downsampleMinMax(steps, values, 1000);
  assert.ok(out.steps.length <= 1000 && out.steps.length >= 900, `got ${out.steps.length} points`);
  assert.equal(out.steps[0], steps[0]);
  assert.equal(out.steps[out.steps.length - 1], steps[steps.length - 1]);
  assert.ok(out.values.includes(9) && out.values.includes(-3));
  for (let i = 1; i < out.steps.length; i++) assert.ok(out.steps[i] > out.steps[i - 1], 'steps strictly increasing');
  // every kept point is a real point of the input
  const byStep = new Map(steps.map((s, i) => [s, values[i]]));
  for (let i = 0; i < out.steps.length; i++) assert.equal(out.values[i], byStep.get(out.steps[i]));
});

test('each bucket keeps its own minimum and maximum (brute force over the buckets)', () => {
  const { steps, values } = series(10_003, 3);
  const maxPoints = 202;
  const out = downsampleMinMax(steps, values, maxPoints);
  const kept = new Set(out.steps);
  const buckets = (maxPoints - 2) / 2;
  const interior = steps.length - 2;
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * interior) / buckets);
    const end = 1 + Math.floor(((b + 1) * interior) / buckets);
    const slice = values.slice(start, end);
    const lo = start + slice.indexOf(Math.min(...slice));
    const hi = start + slice.indexOf(Math.max(...slice));
    assert.ok(kept.has(steps[lo]) && kept.has(steps[hi]), `bucket ${b}`);
  }
});

test('NaN (a diverged step) is never dropped; bad arguments are refused', () => {
  const { steps, values } = series(5000, 4);
  values[4321] = NaN;
  assert.ok(downsampleMinMax(steps, values, 100).values.some(Number.isNaN));
  assert.throws(() => downsampleMinMax([1, 2], [1], 10), /2 steps but 1 values/);
  assert.throws(() => downsampleMinMax(steps, values, 3), /at least 4/);
});
