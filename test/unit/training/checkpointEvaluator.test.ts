import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { trainRun, type TrainRequest } from '../../../analysis/training/train';
import { parseTrainConfig, type TrainConfigInput } from '../../../analysis/spec/trainConfig';
import { resolveLayers } from '../../../analysis/training/network';
import { InlineEvaluator, liveEvaluatorThreads, ThreadEvaluator } from '../../../analysis/training/checkpointEvaluator';
import { CheckpointPipeline } from '../../../analysis/training/checkpointPipeline';
import { checkpointPaths } from '../../../analysis/training/recorder';
import { MetricsLog } from '../../../analysis/training/metricsLog';
import { SimdTrainer } from '../../../analysis/training/simd/trainer';
import { recordCheckpoint, type EvaluationSets } from '../../../analysis/training/checkpointRecord';
import { AtomicWriteQueue } from '../../../analysis/store/atomic';
import { readMetrics, readRun, readSafetensorsFile } from '../../../analysis/store/runStore';
import { Rng } from '../../../analysis/data/random';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-evaluator-'));

const config = (over: Partial<TrainConfigInput>) => parseTrainConfig({
  dataset: { kind: 'mnist', trainSize: 400, testSize: 150 },
  model: { kind: 'mlp', hidden: [16], activation: 'sigmoid' },
  optimizer: { kind: 'adam', lr: 0.01 }, batchSize: 32, steps: 24,
  checkpoints: { kind: 'every', steps: 2 }, probe: { size: 60 }, evaluation: { trainSize: 90, testSize: 'all' }, logEvery: 1,
  ...over,
}, 'test');

function request(c: ReturnType<typeof config>, runsRoot: string, over: Partial<TrainRequest> = {}): TrainRequest {
  return { config: c, runsRoot, backend: 'wasm', isCancelled: () => false, onProgress: () => undefined, log: () => undefined, ...over };
}

/** A checkpoint's tensors as raw bytes and its metadata, less the run id (the only thing two runs differ in). */
function content(file: string) {
  const { tensors, metadata } = readSafetensorsFile(file);
  const { runId, ...rest } = metadata;
  assert.ok(runId);
  return { metadata: rest, tensors: Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { shape: t.shape, bytes: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64') }])) };
}

const evalLines = (runDir: string) => fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"kind":"eval"'));

for (const [what, over] of [
  ['MLP, Adam, test set = probe set', { probe: { size: 60, split: 'test' }, evaluation: { trainSize: 90, testSize: 'probe' } }],
  ['CNN, SGD momentum, a test set of its own, last batch short', { model: { kind: 'cnn', layers: [{ type: 'conv2d', filters: 4, kernelSize: 3 }, { type: 'maxpool', size: 2 }], hidden: [8] }, optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9 }, steps: 15, batchSize: 30 }],
] as [string, Partial<TrainConfigInput>][]) {
  test(`checkpoints evaluated on the thread are byte-identical to inline ones (${what})`, async () => {
    const root = tmp();
    const c = config(over);
    let threadsDuringRun = 0;
    const announced: number[] = [];
    const threaded = await trainRun(request(c, root, {
      onProgress: (p) => {
        threadsDuringRun = Math.max(threadsDuringRun, liveEvaluatorThreads());
        if (!p.checkpoint) return;
        // Announced only once on disk: the file complete, its eval record in metrics.jsonl.
        announced.push(p.checkpoint.step);
        assert.equal(readSafetensorsFile(p.checkpoint.file).metadata.step, String(p.checkpoint.step));
        assert.ok(evalLines(p.runDir).some((l) => JSON.parse(l).step === p.checkpoint!.step), `eval record of step ${p.checkpoint.step}`);
      },
    }));
    const inline = await trainRun(request(c, root, { checkpointEvaluator: 'inline' }));
    assert.equal(threaded.status, 'completed', threaded.error?.message);
    assert.equal(inline.status, 'completed', inline.error?.message);
    assert.equal(threaded.checkpointCost!.evaluator, 'thread');
    assert.equal(inline.checkpointCost!.evaluator, 'inline');
    assert.equal(threadsDuringRun, 1);
    assert.deepEqual([announced[0], announced.at(-1)], [0, c.steps]);
    const [a, b] = [readRun(threaded.runDir), readRun(inline.runDir)];
    assert.ok(a.checkpoints.length >= 8);
    assert.deepEqual(a.checkpoints.map((x) => x.step), b.checkpoints.map((x) => x.step));
    assert.equal(threaded.checkpointCost!.count, a.checkpoints.length);
    // Weights and probe probabilities bit for bit, the same metadata; the resume state of the last checkpoint byte for byte.
    a.checkpoints.forEach((x, i) => assert.deepEqual(content(x.file), content(b.checkpoints[i].file), `checkpoint ${x.step}`));
    assert.ok(fs.readFileSync(path.join(a.dir, 'state/resume.safetensors')).equals(fs.readFileSync(path.join(b.dir, 'state/resume.safetensors'))));
    // The eval records, byte for byte, and every record in the order an inline run writes them.
    assert.deepEqual(evalLines(a.dir), evalLines(b.dir));
    assert.equal(evalLines(a.dir).length, a.checkpoints.length);
    const order = (dir: string) => readMetrics(dir).map((m) => `${m.kind}@${m.step}`);
    assert.deepEqual(order(a.dir), order(b.dir));
    const ma = readMetrics(a.dir);
    ma.forEach((m, i) => {
      if (m.kind !== 'eval') return;
      assert.ok(i === 0 || ma[i - 1].step <= m.step, `eval ${m.step} after a later train record`);
      assert.ok(i === ma.length - 1 || ma[i + 1].step > m.step, `eval ${m.step} before an earlier train record`);
    });
    assert.deepEqual(a.run!.summary, b.run!.summary);
    assert.equal(liveEvaluatorThreads(), 0);
  });
}

test('the evaluator thread is ended on cancel (run resumable to the same state) and on divergence', async () => {
  const root = tmp();
  const c = config({ steps: 30, checkpoints: { kind: 'every', steps: 3 } });
  const full = await trainRun(request(c, root));
  let calls = 0;
  let seen = 0;
  const cut = await trainRun(request(c, root, { isCancelled: () => ++calls > 14, onProgress: () => (seen = Math.max(seen, liveEvaluatorThreads())) }));
  assert.equal(cut.status, 'interrupted');
  assert.equal(seen, 1);
  assert.equal(liveEvaluatorThreads(), 0, 'cancel ended the thread');
  // Every checkpoint taken before the cancel is complete: file, eval record, resume state at the last one.
  const partial = readRun(cut.runDir);
  assert.deepEqual(evalLines(cut.runDir), evalLines(full.runDir).slice(0, partial.checkpoints.length));
  const resumed = await trainRun(request(c, root, { resumeRunDir: cut.runDir }));
  assert.equal(resumed.status, 'completed');
  assert.equal(liveEvaluatorThreads(), 0);
  const [a, b] = [readRun(full.runDir), readRun(cut.runDir)];
  assert.deepEqual(b.checkpoints.map((x) => x.step), a.checkpoints.map((x) => x.step));
  a.checkpoints.forEach((x, i) => assert.deepEqual(content(b.checkpoints[i].file), content(x.file), `checkpoint ${x.step}`));
  assert.deepEqual(evalLines(cut.runDir), evalLines(full.runDir));

  const diverged = await trainRun(request(config({ optimizer: { kind: 'sgd', lr: 1e30 }, model: { kind: 'mlp', hidden: [8], activation: 'linear' } }), root));
  assert.equal(diverged.status, 'failed');
  assert.match(diverged.error!.message, /diverged/);
  assert.equal(diverged.checkpointCost!.evaluator, 'thread');
  assert.equal(liveEvaluatorThreads(), 0, 'failure ended the thread');
});

/** A small fused engine and its evaluation sets, for the evaluator on its own. */
function engineAndSets() {
  const c = config({});
  if (c.model.kind === 'file') throw new Error('unreachable');
  const layers = resolveLayers(c.model, [28, 28, 1], 10);
  const rng = new Rng(5);
  const split = (n: number) => ({ x: Float32Array.from({ length: n * 784 }, () => rng.uniform(0, 1)), y: Int32Array.from({ length: n }, (_, i) => i % 10), n });
  const sets: EvaluationSets = { classes: 10, probe: split(20), evalTrain: split(33), evalTest: 'probe' };
  return { spec: { layers, inputShape: [28, 28, 1], classes: 10, optimizer: c.optimizer, batchSize: 8 }, sets };
}

test('evaluator thread: start-up failures say why; its files equal inline ones, in order; a bad snapshot fails its checkpoint, keeps later metrics', async () => {
  const { spec, sets } = engineAndSets();
  const missing = ThreadEvaluator.spawn('/nonexistent/evaluator.js');
  await assert.rejects(missing.init(spec, sets), /could not start: \/nonexistent\/evaluator\.js is missing/);
  await missing.close();
  const dir = tmp();
  const broken = path.join(dir, 'broken.js');
  fs.writeFileSync(broken, 'throw new Error("no engine here");');
  const crashing = ThreadEvaluator.spawn(broken);
  await assert.rejects(crashing.init(spec, sets), /thread failed: no engine here/);
  await crashing.close();
  assert.equal(liveEvaluatorThreads(), 0);

  const thread = ThreadEvaluator.spawn();
  await thread.init(spec, sets);
  const engine = new SimdTrainer(spec.layers, spec.inputShape, 10, spec.optimizer, spec.batchSize);
  const snapshot = (step: number, scale: number) => {
    const { weights, slots } = engine.exportState();
    for (const w of weights.values()) w.forEach((_, i) => (w[i] = Math.sin(i * scale)));
    engine.importWeights(weights);
    return { step, weights: Object.fromEntries(engine.params.map((p) => [p.name, { dtype: 'F32' as const, shape: p.shape, data: weights.get(p.name)! }])), optimizerState: Object.fromEntries(engine.params.map((p) => [`optimizer/${p.name}/m`, { dtype: 'F32' as const, shape: p.shape, data: slots.get(p.name)![0] }])), iterations: step, metadata: { runId: 'test' } };
  };
  // The thread's files and scores of a snapshot are the training thread's, byte for byte.
  const writes = new AtomicWriteQueue();
  const pathsFor = (name: string) => ({ checkpoint: path.join(dir, `${name}.safetensors`), resume: path.join(dir, `${name}-resume.safetensors`) });
  const inline = new InlineEvaluator((x, n) => engine.logits(x, n), sets, writes).record(snapshot(1, 0.37), pathsFor('inline'));
  const fromThread = thread.record(snapshot(1, 0.37), pathsFor('thread'));
  const [si, st] = await Promise.all([inline.scored, fromThread.scored]);
  await Promise.all([inline.stored, fromThread.stored]);
  assert.deepEqual([st.train, st.test], [si.train, si.test]);
  for (const f of ['', '-resume']) assert.ok(fs.readFileSync(path.join(dir, `thread${f}.safetensors`)).equals(fs.readFileSync(path.join(dir, `inline${f}.safetensors`))), `file${f}`);
  assert.ok(st.snapshotStorage.every((b) => b.byteLength > 0), 'the snapshot storage comes back, usable');
  // A checkpoint the training thread evaluated itself (the thread behind): the thread only writes it, after
  // the one before it.
  const before = thread.record(snapshot(2, 0.41), pathsFor('before'));
  const own = thread.store(recordCheckpoint((x, n) => engine.logits(x, n), sets, snapshot(3, 0.37)), pathsFor('stored'));
  const order: string[] = [];
  await Promise.all([before.stored.then(() => order.push('before')), own.stored.then(() => order.push('stored'))]);
  assert.deepEqual(order, ['before', 'stored']);
  assert.deepEqual((await own.scored).train, st.train);
  const { metadata, tensors } = readSafetensorsFile(path.join(dir, 'stored.safetensors'));
  assert.equal(metadata.step, '3');
  assert.deepEqual(tensors['probe/probs'], readSafetensorsFile(path.join(dir, 'thread.safetensors')).tensors['probe/probs']);

  // Through the pipeline: a snapshot with a missing tensor fails; the next checkpoint is dropped, the
  // metrics recorded after the failed one still reach the file, and drain reports the first failure.
  const metrics = new MetricsLog(path.join(dir, 'metrics.jsonl'));
  const written: number[] = [];
  const pipeline = new CheckpointPipeline({ runDir: dir, metrics, maxPending: 2, onScored: () => undefined, onWritten: (ref) => written.push(ref.step) });
  const submit = (step: number, snap: ReturnType<typeof snapshot>) => {
    const paths = checkpointPaths(dir, step);
    pipeline.submit(step, step / 20, paths.checkpoint, thread.record(snap, paths));
  };
  submit(2, snapshot(2, 0.5));
  metrics.append({ kind: 'train', step: 3, epoch: 0.15, loss: 1, accuracy: 0.5, lr: 0.1 });
  const bad = snapshot(4, 0.7);
  delete bad.weights[engine.params[0].name];
  submit(4, bad);
  metrics.append({ kind: 'train', step: 5, epoch: 0.25, loss: 1, accuracy: 0.5, lr: 0.1 });
  submit(6, snapshot(6, 0.9));
  await assert.rejects(pipeline.drain(), /evaluator failed at a checkpoint: SIMD trainer: no weights of size \d+ for dense1\/kernel/);
  await assert.rejects(pipeline.ready(), /no weights/);
  await metrics.drain();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(written, [2], 'only the recorded checkpoint is reported written');
  const lines = readMetrics(dir).map((m) => `${m.kind}@${m.step}`);
  assert.deepEqual(lines, ['eval@2', 'train@3', 'train@5']);
  assert.equal(pipeline.scored, 1);
  assert.ok(fs.existsSync(path.join(dir, 'checkpoints', 'step-0000002.safetensors')));
  assert.ok(!fs.existsSync(path.join(dir, 'checkpoints', 'step-0000006.safetensors')));
  await thread.close();
  await assert.rejects(thread.record(snapshot(8, 1), checkpointPaths(dir, 8)).scored, /closed/);
  assert.equal(liveEvaluatorThreads(), 0);
});

test('metrics keep their order when eval records come late; an idle evaluator thread never holds up process exit', async () => {
  const dir = tmp();
  const log = new MetricsLog(path.join(dir, 'metrics.jsonl'));
  await log.drain(); // nothing to write: returns at once
  const rec = (kind: 'train' | 'eval', step: number) => (kind === 'train' ? { kind, step, epoch: step, loss: 1, accuracy: 0, lr: 1 } : { kind, step, epoch: step, trainLoss: 1, trainAccuracy: 0 });
  log.append(rec('train', 1));
  const s2 = log.reserve();
  log.append(rec('train', 3));
  const s4 = log.reserve();
  log.append(rec('train', 5));
  s4.fill(rec('eval', 4));
  await log.written();
  assert.deepEqual(readMetrics(dir).map((m) => `${m.kind}@${m.step}`), ['train@1']);
  s2.fill(rec('eval', 2));
  await log.written();
  assert.deepEqual(readMetrics(dir).map((m) => `${m.kind}@${m.step}`), ['train@1', 'eval@2', 'train@3', 'eval@4', 'train@5']);

  // A process whose thread is set up and left open exits by itself (the thread only holds the process
  // while someone waits for it).
  const script = path.join(dir, 'leave-open.ts');
  fs.writeFileSync(script, `
    import { ThreadEvaluator } from ${JSON.stringify(path.resolve('analysis/training/checkpointEvaluator.ts'))};
    const sets = { classes: 2, probe: { x: new Float32Array(4), y: new Int32Array(2), n: 2 }, evalTrain: { x: new Float32Array(4), y: new Int32Array(2), n: 2 } };
    const layers = [{ type: 'dense', name: 'dense1', inUnits: 2, units: 2, activation: 'linear', bias: true, output: true }];
    ThreadEvaluator.spawn().init({ layers, inputShape: [2], classes: 2, optimizer: { kind: 'sgd', lr: 0.1, momentum: 0, nesterov: false }, batchSize: 2 } as never, sets).then(() => console.log('ready'));
  `);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.error, undefined, 'the process did not exit');
  assert.equal(r.stderr, '');
  assert.equal(r.stdout.trim(), 'ready');
  assert.equal(r.status, 0);
});
