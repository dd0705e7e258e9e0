import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTensorBoardScalars, type ScalarPoint } from '../../../analysis/tensorboard/read';
import { event, f, fileVersion, float32Bytes, float64Bytes, pluginMetadata, record, sessionStart, splitRecords, summary, TENSOR, VALUE, EVENT } from './wire';

/*
 * Event files written by the test's own writer (wire.ts), laid out as PyTorch's SummaryWriter and TF2 / Keras
 * write them (no TensorFlow, TensorBoard or tensorboardX is installed for /usr/bin/python3 to write real ones:
 * torch.utils.tensorboard needs the tensorboard package).
 */

const temps: string[] = [];
after(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-tbread-'));
  temps.push(d);
  return d;
}

function writeEvents(file: string, events: number[][]): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Uint8Array.from(events.flatMap(record)));
  return file;
}

const T = 1_700_000_000;
const simple = (tag: string, v: number) => [...f.string(VALUE.tag, tag), ...f.float(VALUE.simpleValue, v)];
/** A TF2 summary value: tag, optional metadata, and a tensor built from its fields. */
const tensorValue = (tag: string, metadata: number[], ...tensorFields: number[][]) => [...f.string(VALUE.tag, tag), ...metadata, ...f.bytes(VALUE.tensor, tensorFields.flat())];
const scalarShape = f.bytes(TENSOR.shape, []); // TensorShapeProto with no dims: rank 0
const dtype = (n: number) => f.varint(TENSOR.dtype, n);
const points = (ps: ScalarPoint[] | undefined) => ps?.map((p) => [p.step, p.value]);

test('TF2 / Keras scalars: tensor_content and typed value lists, metadata only on a tag\'s first value, per-folder runs', async () => {
  const logs = tmp();
  const warnings: string[] = [];
  writeEvents(path.join(logs, 'train', `events.out.tfevents.${T}.gpu-box.1234.0.v2`), [
    event(T, 0, fileVersion('brain.Event:2')),
    event(T + 0.5, 0, f.bytes(EVENT.graphDef, [1, 2, 3])), // a graph: not a scalar
    event(T + 1, 0, summary(tensorValue('epoch_loss', pluginMetadata('scalars'), dtype(1), scalarShape, f.bytes(TENSOR.content, float32Bytes([0.75]))))),
    event(T + 2, 1, summary(tensorValue('epoch_loss', [], dtype(1), scalarShape, f.bytes(TENSOR.content, float32Bytes([0.5]))))),
    event(T + 2, 1, summary(tensorValue('epoch_accuracy', pluginMetadata('scalars'), dtype(1), scalarShape, f.bytes(TENSOR.floatVal, float32Bytes([0.25]))))),
    // data_class DATA_CLASS_SCALAR (field 4 of SummaryMetadata) without a plugin name; a double
    event(T + 3, 1, summary(tensorValue('learning_rate', f.bytes(VALUE.metadata, f.varint(4, 1)), dtype(2), scalarShape, f.bytes(TENSOR.doubleVal, float64Bytes([0.001]))))),
    event(T + 3, 2, summary(
      tensorValue('steps', pluginMetadata('scalars'), dtype(9), scalarShape, f.varint(TENSOR.int64Val, 12)),
      tensorValue('half', pluginMetadata('scalars'), dtype(19), scalarShape, f.varint(TENSOR.halfVal, 0x3c00)), // 1.0 in binary16
      tensorValue('half_content', pluginMetadata('scalars'), dtype(19), scalarShape, f.bytes(TENSOR.content, [0x00, 0x38])), // 0.5
      tensorValue('f64_content', pluginMetadata('scalars'), dtype(2), scalarShape, f.bytes(TENSOR.content, float64Bytes([-2.5]))),
      tensorValue('weights/histogram', pluginMetadata('histograms'), dtype(2), f.bytes(TENSOR.content, float64Bytes([0, 1, 2]))),
      tensorValue('two_values', pluginMetadata('scalars'), dtype(1), f.bytes(TENSOR.content, float32Bytes([1, 2]))),
      [...f.string(VALUE.tag, 'picture'), ...f.bytes(VALUE.image, [8, 1])],
    )),
  ]);
  writeEvents(path.join(logs, 'validation', `events.out.tfevents.${T + 1}.gpu-box.1234.1.v2`), [
    event(T, 0, fileVersion('brain.Event:2')),
    event(T + 4, 0, summary(tensorValue('epoch_loss', pluginMetadata('scalars'), dtype(1), scalarShape, f.bytes(TENSOR.content, float32Bytes([0.875]))))),
  ]);
  const read = await readTensorBoardScalars(logs, { onWarning: (m) => warnings.push(m) });
  assert.deepEqual(Object.fromEntries([...read].map(([k, v]) => [k, points(v)])), {
    'train/epoch_loss': [[0, 0.75], [1, 0.5]],
    'train/epoch_accuracy': [[1, 0.25]],
    'train/learning_rate': [[1, 0.001]],
    'train/steps': [[2, 12]],
    'train/half': [[2, 1]],
    'train/half_content': [[2, 0.5]],
    'train/f64_content': [[2, -2.5]],
    'validation/epoch_loss': [[0, 0.875]],
  });
  assert.equal(read.get('train/epoch_loss')![1].wallTime, T + 2);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /events\.out\.tfevents\.1700000000\.gpu-box\.1234\.0\.v2: tag "two_values" at step 2: a "scalars" tensor with 2 values \(expected one\); skipped/);

  // one file alone: its own tags, no folder prefix
  const one = await readTensorBoardScalars(path.join(logs, 'validation', `events.out.tfevents.${T + 1}.gpu-box.1234.1.v2`));
  assert.deepEqual([...one].map(([k, v]) => [k, points(v)]), [['epoch_loss', [[0, 0.875]]]]);
});

test('PyTorch SummaryWriter: simple_value; a later file with purge_step (SessionLog START) replaces the points from that step on', async () => {
  const dir = tmp();
  writeEvents(path.join(dir, `events.out.tfevents.${T}.host.100.0`), [
    event(T, 0, fileVersion('brain.Event:2')),
    ...[0, 1, 2, 3, 4, 5].map((s) => event(T + s, s, summary(simple('Loss/train', s / 8), simple('Accuracy/train', 1 - s / 8)))),
  ]);
  writeEvents(path.join(dir, `events.out.tfevents.${T + 100}.host.200.0`), [
    event(T + 100, 0, fileVersion('brain.Event:2')),
    event(T + 100, 3, fileVersion('brain.Event:2')),
    event(T + 100, 3, sessionStart()),
    ...[3, 4].map((s) => event(T + 100 + s, s, summary(simple('Loss/train', 10 + s)))),
  ]);
  const read = await readTensorBoardScalars(dir);
  assert.deepEqual(points(read.get('Loss/train')), [[0, 0], [1, 0.125], [2, 0.25], [3, 13], [4, 14]]);
  assert.deepEqual(points(read.get('Accuracy/train')), [[0, 1], [1, 0.875], [2, 0.75]]);
  assert.deepEqual(read.get('Loss/train')!.map((p) => p.wallTime), [T, T + 1, T + 2, T + 103, T + 104]);
});

test('brain.Event:1 files: a step going backwards drops that tag\'s points from that step on, other tags keep theirs', async () => {
  const dir = tmp();
  writeEvents(path.join(dir, 'events.out.tfevents.1.old'), [
    event(T, 0, fileVersion('brain.Event:1')),
    ...[0, 1, 2, 3].map((s) => event(T + s, s, summary(simple('a', s), simple('b', 10 - s)))),
    event(T + 9, 2, summary(simple('a', 20))),
  ]);
  const read = await readTensorBoardScalars(dir);
  assert.deepEqual(points(read.get('a')), [[0, 0], [1, 1], [2, 20]]);
  assert.deepEqual(points(read.get('b')), [[0, 10], [1, 9], [2, 8], [3, 7]]);
});

test('a damaged record is an error naming the file and its byte offset; a cut last record is read up to it and reported', async () => {
  const dir = tmp();
  const events = [event(T, 0, fileVersion('brain.Event:2')), ...[0, 1, 2, 3].map((s) => event(T + s, s, summary(simple('loss', s))))];
  const good = fs.readFileSync(writeEvents(path.join(dir, 'good', 'events.out.tfevents.1.h'), events));
  const offsets = splitRecords(good).map((r) => r.offset);
  const variant = (name: string, bytes: Uint8Array) => {
    const file = path.join(dir, name, 'events.out.tfevents.1.h');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, bytes);
    return file;
  };

  const dataFlip = Uint8Array.from(good);
  dataFlip[offsets[2] + 12 + 3] ^= 0x10;
  const f1 = variant('data', dataFlip);
  await assert.rejects(readTensorBoardScalars(f1), { message: `${f1}: corrupt TFRecord at byte offset ${offsets[2]}: its ${offsets[3] - offsets[2] - 16} data bytes do not match their checksum (the file is damaged)` });

  const lengthFlip = Uint8Array.from(good);
  lengthFlip[offsets[4]] ^= 0x01;
  const f2 = variant('length', lengthFlip);
  await assert.rejects(readTensorBoardScalars(path.dirname(f2)), { message: `${f2}: corrupt TFRecord at byte offset ${offsets[4]}: the length field does not match its checksum (the file is damaged)` });

  const crcFlip = Uint8Array.from(good);
  crcFlip[crcFlip.length - 1] ^= 0xff; // the last record's data checksum itself
  await assert.rejects(readTensorBoardScalars(variant('crc', crcFlip)), new RegExp(`corrupt TFRecord at byte offset ${offsets[4]}`));

  for (const [name, cut, missing] of [['cut-data', good.length - 6, 6], ['cut-header', offsets[4] + 5, 7]] as const) {
    const warnings: string[] = [];
    const file = variant(name, good.subarray(0, cut));
    const read = await readTensorBoardScalars(file, { onWarning: (m) => warnings.push(m) });
    assert.deepEqual(points(read.get('loss')), [[0, 0], [1, 1], [2, 2]]);
    assert.deepEqual(warnings, [`${file}: ends inside a record at byte offset ${offsets[4]} (${missing} bytes missing; a writer may still be appending to it): the 4 complete record(s) before it were read`]);
  }

  const garbage = variant('garbage', Uint8Array.from(record([0xff, 0xff, 0xff])));
  await assert.rejects(readTensorBoardScalars(garbage), new RegExp(`${garbage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the record at byte offset 0 is not a TensorBoard Event`));

  fs.mkdirSync(path.join(dir, 'empty'));
  await assert.rejects(readTensorBoardScalars(path.join(dir, 'empty')), /empty: no TensorBoard event files in this folder or its subfolders/);
  await assert.rejects(readTensorBoardScalars(path.join(dir, 'nope')), /nope: cannot read TensorBoard scalars \(ENOENT/);
});

test('a file larger than the read chunk, with a record larger than a chunk, is read whole; its cut end is still found', async () => {
  const dir = tmp();
  const n = 40_000; // ~1.7 MB of small records: several 1 MiB chunks
  const big = event(T, 0, f.bytes(EVENT.graphDef, new Uint8Array(1_500_000).fill(7)));
  const events = [event(T, 0, fileVersion('brain.Event:2')), ...Array.from({ length: n }, (_, s) => event(T + s, s, summary(simple('x', s % 1000)))).flatMap((e, i) => (i === 25_000 ? [big, e] : [e]))];
  const bytes = Uint8Array.from(events.flatMap(record));
  const file = path.join(dir, 'events.out.tfevents.2.h');
  fs.writeFileSync(file, bytes);
  const read = await readTensorBoardScalars(file);
  const xs = read.get('x')!;
  assert.equal(xs.length, n);
  assert.deepEqual(xs.slice(-2).map((p) => [p.step, p.value]), [[n - 2, (n - 2) % 1000], [n - 1, (n - 1) % 1000]]);
  assert.ok(xs.every((p, i) => p.step === i && p.value === i % 1000));

  const warnings: string[] = [];
  fs.writeFileSync(file, bytes.subarray(0, bytes.length - 1));
  assert.equal((await readTensorBoardScalars(file, { onWarning: (m) => warnings.push(m) })).get('x')!.length, n - 1);
  assert.equal(warnings.length, 1);
});
