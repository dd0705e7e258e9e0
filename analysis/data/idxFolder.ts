import * as fs from 'node:fs';
import * as path from 'node:path';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, readIdxFile } from './idx';
import { checkRawSplit, type RawDataset, type RawSplit } from './dataset';

/**
 * A folder holding the four MNIST-style IDX files, raw or gzipped, under their usual names
 * (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-... or test-...). Also accepts the
 * dot-separated spelling (train-images.idx3-ubyte) some mirrors use.
 */
const PATTERNS = {
  trainImages: /^train-images[-.]idx3-ubyte(\.gz)?$/,
  trainLabels: /^train-labels[-.]idx1-ubyte(\.gz)?$/,
  testImages: /^(t10k|test)-images[-.]idx3-ubyte(\.gz)?$/,
  testLabels: /^(t10k|test)-labels[-.]idx1-ubyte(\.gz)?$/,
};

export type IdxFiles = Record<keyof typeof PATTERNS, string>;

/** The four files in `dir`, or undefined with the list of missing ones. */
export function findIdxFiles(dir: string): { files?: IdxFiles; missing: string[] } {
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort(); // sorted: a raw file wins over its .gz twin
  } catch {
    return { missing: Object.keys(PATTERNS) };
  }
  const files: Partial<IdxFiles> = {};
  const missing: string[] = [];
  for (const [key, re] of Object.entries(PATTERNS) as [keyof IdxFiles, RegExp][]) {
    const hit = names.find((n) => re.test(n));
    if (hit) files[key] = path.join(dir, hit);
    else missing.push(key);
  }
  return missing.length ? { missing } : { files: files as IdxFiles, missing };
}

function loadSplit(imagesFile: string, labelsFile: string): { split: RawSplit; rows: number; cols: number } {
  const images = readIdxFile(imagesFile, IDX_IMAGES_MAGIC);
  const labels = readIdxFile(labelsFile, IDX_LABELS_MAGIC);
  if (images.dims.length !== 3) throw new Error(`${imagesFile}: expected 3 dimensions [count, rows, cols], found [${images.dims.join(', ')}]`);
  if (labels.dims.length !== 1) throw new Error(`${labelsFile}: expected 1 dimension [count], found [${labels.dims.join(', ')}]`);
  if (images.dims[0] !== labels.dims[0]) {
    throw new Error(`${imagesFile} holds ${images.dims[0]} images but ${labelsFile} holds ${labels.dims[0]} labels`);
  }
  return { split: { x: images.data, labels: labels.data, n: images.dims[0] }, rows: images.dims[1], cols: images.dims[2] };
}

export function loadIdxFolder(dir: string, name: string, classNames?: string[]): RawDataset {
  const { files, missing } = findIdxFiles(dir);
  if (!files) {
    const present = fs.existsSync(dir) ? fs.readdirSync(dir).slice(0, 8).join(', ') || '(empty)' : '(folder does not exist)';
    throw new Error(`${dir}: no IDX data set here: missing ${missing.join(', ')} (expected train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, optionally .gz; found: ${present})`);
  }
  const train = loadSplit(files.trainImages, files.trainLabels);
  const test = loadSplit(files.testImages, files.testLabels);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new Error(`${dir}: train images are ${train.rows}x${train.cols} but test images are ${test.rows}x${test.cols}`);
  }
  let maxLabel = 0;
  for (const split of [train.split, test.split]) for (const l of split.labels) maxLabel = Math.max(maxLabel, l);
  const classes = classNames?.length ?? maxLabel + 1;
  if (classes < 2) throw new Error(`${files.trainLabels}: all labels are 0; a classifier needs at least two classes`);
  const inputShape = [train.rows, train.cols, 1];
  checkRawSplit(train.split, inputShape, classes, files.trainLabels);
  checkRawSplit(test.split, inputShape, classes, files.testLabels);
  return { name, inputShape, classes, classNames, train: train.split, test: test.split, source: dir };
}
