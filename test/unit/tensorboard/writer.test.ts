import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MetricsLog } from '../../../analysis/training/metricsLog';
import { trainRun } from '../../../analysis/training/train';
import { parseTrainConfig } from '../../../analysis/spec/trainConfig';
import { readMetrics, deleteRun } from '../../../analysis/store/runStore';
import type { MetricRecord } from '../../../analysis/store/metrics';
import { readTensorBoardScalars } from '../../../analysis/tensorboard/read';
import { decodeEvent, splitRecords, type DecodedEvent } from './wire';

const temps: string[] = [];
after(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-tbwrite-'));
  temps.push(d);
  return d;
}

const eventFiles = (dir: string) => fs.readdirSync(dir).filter((n) => n.startsWith('events.out.tfevents.')).sort();
/** Every event of a file, decoded by the test's own reader (wire.ts). */
const decodeFile = (file: string): DecodedEvent[] => splitRecords(fs.readFileSync(file)).map((r) => decodeEvent(r.data));

/** The scalars a metric record must give, tag names written out here (not taken from the code under test). */
function expectedValues(r: MetricRecord): { tag: string; simpleValue: number }[] {
  const pairs: [string, number | undefined][] = r.kind === 'train'
    ? [['train/loss', r.loss], ['train/accuracy', r.accuracy], ['lr', r.lr], ['samples_per_sec', r.samplesPerSec]]
    : [['eval/train_loss', r.trainLoss], ['eval/train_accuracy', r.trainAccuracy], ['test/loss', r.testLoss], ['test/accuracy', r.testAccuracy]];
  return pairs.filter(([, v]) => v !== undefined).map(([tag, v]) => ({ tag, simpleValue: Math.fround(v!) }));
}

const train = (step: number, loss: number): MetricRecord => ({ kind: 'train', step, epoch: step / 10, loss, accuracy: 0.5, lr: 0.1, samplesPerSec: 1000 + step });
const evalRec = (step: number, loss: number): MetricRecord => ({ kind: 'eval', step, epoch: step / 10, trainLoss: loss, trainAccuracy: 0.75, testLoss: loss * 2, testAccuracy: 0 });

test('MetricsLog writes an event file beside metrics.jsonl: header event, then one event per record in the file\'s order', async () => {
  const dir = tmp();
  const t0 = Date.now() / 1000;
  const log = new MetricsLog(path.join(dir, 'metrics.jsonl'), { tensorBoard: {} });
  const s0 = log.reserve();
  log.append(train(1, 2.5));
  const s2 = log.reserve();
  log.append(train(3, 1.25));
  s2.drop(); // a failed checkpoint: its record never comes
  s0.fill(evalRec(0, 3));
  log.append(train(4, 1));
  await log.drain();
  const records = readMetrics(dir);
  assert.deepEqual(records.map((r) => `${r.kind}@${r.step}`), ['eval@0', 'train@1', 'train@3', 'train@4']);

  const files = eventFiles(dir);
  assert.equal(files.length, 1);
  assert.match(files[0], new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${os.hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  const events = decodeFile(path.join(dir, files[0]));
  assert.deepEqual({ ...events[0], wallTime: 0 }, { wallTime: 0, step: 0, fileVersion: 'brain.Event:2', values: [] });
  assert.deepEqual(events.slice(1).map((e) => ({ step: e.step, values: e.values })), records.map((r) => ({ step: r.step, values: expectedValues(r) })));
  // accuracy 0 is written (a zero simple_value must not be dropped as a protobuf default)
  assert.deepEqual(events[1].values.at(-1), { tag: 'test/accuracy', simpleValue: 0 });
  for (const e of events) assert.ok(e.wallTime >= t0 - 1 && e.wallTime <= Date.now() / 1000 + 1, `wall time ${e.wallTime} is now, in seconds`);

  // later records are appended to the same file
  log.append(train(5, 0.5));
  await log.drain();
  assert.deepEqual(eventFiles(dir), files);
  assert.deepEqual(decodeFile(path.join(dir, files[0])).at(-1)!.values, expectedValues(train(5, 0.5)));
});

test('a resumed log starts a new event file with a SessionLog START at its first recomputed step', async () => {
  const dir = tmp();
  const first = new MetricsLog(path.join(dir, 'metrics.jsonl'), { tensorBoard: {} });
  first.append(train(1, 1));
  await first.drain();
  const resumed = new MetricsLog(path.join(dir, 'metrics.jsonl'), { tensorBoard: { purgeFromStep: 7 } });
  resumed.append(train(7, 0.5));
  await resumed.drain();
  const files = eventFiles(dir);
  assert.equal(files.length, 2, 'a writer never appends to an existing event file');
  const events = decodeFile(path.join(dir, files[1]));
  assert.deepEqual(events.map((e) => [e.step, e.fileVersion, e.sessionStatus, e.values.length]), [[0, 'brain.Event:2', undefined, 0], [7, undefined, 1, 0], [7, undefined, undefined, 4]]);
});

test('an event file that cannot be written is warned about once and never fails metrics.jsonl', async () => {
  const dir = tmp();
  const warnings: string[] = [];
  const log = new MetricsLog(path.join(dir, 'metrics.jsonl'), { tensorBoard: {}, warn: (m) => warnings.push(m) });
  log.append(train(1, 1));
  await log.drain();
  const [name] = eventFiles(dir);
  fs.rmSync(path.join(dir, name));
  fs.mkdirSync(path.join(dir, name)); // appending to it now fails (EISDIR)
  for (let k = 2; k < 6; k++) {
    log.append(train(k, 1));
    await log.drain();
  }
  assert.deepEqual(readMetrics(dir).map((r) => r.step), [1, 2, 3, 4, 5]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], new RegExp(`TensorBoard event file in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} not written from now on \\(.*EISDIR.*\\); metrics.jsonl is unaffected`));
});

const tiny = parseTrainConfig({
  dataset: { kind: 'toy', shape: 'moons', trainSamples: 200, testSamples: 100, noise: 0.1, seed: 0 },
  model: { kind: 'mlp', hidden: [8], activation: 'tanh' },
  optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 },
  batchSize: 32, epochs: 6, logEvery: 1,
  checkpoints: { kind: 'every', steps: 10 },
  probe: { size: 40 },
}, 'test');

/** metrics.jsonl as the curves TensorBoard must show: per tag, (step, float32 value) in file order. */
function curvesOf(records: MetricRecord[]): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const r of records) for (const v of expectedValues(r)) out.set(v.tag, [...(out.get(v.tag) ?? []), [r.step, v.simpleValue]]);
  return out;
}

test('a trained, interrupted and resumed run: its event files show exactly the curves of its metrics.jsonl', async () => {
  const root = tmp();
  const base = { config: tiny, runsRoot: root, backend: 'cpu' as const, onProgress: () => undefined, log: () => undefined };
  let calls = 0;
  const cut = await trainRun({ ...base, isCancelled: () => ++calls > 25 });
  assert.equal(cut.status, 'interrupted');
  const before = await readTensorBoardScalars(cut.runDir);
  const steps = before.get('train/loss')!.map((p) => p.step);
  assert.ok(steps.at(-1)! > 20, `the interrupted session went past its last checkpoint (step 20), got ${steps.at(-1)}`);

  const done = await trainRun({ ...base, resumeRunDir: cut.runDir, isCancelled: () => false });
  assert.equal(done.status, 'completed');
  const files = eventFiles(done.runDir);
  assert.equal(files.length, 2);
  const second = decodeFile(path.join(done.runDir, files[1]));
  assert.deepEqual([second[1].step, second[1].sessionStatus], [21, 1], 'resumed from the checkpoint at step 20');

  const read = await readTensorBoardScalars(done.runDir);
  const want = curvesOf(readMetrics(done.runDir));
  assert.deepEqual([...read.keys()].sort(), [...want.keys()].sort());
  for (const [tag, points] of want) assert.deepEqual(read.get(tag)!.map((p) => [p.step, p.value]), points, tag);
  assert.equal(want.get('train/loss')!.length, 42, 'every step logged once: ceil(200/32) = 7 steps per epoch, 6 epochs');

  deleteRun(done.runDir); // event files belong to a run folder
  assert.equal(fs.existsSync(done.runDir), false);
});
