import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { trainRun, type TrainRequest } from '../../../analysis/training/train';
import type { TrainProgress } from '../../../analysis/worker/protocol/training';
import { moonsConfig } from './moonsConfig';
import { listRuns, readCheckpoint, readMetrics, readRun, readSafetensorsFile } from '../../../analysis/store/runStore';
import { encodeIdx } from '../../../analysis/data/idx';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-train-'));
}

const moons = moonsConfig;

function request(config: ReturnType<typeof moons>, runsRoot: string, over: Partial<TrainRequest> = {}): TrainRequest {
  return { config, runsRoot, backend: 'cpu', isCancelled: () => false, onProgress: () => undefined, log: () => undefined, ...over };
}

function weightsOf(file: string): Record<string, number[]> {
  const t = readCheckpoint(file);
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Array.from(v.data)]));
}

test('trains an MLP: checkpoints on schedule, named tensors, probe probabilities, metrics, completed run.json', async () => {
  const root = tmp();
  const progress: TrainProgress[] = [];
  let created: string | undefined;
  const r = await trainRun(request(moons(), root, { name: 'moons test', onProgress: (p) => progress.push(p), onRunCreated: (id) => (created = id) }));
  assert.equal(r.status, 'completed');
  assert.equal(created, r.runId);
  assert.match(r.runId, /^\d{8}-\d{6}-moons-test-[0-9a-f]{4}$/);
  const entry = readRun(r.runDir);
  const run = entry.run!;
  assert.equal(run.status, 'completed');
  assert.equal(run.backend, 'cpu');
  assert.equal(run.shape!.totalSteps, 56); // ceil(200 / 32) = 7 steps per epoch, 8 epochs
  assert.deepEqual(entry.checkpoints.map((c) => c.step), [0, 10, 20, 30, 40, 50, 56]);
  assert.ok(run.summary!.testAccuracy! > 0.8, `moons should be learnt, got ${run.summary!.testAccuracy}`);

  const last = readCheckpoint(entry.checkpoints.at(-1)!.file);
  assert.deepEqual(Object.keys(last).sort(), ['dense1/bias', 'dense1/kernel', 'dense2/bias', 'dense2/kernel', 'probe/probs']);
  assert.deepEqual(last['dense1/kernel'].shape, [2, 8]);
  assert.deepEqual(last['probe/probs'].shape, [40, 2]);
  for (let i = 0; i < 40; i++) assert.ok(Math.abs(last['probe/probs'].data[2 * i] + last['probe/probs'].data[2 * i + 1] - 1) < 1e-5);

  const probe = readSafetensorsFile(path.join(r.runDir, 'probe.safetensors'));
  assert.deepEqual(probe.tensors['probe/inputs'].shape, [40, 2]);
  assert.equal(probe.metadata.split, 'test');
  // The recorded probabilities predict the probe labels about as well as the test accuracy says.
  let correct = 0;
  for (let i = 0; i < 40; i++) correct += Number((last['probe/probs'].data[2 * i + 1] > 0.5 ? 1 : 0) === probe.tensors['probe/labels'].data[i]);
  assert.ok(correct / 40 > 0.75);

  const metrics = readMetrics(r.runDir);
  assert.deepEqual(metrics.filter((m) => m.kind === 'eval').map((m) => m.step), [0, 10, 20, 30, 40, 50, 56]);
  assert.ok(metrics.some((m) => m.kind === 'train' && m.step === 56));
  assert.ok(progress.some((p) => p.checkpoint?.step === 56));
  assert.equal(progress.at(-1)!.step, 56);
  assert.equal(listRuns(root).length, 1);
});

test('one SGD step from zero weights equals the hand-computed softmax-regression gradient', async () => {
  const root = tmp();
  const config = moons({ model: { kind: 'mlp', hidden: [], bias: true }, init: { kind: 'zeros', symmetryBreaking: 0 }, optimizer: { kind: 'sgd', lr: 0.5 }, batchSize: 200, epochs: undefined, steps: 1, checkpoints: { kind: 'every', steps: 1 } });
  const r = await trainRun(request(config, root));
  const probe = readSafetensorsFile(path.join(r.runDir, 'probe.safetensors'));
  assert.equal(probe.metadata.split, 'test');
  // With W = 0, b = 0 every prediction is uniform (1/2, 1/2); the full batch is the whole training set.
  const { makeToyDataset } = await import('../../../analysis/data/toy');
  const ds = makeToyDataset({ shape: 'moons', trainSamples: 200, testSamples: 100, noise: 0.1, classes: 2, seed: 0 });
  const gW = [[0, 0], [0, 0]];
  const gb = [0, 0];
  for (let i = 0; i < 200; i++) {
    for (let c = 0; c < 2; c++) {
      const diff = 0.5 - (ds.train.labels[i] === c ? 1 : 0);
      gW[0][c] += (ds.train.x[2 * i] * diff) / 200;
      gW[1][c] += (ds.train.x[2 * i + 1] * diff) / 200;
      gb[c] += diff / 200;
    }
  }
  const w = weightsOf(readRun(r.runDir).checkpoints[1].file);
  const expectW = [-0.5 * gW[0][0], -0.5 * gW[0][1], -0.5 * gW[1][0], -0.5 * gW[1][1]];
  w['dense1/kernel'].forEach((v, i) => assert.ok(Math.abs(v - expectW[i]) < 1e-6, `kernel[${i}] ${v} vs ${expectW[i]}`));
  w['dense1/bias'].forEach((v, i) => assert.ok(Math.abs(v + 0.5 * gb[i]) < 1e-6));
});

test('cpu determinism: same config and seeds give bit-identical checkpoints; another seed does not', async () => {
  const root = tmp();
  const config = moons({ optimizer: { kind: 'adam', lr: 0.01 }, weightDecay: 1e-3, lrSchedule: { kind: 'cosine', minLr: 0 } });
  const a = await trainRun(request(config, root));
  const b = await trainRun(request(config, root));
  const c = await trainRun(request({ ...config, seeds: { ...config.seeds, shuffle: 2 } }, root));
  const ca = readRun(a.runDir).checkpoints;
  const cb = readRun(b.runDir).checkpoints;
  for (let i = 0; i < ca.length; i++) assert.deepEqual(weightsOf(cb[i].file), weightsOf(ca[i].file), `checkpoint ${ca[i].step}`);
  const cc = readRun(c.runDir).checkpoints;
  assert.deepEqual(weightsOf(cc[0].file)['dense1/kernel'], weightsOf(ca[0].file)['dense1/kernel'], 'init depends only on the init seed');
  assert.notDeepEqual(weightsOf(cc.at(-1)!.file)['dense1/kernel'], weightsOf(ca.at(-1)!.file)['dense1/kernel']);
});

for (const optimizer of [{ kind: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true }, { kind: 'adam', lr: 0.01 }] as const) {
  test(`cancel leaves an interrupted run; resume reaches the identical final state (${optimizer.kind})`, async () => {
    const root = tmp();
    const config = moons({ optimizer, checkpoints: { kind: 'log', count: 8 } });
    const full = await trainRun(request(config, root));
    let calls = 0;
    const cut = await trainRun(request(config, root, { isCancelled: () => ++calls > 33 }));
    assert.equal(cut.status, 'interrupted');
    assert.equal(readRun(cut.runDir).run!.status, 'interrupted');
    assert.ok(readRun(cut.runDir).checkpoints.length < readRun(full.runDir).checkpoints.length);
    const resumed = await trainRun(request(moons({ epochs: 1 }), root, { resumeRunDir: cut.runDir }));
    assert.equal(resumed.status, 'completed');
    assert.equal(resumed.runId, cut.runId);
    const a = readRun(full.runDir);
    const b = readRun(cut.runDir);
    assert.deepEqual(b.checkpoints.map((c) => c.step), a.checkpoints.map((c) => c.step));
    for (let i = 0; i < a.checkpoints.length; i++) assert.deepEqual(weightsOf(b.checkpoints[i].file), weightsOf(a.checkpoints[i].file), `step ${a.checkpoints[i].step}`);
    assert.deepEqual(readMetrics(b.dir).filter((m) => m.kind === 'eval').map((m) => m.step), a.checkpoints.map((c) => c.step));
    assert.equal(b.run!.resumedAt!.length, 1);
    await assert.rejects(trainRun(request(config, root, { resumeRunDir: cut.runDir })), /already completed/);
  });
}

test('a diverging loss stops the run as failed with the step', async () => {
  const root = tmp();
  const r = await trainRun(request(moons({ optimizer: { kind: 'sgd', lr: 1e30 }, model: { kind: 'mlp', hidden: [8], activation: 'linear' } }), root));
  assert.equal(r.status, 'failed');
  assert.match(r.error!.message, /diverged: the loss became (NaN|Infinity) at step \d+/);
  const run = readRun(r.runDir).run!;
  assert.equal(run.status, 'failed');
  assert.equal(run.error!.step, r.error!.step);
  assert.ok(r.error!.step! >= 1);
});

test('bad data: the run is failed with a message naming the file, and nothing else is written', async () => {
  const root = tmp();
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), encodeIdx([3, 2, 2], new Uint8Array(12)));
  fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), encodeIdx([2], new Uint8Array(2)));
  fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), encodeIdx([1, 2, 2], new Uint8Array(4)));
  fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([1], new Uint8Array(1)));
  const r = await trainRun(request(moons({ dataset: { kind: 'idx', dir } }), root));
  assert.equal(r.status, 'failed');
  assert.match(r.error!.message, /train-images-idx3-ubyte holds 3 images but .*train-labels-idx1-ubyte holds 2 labels/);
  assert.deepEqual(fs.readdirSync(r.runDir), ['run.json']);
  assert.equal(readRun(r.runDir).run!.status, 'failed');
});

test('zero init without symmetry breaking keeps the neurons of a sigmoid layer identical (SPEC A)', async () => {
  const root = tmp();
  const r = await trainRun(request(moons({ model: { kind: 'mlp', hidden: [4], activation: 'sigmoid', bias: false }, init: { kind: 'zeros', symmetryBreaking: 0 }, optimizer: { kind: 'sgd', lr: 0.5 } }), root));
  const k = readCheckpoint(readRun(r.runDir).checkpoints.at(-1)!.file)['dense1/kernel'];
  assert.ok(k.data.some((v) => v !== 0), 'the layer learns (sigmoid(0) = 0.5 passes gradient)');
  for (let row = 0; row < 2; row++) for (let j = 1; j < 4; j++) assert.equal(k.data[row * 4 + j], k.data[row * 4]);
  const r2 = await trainRun(request(moons({ model: { kind: 'mlp', hidden: [4], activation: 'sigmoid', bias: false }, init: { kind: 'zeros', symmetryBreaking: 1e-3 } }), root));
  const k2 = readCheckpoint(readRun(r2.runDir).checkpoints.at(-1)!.file)['dense1/kernel'];
  assert.notEqual(k2.data[1], k2.data[0]);
});

test('the tensor count stays flat over 2,000 steps', async () => {
  const root = tmp();
  const counts: number[] = [];
  const config = moons({ model: { kind: 'mlp', hidden: [4] }, batchSize: 20, epochs: undefined, steps: 2000, checkpoints: { kind: 'every', steps: 250 }, probe: { size: 10 }, optimizer: { kind: 'adam', lr: 0.01 } });
  const r = await trainRun(request(config, root, { onProgress: (p) => { if (p.step > 0) counts.push(tf.memory().numTensors); } }));
  assert.equal(r.status, 'completed');
  assert.ok(counts.length >= 8);
  assert.equal(Math.max(...counts), Math.min(...counts), `numTensors varied: ${counts.join(',')}`);
  const after = tf.memory().numTensors;
  assert.ok(after <= counts[0] - 4, 'variables and optimiser slots are disposed at the end');
});

test("evaluation testSize 'probe' scores the recorded probe predictions like a full evaluation of the same samples", async () => {
  const root = tmp();
  // A probe set covering the whole 100-sample test split: both ways score the same samples.
  const a = await trainRun(request(moons({ probe: { size: 100 }, evaluation: { trainSize: 'all', testSize: 'probe' } }), root));
  const b = await trainRun(request(moons({ probe: { size: 100 }, evaluation: { trainSize: 'all', testSize: 'all' } }), root));
  const ea = readMetrics(a.runDir).filter((m) => m.kind === 'eval');
  const eb = readMetrics(b.runDir).filter((m) => m.kind === 'eval');
  assert.equal(ea.length, eb.length);
  ea.forEach((m, i) => {
    const n = eb[i];
    assert.ok(m.kind === 'eval' && n.kind === 'eval');
    assert.equal(m.testAccuracy, n.testAccuracy);
    assert.ok(Math.abs(m.testLoss! - n.testLoss!) < 1e-4, `${m.testLoss} vs ${n.testLoss}`);
    assert.equal(m.trainLoss, n.trainLoss);
  });
});
