import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveSeed, permutation, Rng } from '../../../analysis/data/random';
import { prepareData, stratifiedIndices } from '../../../analysis/data/prepare';
import { makeToyDataset } from '../../../analysis/data/toy';
import type { RawDataset } from '../../../analysis/data/dataset';

test('Rng: same seed same stream; uniform mean/variance and normal moments match theory', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  for (let i = 0; i < 100; i++) assert.equal(a.nextU32(), b.nextU32());
  assert.notEqual(new Rng(1).nextU32(), new Rng(2).nextU32());
  const r = new Rng(7);
  const n = 200_000;
  let s = 0, s2 = 0, z = 0, z2 = 0, z4 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.float();
    assert.ok(u >= 0 && u < 1);
    s += u; s2 += u * u;
    const g = r.normal();
    z += g; z2 += g * g; z4 += g ** 4;
  }
  assert.ok(Math.abs(s / n - 0.5) < 0.005);
  assert.ok(Math.abs(s2 / n - 1 / 3) < 0.005);
  assert.ok(Math.abs(z / n) < 0.01);
  assert.ok(Math.abs(z2 / n - 1) < 0.02);
  assert.ok(Math.abs(z4 / n - 3) < 0.1); // Gaussian kurtosis
  assert.notEqual(deriveSeed(1, 23), deriveSeed(12, 3));
});

test('permutation is a bijection and depends on the seed', () => {
  const p = permutation(1000, 3);
  assert.deepEqual(Array.from(p).sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
  assert.notDeepEqual(Array.from(p), Array.from(permutation(1000, 4)));
  assert.deepEqual(Array.from(p), Array.from(permutation(1000, 3)));
});

test('stratifiedIndices: equal shares when possible, fills from larger classes otherwise, ascending', () => {
  const labels = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2];
  const idx = stratifiedIndices(labels, 6, 3);
  const counts = [0, 0, 0];
  for (const i of idx) counts[labels[i]]++;
  assert.deepEqual(counts, [2, 2, 2]);
  const idx2 = stratifiedIndices(labels, 9, 3);
  const c2 = [0, 0, 0];
  for (const i of idx2) c2[labels[i]]++;
  assert.deepEqual(c2, [4, 2, 3]); // class 1 has only 2; round-robin gives the rest to 0 and 2
  assert.deepEqual(Array.from(idx2), [...idx2].sort((a, b) => a - b));
  assert.equal(stratifiedIndices(labels, 50, 3).length, 12);
});

function bytesDataset(): RawDataset {
  const n = 40;
  const x = Uint8Array.from({ length: n * 4 }, (_, k) => (k * 37) % 256);
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 4);
  return { name: 't', source: 'mem', inputShape: [2, 2, 1], classes: 4, train: { x, labels, n }, test: { x: x.slice(0, 80), labels: labels.slice(0, 20), n: 20 } };
}

const base = { subset: 'stratified' as const, normalize: 'unit' as const, probeSize: 8, probeSplit: 'test' as const, probeSeed: 1, evalTrainSize: 'all' as const, evalTestSize: 'all' as const };

test('prepareData: unit scaling, subsets, probe set stratified and seeded, eval subsets', () => {
  const raw = bytesDataset();
  const d = prepareData(raw, { ...base, trainSize: 12 });
  assert.equal(d.train.n, 12);
  assert.ok(Math.abs(d.train.x[1] - 37 / 255) < 1e-7);
  assert.equal(d.probe.n, 8);
  assert.equal(d.probe.split, 'test');
  const pc = [0, 0, 0, 0];
  for (const y of d.probe.y) pc[y]++;
  assert.deepEqual(pc, [2, 2, 2, 2]);
  for (let k = 0; k < d.probe.n; k++) assert.equal(d.probe.y[k], raw.test.labels[d.probe.indices[k]]);
  const again = prepareData(raw, { ...base, trainSize: 12 });
  assert.deepEqual(Array.from(again.probe.indices), Array.from(d.probe.indices));
  const other = prepareData(raw, { ...base, trainSize: 12, probeSeed: 2 });
  assert.notDeepEqual(Array.from(other.probe.indices), Array.from(d.probe.indices));
  assert.equal(d.evalTest.n, 20);
  assert.equal(prepareData(raw, { ...base, evalTestSize: 8 }).evalTest.n, 8);
});

test('prepareData standardize: training features get zero mean and unit variance; constant features only centred', () => {
  const raw = bytesDataset();
  for (let i = 0; i < raw.train.n; i++) raw.train.x[i * 4 + 3] = 200; // feature 3 constant
  const d = prepareData(raw, { ...base, normalize: 'standardize' });
  for (let j = 0; j < 4; j++) {
    let m = 0, v = 0;
    for (let i = 0; i < d.train.n; i++) m += d.train.x[i * 4 + j];
    m /= d.train.n;
    for (let i = 0; i < d.train.n; i++) v += (d.train.x[i * 4 + j] - m) ** 2;
    v /= d.train.n;
    assert.ok(Math.abs(m) < 1e-5, `feature ${j} mean ${m}`);
    assert.ok(j === 3 ? v < 1e-10 : Math.abs(v - 1) < 1e-4, `feature ${j} var ${v}`);
  }
});

test('toy sets: seeded, balanced, and shaped as promised', () => {
  const moons = makeToyDataset({ shape: 'moons', trainSamples: 400, testSamples: 100, noise: 0, classes: 2, seed: 3 });
  assert.deepEqual(moons.inputShape, [2]);
  assert.equal(moons.classes, 2);
  // Noise-free moons: class 0 on the unit circle centred at (0.5, 0.25) shifted back: (x+0.5)^2 + (y+0.25)^2 = 1
  for (let i = 0; i < moons.train.n; i++) {
    const [x, y] = [moons.train.x[2 * i], moons.train.x[2 * i + 1]];
    const r = moons.train.labels[i] === 0 ? Math.hypot(x + 0.5, y + 0.25) : Math.hypot(x + 0.5 - 1, y + 0.25 - 0.5);
    assert.ok(Math.abs(r - 1) < 1e-5);
  }
  const circles = makeToyDataset({ shape: 'circles', trainSamples: 200, testSamples: 10, noise: 0, classes: 2, seed: 1 });
  for (let i = 0; i < circles.train.n; i++) {
    const r = Math.hypot(circles.train.x[2 * i], circles.train.x[2 * i + 1]);
    assert.ok(Math.abs(r - (circles.train.labels[i] === 0 ? 1 : 0.5)) < 1e-5);
  }
  const xor = makeToyDataset({ shape: 'xor', trainSamples: 200, testSamples: 10, noise: 0, classes: 2, seed: 1 });
  for (let i = 0; i < xor.train.n; i++) assert.equal(xor.train.x[2 * i] * xor.train.x[2 * i + 1] > 0, xor.train.labels[i] === 0);
  const spirals = makeToyDataset({ shape: 'spirals', trainSamples: 300, testSamples: 30, noise: 0.01, classes: 3, seed: 1 });
  const counts = [0, 0, 0];
  for (const l of spirals.train.labels) counts[l]++;
  assert.deepEqual(counts, [100, 100, 100]);
  const blobs1 = makeToyDataset({ shape: 'blobs', trainSamples: 50, testSamples: 5, noise: 0.2, classes: 4, seed: 9 });
  const blobs2 = makeToyDataset({ shape: 'blobs', trainSamples: 50, testSamples: 5, noise: 0.2, classes: 4, seed: 9 });
  assert.deepEqual(Array.from(blobs1.train.x), Array.from(blobs2.train.x));
  assert.notDeepEqual(Array.from(blobs1.train.x), Array.from(makeToyDataset({ shape: 'blobs', trainSamples: 50, testSamples: 5, noise: 0.2, classes: 4, seed: 10 }).train.x));
});
