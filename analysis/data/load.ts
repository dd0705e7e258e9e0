import { loadCifar10 } from './cifar10';
import { loadIdxFolder } from './idxFolder';
import { loadFashionMnist, loadMnist } from './mnist';
import { makeToyDataset } from './toy';
import type { RawDataset } from './dataset';
import type { DatasetSpec } from '../spec/trainConfig';

/**
 * Loads the data set a config names. File-backed sets are cached per process (keyed by kind and folder):
 * the worker trains many runs on the same MNIST, and parsing it costs a noticeable fraction of a quick run.
 * Cached arrays are never modified: prepareData copies before it changes anything.
 */
const cache = new Map<string, RawDataset>();

export function loadDataset(spec: DatasetSpec): RawDataset {
  if (spec.kind === 'toy') {
    return makeToyDataset({ shape: spec.shape, trainSamples: spec.trainSamples, testSamples: spec.testSamples, noise: spec.noise, classes: spec.classes, seed: spec.seed });
  }
  const key = `${spec.kind}:${spec.dir ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let ds: RawDataset;
  switch (spec.kind) {
    case 'mnist':
      ds = loadMnist(spec.dir);
      break;
    case 'fashion-mnist':
      ds = loadFashionMnist(spec.dir);
      break;
    case 'idx':
      ds = loadIdxFolder(spec.dir, 'idx');
      break;
    case 'cifar10':
      ds = loadCifar10(spec.dir);
      break;
  }
  cache.set(key, ds);
  return ds;
}

export function clearDatasetCache(): void {
  cache.clear();
}
