/**
 * One sample through a dense network with reusable buffers: pre-activations, activations, the activation
 * pattern's hash per layer and the per-sample gradient norm. Grid passes call it once per cell, so it never
 * allocates; everything is float64.
 *
 * Activation patterns: unit j of hidden layer k is "on" when its pre-activation is > 0 (for ReLU, the
 * linear piece it is on; for sigmoid/tanh, the side of its hyperplane). Patterns are hashed Zobrist-style:
 * every hidden unit has two fixed random 32-bit keys and a pattern's hash is the XOR of the keys of its "on"
 * units, folded to a 53-bit number. Two different patterns collide with probability about 2^-53 per pair,
 * negligible for the at most millions of cells of a grid.
 */
import { activate, activationSlope, type DenseNet, type HiddenActivation } from './denseNet';
import { mulberry32 } from '../../linalg/random';

/** Two random 32-bit keys per hidden unit; a pattern's hash XORs the keys of its "on" units. */
export function zobristKeys(net: DenseNet, seed = 0x5eed): [Int32Array[], Int32Array[]] {
  const rnd = mulberry32(seed);
  const key = () => Math.floor(rnd() * 2 ** 32) | 0;
  const hidden = net.layers.slice(0, -1);
  return [hidden.map((l) => Int32Array.from({ length: l.outDim }, key)), hidden.map((l) => Int32Array.from({ length: l.outDim }, key))];
}

/** The 53-bit map key of a pattern hash pair. */
export function foldKey(h1: number, h2: number): number {
  return (h1 >>> 0) * 2097152 + (h2 >>> 11);
}

export class NetEvaluator {
  readonly z: Float64Array[];
  readonly h: Float64Array[];
  /** Hash of the pattern of hidden layers 0..k (cumulative), after {@link forward}. */
  readonly patternKey: Float64Array;
  readonly probs: Float64Array;
  private readonly keys1: Int32Array[];
  private readonly keys2: Int32Array[];
  private readonly delta: Float64Array[];

  constructor(readonly net: DenseNet, seed = 0x5eed) {
    this.z = net.layers.map((l) => new Float64Array(l.outDim));
    this.h = net.layers.map((l) => new Float64Array(l.outDim));
    this.delta = net.layers.map((l) => new Float64Array(l.outDim));
    this.patternKey = new Float64Array(Math.max(0, net.layers.length - 1));
    this.probs = new Float64Array(net.classes);
    [this.keys1, this.keys2] = zobristKeys(net, seed);
  }

  /** Forward pass of x (length net.inDim); returns the argmax class. Fills z, h, probs and patternKey. */
  forward(x: ArrayLike<number>): number {
    const layers = this.net.layers;
    const L = layers.length;
    let input: ArrayLike<number> = x;
    let h1 = 0;
    let h2 = 0;
    for (let k = 0; k < L; k++) {
      const l = layers[k];
      const z = this.z[k];
      const out = l.outDim;
      z.set(l.b);
      const w = l.w;
      for (let i = 0; i < l.inDim; i++) {
        const xi = input[i];
        if (xi === 0) continue;
        const row = i * out;
        for (let j = 0; j < out; j++) z[j] += xi * w[row + j];
      }
      const h = this.h[k];
      if (k < L - 1) {
        const act = l.activation as HiddenActivation;
        const k1 = this.keys1[k];
        const k2 = this.keys2[k];
        for (let j = 0; j < out; j++) {
          const zj = z[j];
          // linear units have no pieces: they never split a region
          if (zj > 0 && act !== 'linear') { h1 ^= k1[j]; h2 ^= k2[j]; }
          h[j] = act === 'relu' ? (zj > 0 ? zj : 0) : activate(act, zj);
        }
        this.patternKey[k] = foldKey(h1, h2);
        input = h;
      }
    }
    // softmax of the logits (z of the last layer) into probs
    const logits = this.z[L - 1];
    const p = this.probs;
    let best = 0;
    let m = -Infinity;
    for (let j = 0; j < logits.length; j++) if (logits[j] > m) { m = logits[j]; best = j; }
    let s = 0;
    for (let j = 0; j < logits.length; j++) { const e = Math.exp(logits[j] - m); p[j] = e; s += e; }
    for (let j = 0; j < logits.length; j++) p[j] /= s;
    return best;
  }

  /**
   * Norm of the cross-entropy loss gradient with respect to all weights and biases, for the sample of the
   * last {@link forward} with label `label`: the gradient of layer k's kernel is the outer product
   * h_{k-1} delta_k^T, whose Frobenius norm is ||h_{k-1}|| ||delta_k||, so no gradient is materialised.
   * `inputNormSq` is ||x||^2 of the input in input space (the plane passes (u, v) but x lives in R^d).
   */
  gradientNorm(label: number, inputNormSq: number): number {
    const layers = this.net.layers;
    const L = layers.length;
    const dL = this.delta[L - 1];
    for (let j = 0; j < dL.length; j++) dL[j] = this.probs[j] - (j === label ? 1 : 0);
    let total = 0;
    for (let k = L - 1; k >= 0; k--) {
      const l = layers[k];
      const d = this.delta[k];
      let dd = 0;
      for (let j = 0; j < d.length; j++) dd += d[j] * d[j];
      let hh = 0;
      if (k === 0) hh = inputNormSq;
      else { const hp = this.h[k - 1]; for (let i = 0; i < hp.length; i++) hh += hp[i] * hp[i]; }
      total += dd * (hh + (l.hasBias ? 1 : 0));
      if (k === 0) break;
      const prev = this.delta[k - 1];
      const zPrev = this.z[k - 1];
      const act = layers[k - 1].activation as HiddenActivation;
      const out = l.outDim;
      for (let i = 0; i < l.inDim; i++) {
        const slope = activationSlope(act, zPrev[i]);
        if (slope === 0) { prev[i] = 0; continue; }
        let s = 0;
        const row = i * out;
        for (let j = 0; j < out; j++) s += l.w[row + j] * d[j];
        prev[i] = s * slope;
      }
    }
    return Math.sqrt(total);
  }
}
