import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../analysis/training/backend';
import { Rng } from '../../../analysis/data/random';
import { trainRun } from '../../../analysis/training/train';
import { parseTrainConfig } from '../../../analysis/spec/trainConfig';
import { readCheckpoint, readRun } from '../../../analysis/store/runStore';

type Shape4 = [number, number, number, number];

/** Gradients of sum(conv2d(x, w) * r) with respect to x and w on the current backend. */
function convGrads(x: number[], xs: number[], w: number[], ws: number[], r: number[], stride: number, pad: 'same' | 'valid') {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, xs as [number, number, number, number]);
    const wt = tf.tensor4d(w, ws as [number, number, number, number]);
    const f = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.sum(tf.mul(tf.conv2d(a, b, stride, pad), tf.tensor(r, tf.conv2d(a, b, stride, pad).shape)));
    const [gx, gw] = tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)([xt, wt]);
    return [Array.from(gx.dataSync()), Array.from(gw.dataSync())];
  });
}

test('wasm Conv2DBackpropFilter / Conv2DBackpropInput match the cpu backend', async () => {
  await selectBackend('wasm', { log: () => undefined });
  const rng = new Rng(5);
  const rand = (n: number) => Array.from({ length: n }, () => rng.normal());
  const cases = [
    { xs: [2, 7, 7, 3] as Shape4, ws: [3, 3, 3, 4] as Shape4, stride: 1, pad: 'same' as const },
    { xs: [2, 8, 8, 2] as Shape4, ws: [3, 3, 2, 5] as Shape4, stride: 2, pad: 'same' as const },
    { xs: [1, 9, 7, 1] as Shape4, ws: [5, 5, 1, 2] as Shape4, stride: 1, pad: 'valid' as const },
    { xs: [3, 10, 10, 4] as Shape4, ws: [3, 3, 4, 3] as Shape4, stride: 2, pad: 'valid' as const },
    { xs: [1, 6, 6, 2] as Shape4, ws: [1, 1, 2, 3] as Shape4, stride: 3, pad: 'same' as const },
  ];
  for (const c of cases) {
    const x = rand(c.xs.reduce((a, b) => a * b));
    const w = rand(c.ws.reduce((a, b) => a * b));
    await tf.setBackend('cpu');
    const outSize = tf.tidy(() => tf.conv2d(tf.zeros(c.xs) as tf.Tensor4D, tf.zeros(c.ws) as tf.Tensor4D, c.stride, c.pad).size);
    const r = rand(outSize);
    const [gxCpu, gwCpu] = convGrads(x, c.xs, w, c.ws, r, c.stride, c.pad);
    await tf.setBackend('wasm');
    const [gxWasm, gwWasm] = convGrads(x, c.xs, w, c.ws, r, c.stride, c.pad);
    const close = (a: number[], b: number[], what: string) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-4 * (1 + Math.abs(b[i])), `${what} ${JSON.stringify(c)}[${i}]: ${v} vs ${b[i]}`));
    close(gwWasm, gwCpu, 'dW');
    close(gxWasm, gxCpu, 'dX');
  }
});

test('a small CNN trains on wasm: conv kernels are [kh, kw, in, out] and the loss falls', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-cnn-'));
  const config = parseTrainConfig({
    dataset: { kind: 'mnist', trainSize: 300, testSize: 100 },
    model: { kind: 'cnn', layers: [{ type: 'conv2d', filters: 4, kernelSize: 3 }, { type: 'maxpool', size: 2 }, { type: 'conv2d', filters: 8, kernelSize: 3, stride: 2 }, { type: 'maxpool', size: 2 }], hidden: [16] },
    optimizer: { kind: 'adam', lr: 0.01 }, batchSize: 30, epochs: 3, checkpoints: { kind: 'even', count: 3 }, probe: { size: 50 },
    evaluation: { trainSize: 'all', testSize: 'all' },
  }, 'test');
  const r = await trainRun({ config, runsRoot: root, backend: 'wasm', isCancelled: () => false, onProgress: () => undefined, log: () => undefined });
  assert.equal(r.status, 'completed', r.error?.message);
  const run = readRun(r.runDir);
  const last = readCheckpoint(run.checkpoints.at(-1)!.file);
  assert.deepEqual(last['conv1/kernel'].shape, [3, 3, 1, 4]);
  assert.deepEqual(last['conv2/kernel'].shape, [3, 3, 4, 8]);
  assert.deepEqual(last['dense1/kernel'].shape, [3 * 3 * 8, 16]); // 28 -> pool 14 -> conv s2 7 -> pool 3
  assert.deepEqual(last['dense2/kernel'].shape, [16, 10]);
  assert.ok(run.run!.summary!.trainLoss < Math.log(10) - 0.3, `train loss ${run.run!.summary!.trainLoss}`);
});

test('wasm BatchMatMul with transposed operands matches the cpu backend (2-D and batched)', async () => {
  await selectBackend('wasm', { log: () => undefined });
  const rng = new Rng(11);
  const rand = (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal()), shape);
  const cases: [number[], number[], boolean, boolean][] = [
    [[5, 7], [5, 3], true, false],
    [[4, 6], [3, 6], false, true],
    [[6, 4], [3, 6], true, true],
    [[2, 5, 7], [2, 5, 3], true, false],
    [[2, 4, 6], [2, 3, 6], false, true],
  ];
  for (const [as, bs, ta, tb] of cases) {
    await tf.setBackend('cpu');
    const a = rand(as);
    const b = rand(bs);
    const av = Array.from(a.dataSync());
    const bv = Array.from(b.dataSync());
    const ref = Array.from(tf.matMul(a, b, ta, tb).dataSync());
    await tf.setBackend('wasm');
    const got = tf.tidy(() => Array.from(tf.matMul(tf.tensor(av, as), tf.tensor(bv, bs), ta, tb).dataSync()));
    assert.equal(got.length, ref.length);
    got.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 1e-4, `${as}x${bs} ta=${ta} tb=${tb} [${i}] ${v} vs ${ref[i]}`));
  }
});

test('wasm MaxPoolGrad matches the cpu backend, including ties (first maximum wins), padding and overlap', async () => {
  await selectBackend('wasm', { log: () => undefined });
  const rng = new Rng(3);
  const cases: { shape: [number, number, number, number]; size: number; stride: number; pad: 'valid' | 'same'; ties: boolean }[] = [
    { shape: [2, 8, 8, 3], size: 2, stride: 2, pad: 'valid', ties: false },
    { shape: [2, 7, 9, 2], size: 2, stride: 2, pad: 'valid', ties: true },
    { shape: [1, 7, 7, 2], size: 3, stride: 2, pad: 'same', ties: true },
    { shape: [3, 6, 6, 1], size: 3, stride: 1, pad: 'valid', ties: false },
  ];
  for (const c of cases) {
    const n = c.shape.reduce((a, b) => a * b);
    // Ties: ReLU-like zeros and repeated small integers, so windows often hold several equal maxima.
    const xv = Array.from({ length: n }, () => (c.ties ? Math.max(0, Math.round(rng.normal() * 2)) : rng.normal()));
    const grad = (backend: string) => {
      return tf.setBackend(backend).then(() => tf.tidy(() => {
        const x = tf.tensor4d(xv, c.shape);
        const out = tf.maxPool(x, c.size, c.stride, c.pad);
        const r = tf.tensor(Array.from({ length: out.size }, (_, i) => ((i * 7919) % 13) - 6), out.shape);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, c.size, c.stride, c.pad), r)))(x);
        return Array.from(g.dataSync());
      }));
    };
    const ref = await grad('cpu');
    const got = await grad('wasm');
    assert.deepEqual(got, ref, JSON.stringify(c));
  }
});
