import type * as tfjs from '@tensorflow/tfjs';
import { initialValues } from './init';
import type { InitSpec, ModelSpec } from '../spec/trainConfig';
import type { Tf, Tensor, Variable } from './tf';

/**
 * The trainable network behind a declarative model spec, written with core ops (no tf.layers): we own
 * every variable, its name and its initial value, which is what checkpoints, determinism and resume need.
 * Parameters are named `<layer>/kernel` and `<layer>/bias`; dense kernels are [in, out], conv kernels
 * [kh, kw, in, out] (TensorFlow layout), so neuron j's incoming weights are column j / slice [..., j].
 */

export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'linear';

export type ResolvedLayer =
  | { type: 'dense'; name: string; inUnits: number; units: number; activation: Activation; bias: boolean; output: boolean }
  | { type: 'conv2d'; name: string; inChannels: number; filters: number; kernelSize: number; stride: number; padding: 'same' | 'valid'; activation: Activation; bias: boolean }
  | { type: 'maxpool'; name: string; size: number; stride: number };

export interface Param {
  name: string;
  layer: string;
  role: 'kernel' | 'bias';
  shape: number[];
  variable: Variable;
}

export interface LayerInfo {
  name: string;
  type: string;
  activation?: string;
  weights: { name: string; shape: number[] }[];
}

export interface Network {
  params: Param[];
  layers: LayerInfo[];
  /** Batch [B, D] (flattened samples) -> [B, classes]: logits, or probabilities when outputIsProbabilities. */
  forward(x: tfjs.Tensor2D): tfjs.Tensor2D;
  outputIsProbabilities: boolean;
  dispose(): void;
}

/** Expands a spec into concrete layers with names and sizes; errors name the layer and what is wrong. */
export function resolveLayers(spec: Exclude<ModelSpec, { kind: 'file' }>, inputShape: readonly number[], classes: number): ResolvedLayer[] {
  const out: ResolvedLayer[] = [];
  const counters: Record<string, number> = {};
  const autoName = (prefix: string) => `${prefix}${(counters[prefix] = (counters[prefix] ?? 0) + 1)}`;
  const flatSize = inputShape.reduce((a, b) => a * b, 1);
  if (spec.kind === 'mlp') {
    const widths = [...spec.hidden, classes];
    if (spec.names && spec.names.length !== widths.length) {
      throw new Error(`model.names: ${spec.names.length} names for ${widths.length} dense layers (${spec.hidden.length} hidden + output)`);
    }
    let inUnits = flatSize;
    widths.forEach((units, i) => {
      const output = i === widths.length - 1;
      out.push({ type: 'dense', name: spec.names?.[i] ?? autoName('dense'), inUnits, units, activation: output ? 'linear' : spec.activation, bias: spec.bias, output });
      inUnits = units;
    });
  } else {
    if (inputShape.length !== 3) throw new Error(`model: a CNN needs image input [height, width, channels]; this data set has samples of shape [${inputShape.join(', ')}]`);
    let [h, w, c] = inputShape;
    for (const l of spec.layers) {
      if (l.type === 'conv2d') {
        const name = l.name ?? autoName('conv');
        if (l.padding === 'valid' && (l.kernelSize > h || l.kernelSize > w)) throw new Error(`model layer ${name}: kernel ${l.kernelSize} is larger than its ${h}x${w} input`);
        out.push({ type: 'conv2d', name, inChannels: c, filters: l.filters, kernelSize: l.kernelSize, stride: l.stride, padding: l.padding, activation: l.activation ?? spec.activation, bias: l.bias ?? spec.bias });
        const span = l.padding === 'same' ? 1 : l.kernelSize;
        h = Math.ceil((h - span + 1) / l.stride);
        w = Math.ceil((w - span + 1) / l.stride);
        c = l.filters;
      } else if (l.type === 'maxpool') {
        const name = l.name ?? autoName('pool');
        const stride = l.stride ?? l.size;
        if (l.size > h || l.size > w) throw new Error(`model layer ${name}: pool size ${l.size} is larger than its ${h}x${w} input`);
        out.push({ type: 'maxpool', name, size: l.size, stride });
        h = Math.floor((h - l.size) / stride) + 1;
        w = Math.floor((w - l.size) / stride) + 1;
      } else {
        throw new Error(`model: dense layers of a CNN go in "hidden" (after the conv/pool stack), not in "layers"`);
      }
    }
    let inUnits = h * w * c;
    for (const units of spec.hidden) {
      out.push({ type: 'dense', name: autoName('dense'), inUnits, units, activation: spec.activation, bias: spec.bias, output: false });
      inUnits = units;
    }
    out.push({ type: 'dense', name: spec.outputName ?? autoName('dense'), inUnits, units: classes, activation: 'linear', bias: spec.bias, output: true });
  }
  const seen = new Set<string>();
  for (const l of out) {
    if (seen.has(l.name)) throw new Error(`model: two layers are named "${l.name}"`);
    seen.add(l.name);
  }
  return out;
}

function activate(tf: Tf, x: Tensor, a: Activation): Tensor {
  switch (a) {
    case 'relu':
      return tf.relu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'linear':
      return x;
  }
}

/** tf.fused.conv2d runs conv + bias + activation as one kernel but only has gradients for these. */
const FUSABLE = new Set<Activation>(['relu', 'linear']);

export function buildNetwork(tf: Tf, layers: ResolvedLayer[], inputShape: readonly number[], init: InitSpec, initSeed: number): Network {
  const params: Param[] = [];
  const byLayer = new Map<string, { kernel: Variable; bias?: Variable }>();
  const add = (layer: string, role: 'kernel' | 'bias', shape: number[]) => {
    const name = `${layer}/${role}`;
    const values = initialValues(init, shape, role, initSeed, name);
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true));
    params.push({ name, layer, role, shape, variable });
    return variable;
  };
  const infos: LayerInfo[] = [];
  for (const l of layers) {
    if (l.type === 'maxpool') {
      infos.push({ name: l.name, type: 'maxpool', weights: [] });
      continue;
    }
    const kShape = l.type === 'dense' ? [l.inUnits, l.units] : [l.kernelSize, l.kernelSize, l.inChannels, l.filters];
    const kernel = add(l.name, 'kernel', kShape);
    const bias = l.bias ? add(l.name, 'bias', [l.type === 'dense' ? l.units : l.filters]) : undefined;
    byLayer.set(l.name, { kernel, bias });
    infos.push({
      name: l.name,
      type: l.type,
      activation: l.type === 'dense' && l.output ? 'softmax' : l.activation,
      weights: [{ name: `${l.name}/kernel`, shape: kShape }, ...(bias ? [{ name: `${l.name}/bias`, shape: [kShape[kShape.length - 1]] }] : [])],
    });
  }
  const imageInput = layers[0]?.type !== 'dense';

  const forward = (x: tfjs.Tensor2D): tfjs.Tensor2D => {
    let h: Tensor = imageInput ? tf.reshape(x, [x.shape[0], ...inputShape]) : x;
    for (const l of layers) {
      if (l.type === 'maxpool') {
        h = tf.maxPool(h as tfjs.Tensor4D, l.size, l.stride, 'valid');
        continue;
      }
      const { kernel, bias } = byLayer.get(l.name)!;
      if (l.type === 'dense') {
        if (h.rank !== 2) h = tf.reshape(h, [h.shape[0], -1]);
        // Unfused on purpose: on wasm the fused matmul's gradient measured slower than matmul + add.
        const z = tf.matMul(h as tfjs.Tensor2D, kernel as tfjs.Tensor2D);
        h = activate(tf, bias ? tf.add(z, bias) : z, l.activation);
      } else {
        if (FUSABLE.has(l.activation)) {
          h = tf.fused.conv2d({ x: h as tfjs.Tensor4D, filter: kernel as tfjs.Tensor4D, strides: l.stride, pad: l.padding, bias, activation: l.activation as 'relu' | 'linear' });
        } else {
          const z = tf.conv2d(h as tfjs.Tensor4D, kernel as tfjs.Tensor4D, l.stride, l.padding);
          h = activate(tf, bias ? tf.add(z, bias) : z, l.activation);
        }
      }
    }
    return h as tfjs.Tensor2D;
  };

  return {
    params,
    layers: infos,
    forward,
    outputIsProbabilities: false,
    dispose: () => params.forEach((p) => p.variable.dispose()),
  };
}
