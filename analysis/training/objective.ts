import type * as tfjs from '@tensorflow/tfjs';
import type { Network } from './network';
import type { Split } from '../data/prepare';
import type { Tf } from './tf';

/**
 * Loss and accuracy. Built-in networks output logits and use softmax cross-entropy on them (stable, and its
 * gradient is softmax - onehot); a user model that ends in softmax outputs probabilities, for which we take
 * -log of the clipped probability of the true class (Keras' categorical_crossentropy).
 */
const PROB_EPS = 1e-7;

export function meanCrossEntropy(tf: Tf, out: tfjs.Tensor2D, labels: tfjs.Tensor1D, classes: number, outputIsProbabilities: boolean): tfjs.Scalar {
  const onehot = tf.oneHot(labels, classes);
  if (!outputIsProbabilities) return tf.losses.softmaxCrossEntropy(onehot, out) as tfjs.Scalar;
  return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.log(tf.clipByValue(out, PROB_EPS, 1))), 1))) as tfjs.Scalar;
}

export function meanAccuracy(tf: Tf, out: tfjs.Tensor2D, labels: tfjs.Tensor1D): tfjs.Scalar {
  return tf.mean(tf.cast(tf.equal(tf.argMax(out, 1), labels), 'float32'));
}

/** Copies `idx` samples of a split into one batch buffer (a fresh array: backends may keep a reference). */
export function gatherBatch(split: Split, idx: ArrayLike<number>, from: number, to: number, d: number): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array((to - from) * d);
  const y = new Int32Array(to - from);
  for (let k = from; k < to; k++) {
    const i = idx[k];
    x.set(split.x.subarray(i * d, (i + 1) * d), (k - from) * d);
    y[k - from] = split.y[i];
  }
  return { x, y };
}

/** gatherBatch into caller-owned buffers (the fused wasm step's input memory), no allocation. */
export function gatherBatchInto(split: Split, idx: ArrayLike<number>, from: number, to: number, d: number, x: Float32Array, y: Int32Array): void {
  for (let k = from; k < to; k++) {
    const i = idx[k];
    x.set(split.x.subarray(i * d, (i + 1) * d), (k - from) * d);
    y[k - from] = split.y[i];
  }
}

const EVAL_CHUNK = 1000;

/** Mean loss and accuracy over a whole split, in chunks (no gradients). */
export async function evaluate(tf: Tf, net: Network, split: Split, classes: number, d: number): Promise<{ loss: number; accuracy: number }> {
  let lossSum = 0;
  let correct = 0;
  for (let from = 0; from < split.n; from += EVAL_CHUNK) {
    const to = Math.min(split.n, from + EVAL_CHUNK);
    const [l, a] = tf.tidy(() => {
      const x = tf.tensor2d(split.x.subarray(from * d, to * d), [to - from, d]);
      const y = tf.tensor1d(split.y.subarray(from, to), 'int32');
      const out = net.forward(x);
      return [tf.mul(meanCrossEntropy(tf, out, y, classes, net.outputIsProbabilities), to - from), tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), y), 'float32'))];
    });
    lossSum += (await l.data())[0];
    correct += (await a.data())[0];
    l.dispose();
    a.dispose();
  }
  return { loss: lossSum / split.n, accuracy: correct / split.n };
}

/** Mean cross-entropy and accuracy of recorded probabilities [n, classes] against labels (what a probe set scores). */
export function scoreProbabilities(probs: Float32Array, labels: Int32Array, classes: number): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = probs.subarray(i * classes, (i + 1) * classes);
    let best = 0;
    for (let c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
    correct += Number(best === labels[i]);
    loss -= Math.log(Math.max(row[labels[i]], 1e-7));
  }
  return { loss: loss / labels.length, accuracy: correct / labels.length };
}

/** Softmax of logits [n, classes] row by row (in float64), as a fresh Float32Array. */
export function softmaxRows(logits: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length; r += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[r + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[r + c] - max);
    for (let c = 0; c < classes; c++) out[r + c] = Math.exp(logits[r + c] - max) / sum;
  }
  return out;
}

/** Mean softmax cross-entropy and accuracy (first maximum) of logits [n, classes] against labels. */
export function scoreLogits(logits: Float32Array, labels: Int32Array, classes: number): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const r = i * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[r + c] > logits[r + best]) best = c;
    correct += Number(best === labels[i]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[r + c] - logits[r + best]);
    loss += logits[r + best] + Math.log(sum) - logits[r + labels[i]];
  }
  return { loss: loss / labels.length, accuracy: correct / labels.length };
}

/** Predicted class probabilities [n, classes] for the samples of `split`, as a fresh Float32Array. */
export async function predictProbabilities(tf: Tf, net: Network, split: Split, classes: number, d: number): Promise<Float32Array> {
  const out = new Float32Array(split.n * classes);
  for (let from = 0; from < split.n; from += EVAL_CHUNK) {
    const to = Math.min(split.n, from + EVAL_CHUNK);
    const p = tf.tidy(() => {
      const o = net.forward(tf.tensor2d(split.x.subarray(from * d, to * d), [to - from, d]));
      return net.outputIsProbabilities ? o : tf.softmax(o);
    });
    out.set(await p.data(), from * classes); // set() copies: never keep the backend's storage
    p.dispose();
  }
  return out;
}
