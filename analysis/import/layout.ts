/**
 * The model-layout adapter: which source tensors are the layers of a run, under which names, and how to
 * turn each kernel into TopoLens' convention (dense [in, out], conv2d [kh, kw, in, out], so neuron j's
 * incoming weights are column j). Everything about foreign names and orientation lives here; the run's
 * checkpoints only ever hold `<layer>/kernel` and `<layer>/bias` in that convention.
 *
 * Detected from names (override with a layout or a mapping file):
 *   PyTorch  `<layer>.weight` rank 2 [out, in] or rank 4 [out, in, kh, kw], bias `<layer>.bias`
 *   Keras    `<layer>/kernel` (also `.kernel`, a `:0` suffix) rank 2 [in, out] or rank 4 [kh, kw, in, out],
 *            bias `<layer>/bias` (TF.js and tf.keras weights name them so)
 * Rank-1 `.weight` (normalisation scales), running statistics and anything else are left out and listed.
 * A format that knows its own layers (Keras HDF5, whose Keras 3 variables have no names) passes them in as
 * `formatLayers`, which then play the part of a mapping file unless one is given.
 */
import type { ImportedLayer } from '../spec/runFormat';
import type { NamedTensor } from '../store/safetensors';
import { naturalCompare, type TensorInfo, type TensorValues } from './sources';

export type Layout = 'torch' | 'keras';

/** A mapping file: the layers to import, in model order, each naming its source tensors. */
export interface LayerMap {
  /** Default orientation of the layers below: torch = [out, in], keras = [in, out]. */
  layout?: Layout;
  layers: { name: string; kernel: string; bias?: string; orientation?: ImportedLayer['orientation']; activation?: string }[];
}

export interface LayerPlan {
  layout: Layout | 'map';
  layers: ImportedLayer[];
  /** Source tensors that are not part of any layer (left out of the run). */
  ignored: string[];
  /** Non-fatal findings (e.g. consecutive dense layers whose sizes do not chain). */
  warnings: string[];
}

const stripSuffix = (n: string) => n.replace(/:\d+$/, '');
const KERAS_KERNEL = /^(.*)[/.]kernel$/;
const TORCH_WEIGHT = /^(.*)\.weight$/;

function ourShape(shape: readonly number[], orientation: ImportedLayer['orientation']): number[] {
  if (orientation === 'in-out') return [...shape];
  if (shape.length === 2) return [shape[1], shape[0]];
  return [shape[2], shape[3], shape[1], shape[0]]; // [out, in, kh, kw] -> [kh, kw, in, out]
}

function layerFrom(name: string, kernel: TensorInfo, bias: TensorInfo | undefined, orientation: ImportedLayer['orientation'], where: string, activation?: string): ImportedLayer {
  const rank = kernel.shape.length;
  if (rank !== 2 && rank !== 4) throw new Error(`${where}: tensor "${kernel.name}" of layer ${name} has shape [${kernel.shape.join(', ')}]; a kernel is rank 2 (dense) or rank 4 (conv2d)`);
  const shape = ourShape(kernel.shape, orientation);
  const units = shape[shape.length - 1];
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== units)) {
    throw new Error(`${where}: bias "${bias.name}" of layer ${name} has shape [${bias.shape.join(', ')}], expected [${units}] (the kernel "${kernel.name}" is [${kernel.shape.join(', ')}] stored ${orientation === 'out-in' ? '[out, in]' : '[in, out]'}); wrong --layout?`);
  }
  return { name, kernel: kernel.name, ...(bias ? { bias: bias.name } : {}), orientation, type: rank === 2 ? 'dense' : 'conv2d', shape, ...(activation ? { activation } : {}) };
}

function detect(tensors: readonly TensorInfo[], where: string): Layout {
  const torch = tensors.some((t) => TORCH_WEIGHT.test(t.name) && t.shape.length >= 2);
  const keras = tensors.some((t) => KERAS_KERNEL.test(stripSuffix(t.name)));
  if (torch && !keras) return 'torch';
  if (keras && !torch) return 'keras';
  const some = tensors.slice(0, 6).map((t) => `${t.name} [${t.shape.join(', ')}]`).join(', ');
  throw new Error(`${where}: cannot tell the layout from the tensor names (${torch ? 'both PyTorch ".weight" and Keras "kernel" names' : 'no ".weight" or "kernel" names'}: ${some}${tensors.length > 6 ? ', ...' : ''}); pass --layout torch|keras or a mapping file with --map`);
}

/**
 * Plans the layers from one checkpoint's tensor list. `ordered`: the list is in model order (npz, TF.js);
 * otherwise layers are sorted by name with numbers compared as numbers (layers.2 before layers.10).
 * A mapping file and `formatLayers` give the layers in their own order.
 */
export function planLayers(tensors: readonly TensorInfo[], options: { layout?: Layout; map?: LayerMap; formatLayers?: LayerMap['layers']; ordered: boolean; where: string }): LayerPlan {
  const { where } = options;
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const fromMap = (entries: LayerMap['layers'], fallback: Layout | undefined) => entries.map((l) => {
    const kernel = byName.get(l.kernel);
    if (!kernel) throw new Error(`${where}: the mapping names tensor "${l.kernel}" (kernel of ${l.name}), which is not in this checkpoint`);
    const bias = l.bias === undefined ? undefined : byName.get(l.bias);
    if (l.bias !== undefined && !bias) throw new Error(`${where}: the mapping names tensor "${l.bias}" (bias of ${l.name}), which is not in this checkpoint`);
    const orientation = l.orientation ?? (fallback === 'torch' ? 'out-in' : fallback === 'keras' ? 'in-out' : TORCH_WEIGHT.test(l.kernel) ? 'out-in' : 'in-out');
    return layerFrom(l.name, kernel, bias, orientation, where, l.activation);
  });
  let layers: ImportedLayer[];
  let layout: LayerPlan['layout'];
  if (options.map) {
    layout = 'map';
    layers = fromMap(options.map.layers, options.map.layout ?? options.layout);
  } else if (options.formatLayers && options.layout !== 'torch') {
    // The format itself says which tensors are layers (Keras HDF5: kerasH5.ts); always Keras [in, out].
    layout = 'keras';
    layers = fromMap(options.formatLayers, 'keras');
  } else {
    layout = options.layout ?? detect(tensors, where);
    const found: ImportedLayer[] = [];
    for (const t of tensors) {
      if (layout === 'torch') {
        const m = TORCH_WEIGHT.exec(t.name);
        if (!m || (t.shape.length !== 2 && t.shape.length !== 4)) continue;
        found.push(layerFrom(m[1], t, byName.get(`${m[1]}.bias`), 'out-in', where));
      } else {
        const m = KERAS_KERNEL.exec(stripSuffix(t.name));
        if (!m || (t.shape.length !== 2 && t.shape.length !== 4)) continue;
        const suffix = t.name.slice(stripSuffix(t.name).length);
        const sep = stripSuffix(t.name).charAt(m[1].length);
        found.push(layerFrom(m[1], t, byName.get(`${m[1]}${sep}bias${suffix}`) ?? byName.get(`${m[1]}${sep}bias`), 'in-out', where));
      }
    }
    layers = options.ordered ? found : found.sort((a, b) => naturalCompare(a.name, b.name));
  }
  if (layers.length === 0) {
    const looked = layout === 'torch' ? '"<layer>.weight" of rank 2 or 4' : options.formatLayers ? 'Keras "vars/0" or "<layer>/kernel:0" of rank 2 or 4' : '"<layer>/kernel"';
    throw new Error(`${where}: no layer kernels found (as ${layout}: ${looked}); pass --layout or --map`);
  }
  const names = new Set<string>();
  for (const l of layers) {
    if (names.has(l.name)) throw new Error(`${where}: two layers named "${l.name}"`);
    names.add(l.name);
  }
  const used = new Set(layers.flatMap((l) => [l.kernel, ...(l.bias ? [l.bias] : [])]));
  const warnings: string[] = [];
  const dense = layers.filter((l) => l.type === 'dense');
  for (let i = 1; i < dense.length; i++) {
    if (dense[i - 1].shape[1] !== dense[i].shape[0]) {
      warnings.push(`dense layers ${dense[i - 1].name} (${dense[i - 1].shape[1]} units) and ${dense[i].name} (${dense[i].shape[0]} inputs) do not chain: check the layer order (a mapping file sets it)`);
    }
  }
  return { layout, layers, ignored: tensors.map((t) => t.name).filter((n) => !used.has(n)), warnings };
}

/** Transposes a source kernel into the run's convention (see the file comment); a copy when already there. */
export function kernelToRunLayout(values: TensorValues, orientation: ImportedLayer['orientation']): NamedTensor {
  const src = values.data;
  if (orientation === 'in-out') return { dtype: 'F32', shape: [...values.shape], data: Float32Array.from(src) };
  const out = new Float32Array(src.length);
  if (values.shape.length === 2) {
    const [o, i] = values.shape;
    for (let r = 0; r < o; r++) for (let c = 0; c < i; c++) out[c * o + r] = src[r * i + c];
    return { dtype: 'F32', shape: [i, o], data: out };
  }
  const [o, i, kh, kw] = values.shape;
  for (let a = 0; a < o; a++) {
    for (let b = 0; b < i; b++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) out[((y * kw + x) * i + b) * o + a] = src[((a * i + b) * kh + y) * kw + x];
      }
    }
  }
  return { dtype: 'F32', shape: [kh, kw, i, o], data: out };
}

/** Parses a mapping file's JSON; errors name the file and the field. */
export function parseLayerMap(text: string, file: string): LayerMap {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const fail = (what: string): never => {
    throw new Error(`${file}: not a valid layer mapping: ${what} (expected {"layout"?: "torch"|"keras", "layers": [{"name", "kernel", "bias"?, "orientation"?: "out-in"|"in-out", "activation"?}]})`);
  };
  const m = raw as { layout?: unknown; layers?: unknown };
  if (!m || typeof m !== 'object' || Array.isArray(m)) fail('not a JSON object');
  if (m.layout !== undefined && m.layout !== 'torch' && m.layout !== 'keras') fail(`layout ${JSON.stringify(m.layout)}`);
  if (!Array.isArray(m.layers) || m.layers.length === 0) fail('"layers" must be a non-empty list');
  const layers = (m.layers as Record<string, unknown>[]).map((l, i) => {
    if (!l || typeof l !== 'object') fail(`layers[${i}] is not an object`);
    for (const k of ['name', 'kernel'] as const) if (typeof l[k] !== 'string' || (l[k] as string).length === 0) fail(`layers[${i}].${k} must be a non-empty string`);
    for (const k of ['bias', 'activation'] as const) if (l[k] !== undefined && typeof l[k] !== 'string') fail(`layers[${i}].${k} must be a string`);
    if (l.orientation !== undefined && l.orientation !== 'out-in' && l.orientation !== 'in-out') fail(`layers[${i}].orientation ${JSON.stringify(l.orientation)}`);
    if ((l.name as string).includes('/')) fail(`layers[${i}].name "${String(l.name)}" must not contain "/"`);
    return l as LayerMap['layers'][number];
  });
  return { ...(m.layout ? { layout: m.layout as Layout } : {}), layers };
}
