/**
 * Keras weights in HDF5: which datasets are the model's weights, in model order, and which of them are the
 * layers' kernels and biases. Two layouts:
 *
 *   Keras 3  `model.save_weights("x.weights.h5")`: a group per layer, `layers/<layer>/vars/<i>` (nested
 *            models `layers/functional/layers/dense/vars/0`, sub-layers `layers/lstm/cell/vars/0`); the
 *            variables are unnamed, numbered in the layer's own order: a Dense or Conv layer's `vars/0` is
 *            its kernel ([in, out], conv [kh, kw, in, out]) and `vars/1` its bias. Layer groups are named
 *            after their class (dense, dense_1, ...), and the file records no order across classes, so
 *            layers come in creation order when the file tracks it, else by name with numbers as numbers.
 *   Keras 2  `save_weights("x.h5")` / `model.save("x.h5")` (then under `model_weights/`): a group per layer
 *            with the variables under their names, `<layer>/<layer>/kernel:0`, `<layer>/<layer>/bias:0`;
 *            the `layer_names` attribute gives the model order and each layer's `weight_names` its own.
 *
 * Tensor names are the datasets' paths in the file (what a mapping file names); run layer names are the
 * layer paths without `model_weights`/`layers` and repeated parts, joined with "." (`functional.dense`).
 */
import type { File, Group } from 'h5wasm/node';
import type { LayerMap } from './layout';
import type { TensorInfo } from './sources';
import { listDatasets, stringListAttr, type Hdf5Api } from './hdf5';

const KERAS3_KERNEL = /^(?:(.*)\/)?vars\/0$/;
const KERAS2_KERNEL = /^(.*)\/kernel(:\d+)?$/;

/** The group holding the model's weights: `model_weights` in a whole-model Keras 2 file, else the root. */
function weightsRoot(api: Hdf5Api, file: File): { path: string; group: Group } {
  const mw = file.get('model_weights');
  return mw instanceof api.h5.Group ? { path: 'model_weights', group: mw } : { path: '', group: file };
}

/**
 * The weight datasets of a Keras HDF5 file in model order: Keras 2's `layer_names` / `weight_names` order
 * when the file has it, the file's order otherwise (see `childNames`). Optimizer state of a whole-model file
 * (`optimizer_weights/`) is not a weight and is not listed.
 */
export function kerasWeightTensors(api: Hdf5Api, file: File, naturalCompare: (a: string, b: string) => number): TensorInfo[] {
  const root = weightsRoot(api, file);
  const all = listDatasets(api, file, root.path, naturalCompare).map((d) => ({ name: d.path, shape: d.shape }));
  const layerNames = stringListAttr(root.group, 'layer_names');
  if (!layerNames) return all;
  const byName = new Map(all.map((t) => [t.name, t]));
  const ordered: TensorInfo[] = [];
  const taken = new Set<string>();
  const take = (t: TensorInfo | undefined) => {
    if (t && !taken.has(t.name)) {
      taken.add(t.name);
      ordered.push(t);
    }
  };
  const prefix = root.path ? `${root.path}/` : '';
  for (const layer of layerNames) {
    const group = root.group.get(layer);
    const weightNames = group instanceof api.h5.Group ? stringListAttr(group, 'weight_names') ?? [] : [];
    for (const w of weightNames) take(byName.get(`${prefix}${layer}/${w}`));
    for (const t of all) if (t.name.startsWith(`${prefix}${layer}/`)) take(t);
  }
  for (const t of all) take(t);
  return ordered;
}

/** `layers/functional/layers/dense` -> `functional.dense`; `model_weights/dense/dense` -> `dense`. */
export function kerasLayerName(layerPath: string, keras3: boolean): string {
  const parts = layerPath.split('/').filter((p, i) => p.length > 0 && !(i === 0 && p === 'model_weights') && !(keras3 && p === 'layers'));
  const collapsed = parts.filter((p, i) => i === 0 || p !== parts[i - 1]);
  return collapsed.join('.') || 'model';
}

/**
 * The layers of a Keras HDF5 file from its weight list (in model order): each rank-2 or rank-4 kernel
 * (Keras 3 `vars/0`, Keras 2 `kernel:0`) with its bias (Keras 3 `vars/1` when it is a vector of the
 * kernel's output size: an LSTM cell's `vars/1` is its recurrent kernel; Keras 2 `bias:0`), stored [in, out].
 */
export function kerasH5Layers(tensors: readonly TensorInfo[]): LayerMap['layers'] {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const layers: LayerMap['layers'] = [];
  for (const t of tensors) {
    if (t.shape.length !== 2 && t.shape.length !== 4) continue;
    const units = t.shape[t.shape.length - 1];
    const k3 = KERAS3_KERNEL.exec(t.name);
    if (k3) {
      const biasName = `${k3[1] !== undefined ? `${k3[1]}/` : ''}vars/1`;
      const bias = byName.get(biasName);
      const isBias = bias !== undefined && bias.shape.length === 1 && bias.shape[0] === units;
      layers.push({ name: kerasLayerName(k3[1] ?? '', true), kernel: t.name, ...(isBias ? { bias: biasName } : {}), orientation: 'in-out' });
      continue;
    }
    const k2 = KERAS2_KERNEL.exec(t.name);
    if (k2) {
      const bias = [`${k2[1]}/bias${k2[2] ?? ''}`, `${k2[1]}/bias`].find((n) => byName.has(n));
      layers.push({ name: kerasLayerName(k2[1], false), kernel: t.name, ...(bias ? { bias } : {}), orientation: 'in-out' });
    }
  }
  return layers;
}
