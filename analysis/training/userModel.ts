import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { LayerInfo, Network, Param } from './network';
import type { Tf, Variable } from './tf';
import { loadSourceModule, ModuleLoadError } from './moduleLoader';

/**
 * Models written by the user: a `.ts`/`.js` file in the workspace exporting `createModel(tf)` that returns a
 * tf.LayersModel (tf.sequential or tf.model), and optionally `datasets` and a partial run `config`.
 * The file and its relative imports are compiled and evaluated by moduleLoader.ts (no bundler needed at run
 * time); `@tensorflow/tfjs` resolves to the worker's own tfjs so the model uses the trainer's engine.
 * Executing workspace code is only allowed in a trusted workspace; the extension checks that before asking.
 */
export interface UserModelModule {
  createModel: (tf: Tf) => unknown;
  datasets?: unknown;
  config?: Record<string, unknown>;
}

export async function loadModelModule(file: string): Promise<UserModelModule> {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new Error(`${abs}: model file not found`);
  let exp: Record<string, unknown> & { default?: Record<string, unknown> };
  try {
    exp = loadSourceModule(abs);
  } catch (e) {
    if (e instanceof ModuleLoadError) throw e;
    throw new Error(`${abs}: failed while loading: ${(e as Error).message}`);
  }
  const src = typeof exp.createModel === 'function' ? exp : exp.default && typeof exp.default.createModel === 'function' ? exp.default : undefined;
  if (!src) throw new Error(`${abs}: does not export a function createModel(tf)`);
  return { createModel: src.createModel as UserModelModule['createModel'], datasets: src.datasets, config: src.config as Record<string, unknown> | undefined };
}

interface LayerVariableLike {
  originalName: string;
  shape: number[];
  read(): Variable;
}
interface LayersModelLike {
  layers: { name: string; getClassName(): string; getConfig(): Record<string, unknown>; trainableWeights: LayerVariableLike[] }[];
  inputs: { shape: (number | null)[] }[];
  outputs: { shape: (number | null)[] }[];
  apply(x: tfjs.Tensor, kwargs?: Record<string, unknown>): tfjs.Tensor | tfjs.Tensor[];
  dispose(): unknown;
}

/** Wraps the LayersModel from createModel(tf) as a Network; parameters are named `<layer>/<weight>`. */
export function buildUserNetwork(tf: Tf, mod: UserModelModule, inputShape: readonly number[], classes: number, file: string): Network {
  let model: LayersModelLike;
  try {
    model = mod.createModel(tf) as LayersModelLike;
  } catch (e) {
    throw new Error(`${file}: createModel(tf) threw: ${(e as Error).message}`);
  }
  if (!model || typeof model.apply !== 'function' || !Array.isArray(model.layers)) {
    throw new Error(`${file}: createModel(tf) must return a tf.LayersModel (tf.sequential() or tf.model())`);
  }
  const inShape = model.inputs[0].shape.slice(1);
  const outShape = model.outputs[0].shape;
  const flatIn = inShape.reduce<number>((a, b) => a * (b ?? NaN), 1);
  if (flatIn !== inputShape.reduce((a, b) => a * b, 1)) {
    throw new Error(`${file}: the model takes inputs of shape [${inShape.join(', ')}] but the data set has samples of shape [${inputShape.join(', ')}]`);
  }
  if (outShape.length !== 2 || outShape[1] !== classes) {
    throw new Error(`${file}: the model outputs shape [${outShape.map((s) => s ?? 'batch').join(', ')}]; it must output [batch, ${classes}] (one score per class)`);
  }
  const params: Param[] = [];
  const layers: LayerInfo[] = [];
  for (const layer of model.layers) {
    const weights = layer.trainableWeights.map((w) => {
      const short = w.originalName.split('/').pop() ?? w.originalName;
      const name = `${layer.name}/${short}`;
      params.push({ name, layer: layer.name, role: short === 'bias' ? 'bias' : 'kernel', shape: [...w.shape], variable: w.read() });
      return { name, shape: [...w.shape] };
    });
    const act = layer.getConfig().activation;
    layers.push({ name: layer.name, type: layer.getClassName(), activation: typeof act === 'string' ? act : undefined, weights });
  }
  const last = model.layers[model.layers.length - 1];
  const outputIsProbabilities = last.getConfig().activation === 'softmax';
  return {
    params,
    layers,
    outputIsProbabilities,
    forward: (x) => model.apply(tf.reshape(x, [x.shape[0], ...(inShape as number[])]), { training: true }) as tfjs.Tensor2D,
    dispose: () => void model.dispose(),
  };
}
