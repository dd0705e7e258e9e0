/**
 * A labelled data set as loaded from disk or generated, before subsetting and normalisation. Images keep
 * their raw bytes (MNIST-sized sets stay 4x smaller until a run picks its subset); generated sets are
 * float from the start. Samples are row-major, channels last: [n, ...inputShape].
 */
export interface RawSplit {
  x: Uint8Array | Float32Array;
  labels: Uint8Array;
  n: number;
}

export interface RawDataset {
  /** Short id shown in the UI, e.g. "mnist", "toy-moons". */
  name: string;
  /** Per-sample shape: [28, 28, 1] for MNIST, [32, 32, 3] for CIFAR-10, [2] for the toy sets. */
  inputShape: number[];
  classes: number;
  classNames?: string[];
  train: RawSplit;
  test: RawSplit;
  /** Where it came from (folder or generator), for logs and errors. */
  source: string;
}

export function sampleSize(inputShape: readonly number[]): number {
  return inputShape.reduce((a, b) => a * b, 1);
}

/** Checks the invariants every loader must hold; `where` names the files in the message. */
export function checkRawSplit(split: RawSplit, inputShape: readonly number[], classes: number, where: string): void {
  const d = sampleSize(inputShape);
  if (split.x.length !== split.n * d) throw new Error(`${where}: ${split.x.length} values do not make ${split.n} samples of shape [${inputShape.join(', ')}]`);
  if (split.labels.length !== split.n) throw new Error(`${where}: ${split.n} samples but ${split.labels.length} labels`);
  for (let i = 0; i < split.n; i++) {
    if (split.labels[i] >= classes) throw new Error(`${where}: label ${split.labels[i]} at index ${i} is outside 0..${classes - 1}`);
  }
}
