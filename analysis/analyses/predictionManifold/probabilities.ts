/**
 * The input of the prediction manifold (SPEC C): m probability models over one probe set, stored as one
 * `Float32Array` [m, N, C] (model-major, then sample, then class), float32 like the checkpoints' `probe/probs`
 * and like the authors' torch tensors. The reference points P0 (ignorance) and P* (truth) are two more
 * models of the same shape.
 */

export interface ProbabilityStack {
  /** Probabilities, [m][N][C] row-major. */
  data: Float32Array;
  /** Number of models (checkpoints). */
  m: number;
  /** Samples in the probe set. */
  samples: number;
  /** Classes. */
  classes: number;
}

/** Rows summing to 1 within this tolerance count as probability distributions (float32 softmax drifts by ~1e-6). */
const SUM_TOLERANCE = 1e-3;

/**
 * Checks one model's [N][C] block: finite, non-negative entries and rows summing to 1. Returns a message
 * naming the first bad sample (the caller adds the file), or undefined when the block is fine.
 */
export function probabilityProblem(data: Float32Array, offset: number, samples: number, classes: number): string | undefined {
  for (let n = 0; n < samples; n++) {
    let sum = 0;
    const row = offset + n * classes;
    for (let c = 0; c < classes; c++) {
      const p = data[row + c];
      if (!(p >= 0) || p === Infinity) return `sample ${n}, class ${c} has probability ${p} (NaN, negative or infinite: did the run diverge?)`;
      sum += p;
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) return `sample ${n}'s probabilities sum to ${sum.toPrecision(6)}, not 1 (expected softmax outputs, not logits)`;
  }
  return undefined;
}

/** The ignorance point P0: every sample uniform over the classes. */
export function ignorancePoint(samples: number, classes: number): Float32Array {
  return new Float32Array(samples * classes).fill(1 / classes);
}

/** The truth P*: every sample one-hot at its label. Labels must be integers in [0, classes). */
export function truthPoint(labels: ArrayLike<number>, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let n = 0; n < labels.length; n++) {
    const y = labels[n];
    if (!Number.isInteger(y) || y < 0 || y >= classes) throw new Error(`probe label ${n} is ${y}, not a class index in 0..${classes - 1}`);
    out[n * classes + y] = 1;
  }
  return out;
}

/** Stacks models (each [N][C]) into one {@link ProbabilityStack}. */
export function stackModels(models: Float32Array[], samples: number, classes: number): ProbabilityStack {
  const size = samples * classes;
  const data = new Float32Array(models.length * size);
  models.forEach((p, i) => {
    if (p.length !== size) throw new Error(`model ${i} has ${p.length} probabilities, expected ${samples} samples x ${classes} classes = ${size}`);
    data.set(p, i * size);
  });
  return { data, m: models.length, samples, classes };
}

/** Square roots of all probabilities, computed once (every distance and the geodesic use sqrt p). */
export function sqrtProbabilities(data: Float32Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Math.sqrt(data[i]);
  return out;
}
