import { deriveSeed, permutation } from './random';
import { sampleSize, type RawDataset, type RawSplit } from './dataset';

/**
 * From a loaded data set to what a run trains on: subsets, normalisation to float32, the fixed probe set
 * and the fixed evaluation subsets. All choices are deterministic functions of the config and seeds.
 */

export interface Split {
  /** [n, ...inputShape] row-major float32. */
  x: Float32Array;
  y: Int32Array;
  n: number;
}

export interface PreparedData {
  name: string;
  source: string;
  inputShape: number[];
  classes: number;
  classNames?: string[];
  train: Split;
  test: Split;
  /** The probe set: indices into `probeSplit` (after subsetting), ascending. */
  probe: Split & { split: 'train' | 'test'; indices: Int32Array };
  evalTrain: Split;
  evalTest: Split;
}

export interface PrepareOptions {
  trainSize?: number;
  testSize?: number;
  subset: 'first' | 'stratified';
  normalize: 'unit' | 'standardize' | 'none';
  probeSize: number;
  probeSplit: 'train' | 'test';
  probeSeed: number;
  evalTrainSize: number | 'all';
  /** 'probe': the evaluation test set is the probe set (when it comes from the test split). */
  evalTestSize: number | 'all' | 'probe';
}

/**
 * `count` indices with class shares as equal as the data allows (round-robin over classes that still have
 * samples), taking samples in `order` (default: file order); returned ascending.
 */
export function stratifiedIndices(labels: ArrayLike<number>, count: number, classes: number, order?: ArrayLike<number>): Int32Array {
  const n = labels.length;
  if (count >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const available = new Array<number>(classes).fill(0);
  for (let i = 0; i < n; i++) available[labels[i]]++;
  const quota = new Array<number>(classes).fill(0);
  let left = count;
  while (left > 0) {
    for (let c = 0; c < classes && left > 0; c++) {
      if (quota[c] < available[c]) {
        quota[c]++;
        left--;
      }
    }
  }
  const out: number[] = [];
  for (let k = 0; k < n && out.length < count; k++) {
    const i = order ? order[k] : k;
    if (quota[labels[i]] > 0) {
      quota[labels[i]]--;
      out.push(i);
    }
  }
  return Int32Array.from(out.sort((a, b) => a - b));
}

function firstIndices(n: number, count: number): Int32Array {
  return Int32Array.from({ length: Math.min(n, count) }, (_, i) => i);
}

function pick(split: RawSplit, indices: Int32Array, d: number): RawSplit {
  const isBytes = split.x instanceof Uint8Array;
  const x = isBytes ? new Uint8Array(indices.length * d) : new Float32Array(indices.length * d);
  const labels = new Uint8Array(indices.length);
  indices.forEach((src, dst) => {
    x.set(split.x.subarray(src * d, (src + 1) * d), dst * d);
    labels[dst] = split.labels[src];
  });
  return { x, labels, n: indices.length };
}

function subsetOf(split: RawSplit, size: number | undefined, how: 'first' | 'stratified', classes: number, d: number): RawSplit {
  if (size === undefined || size >= split.n) return split;
  return pick(split, how === 'first' ? firstIndices(split.n, size) : stratifiedIndices(split.labels, size, classes), d);
}

/**
 * 'unit' divides bytes by 255 (float sources are already scaled and pass through); 'standardize' maps
 * each feature to zero mean and unit variance using the training split's statistics (features that never
 * vary, like MNIST's border pixels, are only centred).
 */
function toFloat(train: RawSplit, test: RawSplit, mode: PrepareOptions['normalize'], d: number): [Float32Array, Float32Array] {
  const scale = mode === 'none' || !(train.x instanceof Uint8Array) ? 1 : 1 / 255;
  const conv = (x: Uint8Array | Float32Array) => {
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = x[i] * scale;
    return out;
  };
  const tr = conv(train.x);
  const te = conv(test.x);
  if (mode === 'standardize') {
    const mean = new Float64Array(d);
    const sq = new Float64Array(d);
    for (let i = 0; i < train.n; i++) {
      for (let j = 0; j < d; j++) {
        const v = tr[i * d + j];
        mean[j] += v;
        sq[j] += v * v;
      }
    }
    const inv = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      mean[j] /= train.n;
      const sd = Math.sqrt(Math.max(0, sq[j] / train.n - mean[j] * mean[j]));
      inv[j] = sd > 1e-6 ? 1 / sd : 1;
    }
    for (const arr of [tr, te]) for (let k = 0; k < arr.length; k++) arr[k] = (arr[k] - mean[k % d]) * inv[k % d];
  }
  return [tr, te];
}

function gather(split: Split, indices: Int32Array, d: number): Split {
  const x = new Float32Array(indices.length * d);
  const y = new Int32Array(indices.length);
  indices.forEach((src, dst) => {
    x.set(split.x.subarray(src * d, (src + 1) * d), dst * d);
    y[dst] = split.y[src];
  });
  return { x, y, n: indices.length };
}

export function prepareData(raw: RawDataset, o: PrepareOptions): PreparedData {
  const d = sampleSize(raw.inputShape);
  const trainRaw = subsetOf(raw.train, o.trainSize, o.subset, raw.classes, d);
  const testRaw = subsetOf(raw.test, o.testSize, o.subset, raw.classes, d);
  const [trX, teX] = toFloat(trainRaw, testRaw, o.normalize, d);
  const train: Split = { x: trX, y: Int32Array.from(trainRaw.labels), n: trainRaw.n };
  const test: Split = { x: teX, y: Int32Array.from(testRaw.labels), n: testRaw.n };
  if (train.n === 0) throw new Error(`${raw.source}: the training split is empty`);

  const probeFrom = o.probeSplit === 'test' && test.n > 0 ? test : train;
  const probeIdx = stratifiedIndices(probeFrom.y, o.probeSize, raw.classes, permutation(probeFrom.n, deriveSeed(o.probeSeed, 'probe')));
  const evalIdx = (s: Split, size: number | 'all') => (size === 'all' ? Int32Array.from({ length: s.n }, (_, i) => i) : stratifiedIndices(s.y, size, raw.classes));
  const probe = { ...gather(probeFrom, probeIdx, d), split: probeFrom === test ? ('test' as const) : ('train' as const), indices: probeIdx };
  const testEvalSize = o.evalTestSize === 'probe' ? 'all' : o.evalTestSize;
  return {
    name: raw.name,
    source: raw.source,
    inputShape: raw.inputShape,
    classes: raw.classes,
    classNames: raw.classNames,
    train,
    test,
    probe,
    evalTrain: gather(train, evalIdx(train, o.evalTrainSize), d),
    // 'probe' with a test-split probe: the probe set itself (scored from its recorded predictions).
    evalTest: o.evalTestSize === 'probe' && probe.split === 'test' ? probe : gather(test, evalIdx(test, testEvalSize), d),
  };
}
