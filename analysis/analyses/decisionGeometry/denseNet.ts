/**
 * A dense network as plain arrays, read from a checkpoint: the form every decision-geometry computation
 * works on (grid passes, exact segment walks, backprop for gradient norms). Forward passes in plain
 * TypeScript are fast enough for 2-D toys and for image models restricted to a plane (see plane.ts).
 *
 * Kernels are stored [in, out] (tfjs layout, as in the checkpoint), so unit j of a layer reads column j.
 */
import type { RunJson } from '../../spec/runFormat';
import { readCheckpoint } from '../../store/runStore';

/** Hidden activations we can evaluate; the last layer is always read as logits (softmax output). */
export type HiddenActivation = 'relu' | 'sigmoid' | 'tanh' | 'linear';

export interface DenseLayer {
  name: string;
  inDim: number;
  outDim: number;
  /** [inDim, outDim] row-major. */
  w: Float64Array;
  /** [outDim]; zeros for a layer without bias (kept so scaling and plane restriction stay uniform). */
  b: Float64Array;
  hasBias: boolean;
  /** Activation after this layer; the output layer has 'softmax'. */
  activation: HiddenActivation | 'softmax';
}

export interface DenseNet {
  inDim: number;
  classes: number;
  layers: DenseLayer[];
}

const HIDDEN: readonly string[] = ['relu', 'sigmoid', 'tanh', 'linear'];

/** Whether every hidden activation is piecewise linear, so that linear regions and exact breakpoints exist. */
export function isPiecewiseLinear(net: DenseNet): boolean {
  return net.layers.slice(0, -1).every((l) => l.activation === 'relu' || l.activation === 'linear');
}

export function hiddenUnits(net: DenseNet): number {
  return net.layers.slice(0, -1).reduce((a, l) => a + l.outDim, 0);
}

/**
 * The network of a run at one checkpoint. Layer order and activations come from run.json `shape.layers`
 * (what the trainer actually built); a model with conv or pooling layers is refused with a message, since
 * its regions are not what this analysis draws.
 */
export function loadDenseNet(run: RunJson, checkpointFile: string, runJsonFile: string): DenseNet {
  const shape = run.shape;
  if (!shape) throw new Error(`${runJsonFile}: the run has no "shape" (it never started training); train it first.`);
  const nonDense = shape.layers.filter((l) => l.type !== 'dense');
  if (nonDense.length > 0) {
    throw new Error(`${runJsonFile}: decision geometry reads dense (MLP) networks; this model has ${nonDense.map((l) => `${l.name} (${l.type})`).join(', ')}. Use an MLP preset (e.g. regions-moons).`);
  }
  if (shape.layers.length === 0) throw new Error(`${runJsonFile}: the model has no layers.`);
  const tensors = readCheckpoint(checkpointFile);
  const layers: DenseLayer[] = shape.layers.map((spec, k) => {
    const last = k === shape.layers.length - 1;
    const act = spec.activation ?? (last ? 'softmax' : 'linear');
    if (!last && !HIDDEN.includes(act)) throw new Error(`${runJsonFile}: layer ${spec.name} has activation "${act}"; decision geometry evaluates ${HIDDEN.join(', ')} hidden layers.`);
    const kernel = tensors[`${spec.name}/kernel`];
    if (!kernel || kernel.shape.length !== 2) throw new Error(`${checkpointFile}: no rank-2 tensor "${spec.name}/kernel" (the checkpoint does not match run.json).`);
    const [inDim, outDim] = kernel.shape;
    const bias = tensors[`${spec.name}/bias`];
    if (bias && (bias.shape.length !== 1 || bias.shape[0] !== outDim)) throw new Error(`${checkpointFile}: "${spec.name}/bias" has shape [${bias.shape.join(', ')}], expected [${outDim}].`);
    return {
      name: spec.name, inDim, outDim,
      w: Float64Array.from(kernel.data as ArrayLike<number>),
      b: bias ? Float64Array.from(bias.data as ArrayLike<number>) : new Float64Array(outDim),
      hasBias: bias !== undefined,
      activation: last ? 'softmax' : (act as HiddenActivation),
    };
  });
  for (let k = 1; k < layers.length; k++) {
    if (layers[k].inDim !== layers[k - 1].outDim) throw new Error(`${checkpointFile}: layer ${layers[k].name} takes ${layers[k].inDim} inputs but ${layers[k - 1].name} gives ${layers[k - 1].outDim}.`);
  }
  return { inDim: layers[0].inDim, classes: layers[layers.length - 1].outDim, layers };
}

/** Builds a net from plain arrays (tests, the subsampling trainer). */
export function makeDenseNet(spec: { w: ArrayLike<number>; b?: ArrayLike<number>; inDim: number; outDim: number; activation?: HiddenActivation }[]): DenseNet {
  const layers = spec.map((s, k): DenseLayer => ({
    name: `dense${k + 1}`, inDim: s.inDim, outDim: s.outDim,
    w: Float64Array.from(s.w), b: s.b ? Float64Array.from(s.b) : new Float64Array(s.outDim), hasBias: s.b !== undefined,
    activation: k === spec.length - 1 ? 'softmax' : (s.activation ?? 'relu'),
  }));
  return { inDim: layers[0].inDim, classes: layers[layers.length - 1].outDim, layers };
}

export function activate(act: HiddenActivation, z: number): number {
  switch (act) {
    case 'relu': return z > 0 ? z : 0;
    case 'sigmoid': return 1 / (1 + Math.exp(-z));
    case 'tanh': return Math.tanh(z);
    case 'linear': return z;
  }
}

/** sigma'(z), and its maximum over z (the scale a "sigma' above threshold" test is relative to). */
export function activationSlope(act: HiddenActivation, z: number): number {
  switch (act) {
    case 'relu': return z > 0 ? 1 : 0;
    case 'sigmoid': { const s = 1 / (1 + Math.exp(-z)); return s * (1 - s); }
    case 'tanh': { const t = Math.tanh(z); return 1 - t * t; }
    case 'linear': return 1;
  }
}
export const MAX_SLOPE: Record<HiddenActivation, number> = { relu: 1, sigmoid: 0.25, tanh: 1, linear: 1 };

/** Frobenius norm of each layer's kernel (biases excluded, as in the L2 penalty). */
export function kernelNorms(net: DenseNet): { layer: string; norm: number }[] {
  return net.layers.map((l) => {
    let s = 0;
    for (let i = 0; i < l.w.length; i++) s += l.w[i] * l.w[i];
    return { layer: l.name, norm: Math.sqrt(s) };
  });
}

/** Logits of one input (length inDim) through the whole net. */
export function logitsOf(net: DenseNet, x: ArrayLike<number>): Float64Array {
  let h: ArrayLike<number> = x;
  for (const l of net.layers) {
    const z = Float64Array.from(l.b);
    for (let i = 0; i < l.inDim; i++) {
      const hi = h[i];
      if (hi === 0) continue;
      const row = i * l.outDim;
      for (let j = 0; j < l.outDim; j++) z[j] += hi * l.w[row + j];
    }
    if (l.activation !== 'softmax') for (let j = 0; j < l.outDim; j++) z[j] = activate(l.activation, z[j]);
    h = z;
  }
  return h as Float64Array;
}

/** Softmax in place, stable. */
export function softmaxInPlace(z: Float64Array | Float32Array, offset = 0, n = z.length): void {
  let m = -Infinity;
  for (let j = 0; j < n; j++) m = Math.max(m, z[offset + j]);
  let s = 0;
  for (let j = 0; j < n; j++) { const e = Math.exp(z[offset + j] - m); z[offset + j] = e; s += e; }
  for (let j = 0; j < n; j++) z[offset + j] /= s;
}
