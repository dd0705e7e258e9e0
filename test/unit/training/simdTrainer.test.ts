import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildModule, newMemory } from '../../../analysis/training/simd/assembler';
import { gemm, packB, packedSize } from '../../../analysis/training/simd/gemm';
import { maxPool } from '../../../analysis/training/simd/kernels';
import { expInPlace } from '../../../analysis/training/simd/exp';
import { SimdTrainer } from '../../../analysis/training/simd/trainer';
import { buildNetwork, resolveLayers } from '../../../analysis/training/network';
import { Optimizer } from '../../../analysis/training/optimizers';
import { meanCrossEntropy } from '../../../analysis/training/objective';
import { parseTrainConfig, type TrainConfigInput } from '../../../analysis/spec/trainConfig';
import { trainRun } from '../../../analysis/training/train';
import { readCheckpoint, readMetrics, readRun } from '../../../analysis/store/runStore';
import { Rng } from '../../../analysis/data/random';
import type { Tf } from '../../../analysis/training/tf';

const T = tf as unknown as Tf;

const readMetricsOf = (dir: string) => readMetrics(dir).filter((m) => m.kind === 'eval') as { step: number; trainLoss?: number; testLoss?: number }[];

test('generated gemm: A B, A^T B, A B^T with bias, ReLU, accumulation and ragged sizes match a brute-force product', () => {
  const rng = new Rng(7);
  const mem = newMemory(1 << 20);
  const cases = [
    { M: 7, N: 10, K: 13, ta: false, tb: false, bias: true, relu: true, acc: false },
    { M: 9, N: 16, K: 5, ta: true, tb: false, bias: false, relu: false, acc: true },
    { M: 6, N: 11, K: 8, ta: false, tb: true, bias: false, relu: false, acc: false },
    { M: 13, N: 3, K: 2, ta: true, tb: true, bias: true, relu: false, acc: false },
    { M: 1, N: 8, K: 1, ta: false, tb: false, bias: false, relu: true, acc: true },
  ];
  for (const c of cases) {
    const { M, N, K } = c;
    const h = new Float32Array(mem.buffer);
    const [pa, pb, pp, pc, pbias] = [0, 4096, 8192, 16384, 32768];
    const A = Array.from({ length: M * K }, () => rng.normal());
    const B = Array.from({ length: K * N }, () => rng.normal());
    const C0 = Array.from({ length: M * N }, () => rng.normal());
    const bias = Array.from({ length: N }, () => rng.normal());
    h.set(A, pa / 4);
    h.set(B, pb / 4);
    h.set(C0, pc / 4);
    h.set(bias, pbias / 4);
    const a = (i: number, k: number) => (c.ta ? A[k * M + i] : A[i * K + k]);
    const b = (k: number, j: number) => (c.tb ? B[j * K + k] : B[k * N + j]);
    const k = buildModule([
      { name: 'pack', fn: packB({ K, N, sbk: c.tb ? 4 : N * 4, sbj: c.tb ? K * 4 : 4 }) },
      { name: 'gemm', fn: gemm({ M, N, K, sai: c.ta ? 4 : K * 4, sak: c.ta ? M * 4 : 4, ldc: N * 4, bias: c.bias, relu: c.relu, accumulate: c.acc }) },
    ], mem);
    assert.ok(packedSize(K, N) * 4 <= pc - pp);
    k.pack(pb, pp);
    k.gemm(pa, pp, pc, pbias);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let q = 0; q < K; q++) s += a(i, q) * b(q, j);
        if (c.bias) s += bias[j];
        if (c.acc) s += C0[i * N + j];
        if (c.relu) s = Math.max(0, s);
        assert.ok(Math.abs(h[pc / 4 + i * N + j] - s) < 1e-4 * (1 + Math.abs(s)), `${JSON.stringify(c)} C[${i},${j}] ${h[pc / 4 + i * N + j]} vs ${s}`);
      }
    }
  }
});

test('generated SIMD exp: within 2 float32 ulps of Math.exp on [-87, 88], clamped below, NaN kept, ragged n', () => {
  const mem = newMemory(1 << 20);
  const k = buildModule([{ name: 'exp', fn: expInPlace() }], mem);
  const f32 = new Float32Array(mem.buffer);
  const rng = new Rng(11);
  const special = [0, -0, -1e-30, Math.log(2) / 2, -Math.log(2) / 2, -87, -87.3, -100, -Infinity, NaN, 1, 10, 88];
  const xs = Float32Array.from([...special, ...Array.from({ length: 10_001 }, () => rng.uniform(-87, 0))]); // odd count: a partial last vector
  f32.set(xs, 16);
  f32[16 + xs.length + 3] = 12345; // past the rounded-up vector: untouched
  k.exp(64, xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const got = f32[16 + i];
    if (Number.isNaN(x)) assert.ok(Number.isNaN(got), 'NaN stays NaN');
    else if (x < -87.3) assert.ok(got > 0 && got < 2e-38, `exp(${x}) clamps to ~1e-38, got ${got}`);
    else assert.ok(Math.abs(got - Math.exp(x)) <= 2 * 2 ** -23 * Math.exp(x), `exp(${x}): ${got} vs ${Math.exp(x)}`);
  }
  assert.equal(f32[16 + xs.length + 3], 12345);
});

test('generated max-pool gradient matches the cpu backend, ties included (first maximum wins)', async () => {
  await tf.setBackend('cpu');
  const rng = new Rng(3);
  for (const g of [{ H: 6, W: 6, C: 4, size: 2, stride: 2 }, { H: 7, W: 7, C: 8, size: 3, stride: 2 }, { H: 5, W: 4, C: 4, size: 2, stride: 1 }]) {
    const Ho = Math.floor((g.H - g.size) / g.stride) + 1;
    const Wo = Math.floor((g.W - g.size) / g.stride) + 1;
    const B = 2;
    const xs = Array.from({ length: B * g.H * g.W * g.C }, () => Math.max(0, Math.round(rng.normal() * 2)));
    const dys = Array.from({ length: B * Ho * Wo * g.C }, (_, i) => ((i * 7919) % 13) - 6);
    const [ref, refOut] = tf.tidy(() => {
      const x = tf.tensor4d(xs, [B, g.H, g.W, g.C]);
      const out = tf.maxPool(x, g.size, g.stride, 'valid');
      const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, g.size, g.stride, 'valid'), tf.tensor(dys, out.shape))))(x);
      return [Array.from(dx.dataSync()), Array.from(out.dataSync())];
    });
    const mem = newMemory(1 << 18);
    const h = new Float32Array(mem.buffer);
    const geo = { ...g, Ho, Wo };
    const k = buildModule([{ name: 'fwd', fn: maxPool(geo, false) }, { name: 'grad', fn: maxPool(geo, true) }], mem);
    const [px, pdy, pdx, pout] = [0, 16384, 32768, 65536];
    h.set(xs, px / 4);
    h.set(dys, pdy / 4);
    k.fwd(px, pout, B);
    k.grad(px, pdy, pdx, B);
    assert.deepEqual(Array.from(h.subarray(pout / 4, pout / 4 + refOut.length)), refOut, `pool ${JSON.stringify(g)}`);
    assert.deepEqual(Array.from(h.subarray(pdx / 4, pdx / 4 + ref.length)), ref, `pool grad ${JSON.stringify(g)}`);
  }
});

/** Three steps of the tfjs path on the cpu backend vs the fused SIMD step, from the same weights. */
function compareSteps(model: TrainConfigInput['model'], shape: number[], optimizer: TrainConfigInput['optimizer'], B: number, weightDecay = 0): void {
  const cfg = parseTrainConfig({ dataset: { kind: 'mnist' }, model, optimizer, batchSize: B, steps: 3, weightDecay, init: { kind: 'glorot-uniform' } }, 'test');
  if (cfg.model.kind === 'file') throw new Error('unreachable');
  const layers = resolveLayers(cfg.model, shape, 10);
  const net = buildNetwork(T, layers, shape, cfg.init, 3);
  const opt = new Optimizer(T, cfg.optimizer, net.params);
  const D = shape.reduce((a, b) => a * b, 1);
  const simd = new SimdTrainer(layers, shape, 10, cfg.optimizer, B);
  simd.importState(new Map(net.params.map((p) => [p.name, new Float32Array(p.variable.dataSync())])), opt.slotArrays(), 0);
  for (let step = 1; step <= 3; step++) {
    const x = Float32Array.from({ length: B * D }, (_, i) => Math.sin(i * 0.37 + step) * 0.8 + 0.1);
    const y = Int32Array.from({ length: B }, (_, i) => (i * 3 + step) % 10);
    const lossT = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => meanCrossEntropy(T, net.forward(tf.tensor2d(x, [B, D])), tf.tensor1d(y, 'int32'), 10, false), net.params.map((p) => p.variable));
      opt.apply(new Map(net.params.map((p) => [p.name, grads[p.variable.name]])), cfg.optimizer.lr, cfg.weightDecay);
      return value;
    });
    simd.input(B).set(x);
    const r = simd.step(B, y, cfg.optimizer.lr, cfg.weightDecay);
    const what = `${JSON.stringify(model)} step ${step}`;
    assert.ok(Math.abs(r.loss - lossT.dataSync()[0]) < 1e-5, `${what}: loss ${r.loss} vs ${lossT.dataSync()[0]}`);
    lossT.dispose();
    const { weights, slots } = simd.exportState();
    const refSlots = opt.slotArrays();
    for (const p of net.params) {
      const ref = p.variable.dataSync();
      const got = weights.get(p.name)!;
      ref.forEach((v, i) => assert.ok(Math.abs(got[i] - v) < 1e-5 * (1 + Math.abs(v)), `${what}: ${p.name}[${i}] ${got[i]} vs ${v}`));
      (refSlots.get(p.name) ?? []).forEach((s, j) => s.forEach((v, i) => assert.ok(Math.abs(slots.get(p.name)![j][i] - v) < 1e-5 * (1 + Math.abs(v)), `${what}: slot ${j} of ${p.name}`)));
    }
  }
  opt.dispose();
  net.dispose();
}

test('fused SIMD step = tfjs autodiff + optimizer on the cpu backend (dense, activations, bias off, momentum/Nesterov/Adam, decay)', async () => {
  await tf.setBackend('cpu');
  compareSteps({ kind: 'mlp', hidden: [32], activation: 'relu' }, [6, 6, 1], { kind: 'sgd', lr: 0.1 }, 7);
  compareSteps({ kind: 'mlp', hidden: [13, 9], activation: 'sigmoid', bias: false }, [5, 5, 1], { kind: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true }, 5, 0.01);
  compareSteps({ kind: 'mlp', hidden: [12], activation: 'tanh' }, [4, 4, 2], { kind: 'adam', lr: 0.01 }, 6);
});

test('fused SIMD step = tfjs on cpu for CNNs (same/valid padding, stride 2, overlapping pools, odd channels, sigmoid conv)', async () => {
  await tf.setBackend('cpu');
  compareSteps({ kind: 'cnn', layers: [{ type: 'conv2d', filters: 4, kernelSize: 3 }, { type: 'maxpool', size: 2 }, { type: 'conv2d', filters: 8, kernelSize: 3, stride: 2 }, { type: 'maxpool', size: 2 }], hidden: [16] }, [12, 12, 1], { kind: 'adam', lr: 0.01 }, 3);
  compareSteps({ kind: 'cnn', layers: [{ type: 'conv2d', filters: 5, kernelSize: 3, padding: 'valid' }, { type: 'maxpool', size: 3, stride: 2 }, { type: 'conv2d', filters: 4, kernelSize: 2, activation: 'sigmoid' }], hidden: [] }, [9, 9, 3], { kind: 'sgd', lr: 0.1, momentum: 0.5 }, 4, 0.001);
  compareSteps({ kind: 'cnn', layers: [{ type: 'conv2d', filters: 16, kernelSize: 3 }, { type: 'maxpool', size: 2 }, { type: 'conv2d', filters: 32, kernelSize: 3 }, { type: 'maxpool', size: 2 }], hidden: [] }, [28, 28, 1], { kind: 'sgd', lr: 0.1 }, 2);
});

test('wasm (fused step): same config gives bit-identical checkpoints; cancel + resume reaches the identical final state', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-simd-'));
  const config = parseTrainConfig({
    dataset: { kind: 'toy', shape: 'moons', trainSamples: 200, testSamples: 100, noise: 0.1, seed: 0 },
    model: { kind: 'mlp', hidden: [8], activation: 'tanh' }, optimizer: { kind: 'adam', lr: 0.01 }, weightDecay: 1e-3,
    batchSize: 32, epochs: 4, checkpoints: { kind: 'log', count: 6 }, probe: { size: 40 },
  }, 'test');
  const req = { config, runsRoot: root, backend: 'wasm' as const, onProgress: () => undefined, log: () => undefined };
  const a = await trainRun({ ...req, isCancelled: () => false });
  const b = await trainRun({ ...req, isCancelled: () => false });
  let calls = 0;
  const cut = await trainRun({ ...req, isCancelled: () => ++calls > 15 });
  assert.equal(cut.status, 'interrupted');
  const resumed = await trainRun({ ...req, isCancelled: () => false, resumeRunDir: cut.runDir });
  assert.equal(resumed.status, 'completed');
  const ca = readRun(a.runDir).checkpoints;
  for (const other of [b.runDir, cut.runDir]) {
    const co = readRun(other).checkpoints;
    assert.deepEqual(co.map((c) => c.step), ca.map((c) => c.step));
    for (let i = 0; i < ca.length; i++) assert.deepEqual(readCheckpoint(co[i].file), readCheckpoint(ca[i].file), `${other} step ${ca[i].step}`);
  }
});

test('wasm checkpoints from the fused step (its own forward pass) match the tfjs path: probe probabilities and evaluation', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-simd-ckpt-'));
  const config = parseTrainConfig({
    dataset: { kind: 'mnist', trainSize: 300, testSize: 100 },
    model: { kind: 'cnn', layers: [{ type: 'conv2d', filters: 4, kernelSize: 3 }, { type: 'maxpool', size: 2 }], hidden: [8] },
    optimizer: { kind: 'sgd', lr: 0.05 }, batchSize: 32, steps: 4, checkpoints: { kind: 'every', steps: 2 }, probe: { size: 50 },
    evaluation: { trainSize: 70, testSize: 'all' },
  }, 'test');
  const runs = [];
  for (const fusedWasmStep of [true, false]) {
    const r = await trainRun({ config, runsRoot: root, backend: 'wasm', fusedWasmStep, isCancelled: () => false, onProgress: () => undefined, log: () => undefined });
    assert.equal(r.status, 'completed', r.error?.message);
    runs.push(readRun(r.runDir));
  }
  const [fused, ops] = runs;
  assert.deepEqual(fused.checkpoints.map((c) => c.step), [0, 2, 4]);
  fused.checkpoints.forEach((c, i) => {
    const a = readCheckpoint(c.file);
    const b = readCheckpoint(ops.checkpoints[i].file);
    const tol = i === 0 ? 1e-5 : 1e-3; // step 0: same weights; later: rounding differences of training
    for (const name of Object.keys(b)) a[name].data.forEach((v, j) => assert.ok(Math.abs(v - b[name].data[j]) < tol, `step ${c.step} ${name}[${j}] ${v} vs ${b[name].data[j]}`));
  });
  const evals = (r: typeof fused) => readMetricsOf(r.dir);
  const [ea, eb] = [evals(fused), evals(ops)];
  ea.forEach((m, i) => {
    assert.ok(Math.abs(m.trainLoss! - eb[i].trainLoss!) < 1e-3, `train loss at ${m.step}`);
    assert.ok(Math.abs(m.testLoss! - eb[i].testLoss!) < 1e-3, `test loss at ${m.step}`);
  });
});
