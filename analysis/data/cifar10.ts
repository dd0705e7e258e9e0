import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RawDataset, RawSplit } from './dataset';

/**
 * CIFAR-10, "binary version" (https://www.cs.toronto.edu/~kriz/cifar.html): data_batch_1..5.bin and
 * test_batch.bin, each a sequence of 3073-byte records: a label byte then a 32x32 image stored channel by
 * channel (1024 red, 1024 green, 1024 blue, rows first). We convert to channels-last [32, 32, 3].
 * The folder may be the extracted `cifar-10-batches-bin` itself or its parent.
 */
const RECORD = 1 + 3072;
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

function parseBatch(bytes: Uint8Array, file: string): RawSplit {
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new Error(`${file}: ${bytes.length} bytes is not a whole number of CIFAR-10 records (3073 bytes each); truncated or not the binary version?`);
  }
  const n = bytes.length / RECORD;
  const x = new Uint8Array(n * 3072);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const rec = i * RECORD;
    const label = bytes[rec];
    if (label > 9) throw new Error(`${file}: record ${i} has label ${label}; CIFAR-10 labels are 0..9 (is this CIFAR-100?)`);
    labels[i] = label;
    const out = i * 3072;
    for (let p = 0; p < 1024; p++) {
      x[out + 3 * p] = bytes[rec + 1 + p];
      x[out + 3 * p + 1] = bytes[rec + 1 + 1024 + p];
      x[out + 3 * p + 2] = bytes[rec + 1 + 2048 + p];
    }
  }
  return { x, labels, n };
}

function concat(splits: RawSplit[]): RawSplit {
  const n = splits.reduce((a, s) => a + s.n, 0);
  const x = new Uint8Array(n * 3072);
  const labels = new Uint8Array(n);
  let at = 0;
  for (const s of splits) {
    x.set(s.x as Uint8Array, at * 3072);
    labels.set(s.labels, at);
    at += s.n;
  }
  return { x, labels, n };
}

export function loadCifar10(dir: string): RawDataset {
  const folder = fs.existsSync(path.join(dir, 'cifar-10-batches-bin')) ? path.join(dir, 'cifar-10-batches-bin') : dir;
  const trainFiles = [1, 2, 3, 4, 5].map((i) => path.join(folder, `data_batch_${i}.bin`));
  const testFile = path.join(folder, 'test_batch.bin');
  const missing = [...trainFiles, testFile].filter((f) => !fs.existsSync(f));
  if (missing.length) throw new Error(`${dir}: not a CIFAR-10 binary folder: missing ${missing.map((f) => path.basename(f)).join(', ')}`);
  const read = (f: string) => parseBatch(fs.readFileSync(f), f);
  return {
    name: 'cifar10',
    inputShape: [32, 32, 3],
    classes: 10,
    classNames: CIFAR10_CLASSES,
    train: concat(trainFiles.map(read)),
    test: read(testFile),
    source: folder,
  };
}
