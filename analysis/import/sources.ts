/**
 * A folder of checkpoints saved by another framework, as a list of steps whose tensors can be listed
 * (names and shapes, cheaply) and read (as float32). One reader per format:
 *
 *   safetensors  DIR/<name with step>.safetensors           one file per step (PyTorch `save_file`)
 *   npz          DIR/<name with step>.npz                   one archive per step (`np.savez[_compressed]`)
 *   npy          DIR/<name with step>/<tensor name>.npy     one folder per step, one file per tensor
 *   tfjs         DIR/<name with step>/model.json + shards   one folder per step (tfjs `model.save`)
 *   keras-h5     DIR/<name with step>.weights.h5 (or .h5)   one HDF5 file per step (Keras `save_weights`,
 *                                                           Keras 2 `model.save`); read by h5wasm, loaded
 *                                                           only for this format (hdf5.ts, kerasH5.ts)
 *
 * The step of a checkpoint is the number after "step" in its name (`step-120`, `global_step=120`,
 * `epoch=3-step=1200`), else the last whole number in its name (`ckpt_000120`, `epoch_7`; numbers with a
 * decimal point are metric values: Keras' `weights.07-0.83.hdf5` is epoch 7); a safetensors file's
 * `__metadata__` "step" (or "global_step") wins over its name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ImportFormat } from '../spec/runFormat';
import { readSafetensorsHeader, readSafetensorsTensors } from '../store/safetensorsFile';
import type { LayerMap } from './layout';
import { loadHdf5, openHdf5, readDataset, type Hdf5Api } from './hdf5';
import { kerasH5Layers, kerasWeightTensors } from './kerasH5';
import { decodeNpy, NPY_HEADER_PROBE_BYTES, parseNpyHeader } from './npy';
import { readTfjsGroup, readTfjsManifest, tfjsWeightValues } from './tfjs';
import { ZipReader } from './zip';

export interface TensorInfo { name: string; shape: number[] }
export interface TensorValues { shape: number[]; data: Float32Array }

export interface SourceCheckpoint {
  step: number;
  /** The file (safetensors, npz) or folder (npy, tfjs) of this step, for messages. */
  path: string;
  /** Every file read for it, for the run's source record. */
  files: string[];
  /** Tensor names and shapes, in the order the source stores them. */
  list(): TensorInfo[];
  /** The named tensors as float32 in C order. */
  read(names: readonly string[]): Map<string, TensorValues>;
}

export interface ScannedFolder {
  format: ImportFormat;
  checkpoints: SourceCheckpoint[];
  /** Whether the source's tensor order is the model's order (npz, tfjs, keras-h5) or arbitrary (safetensors, npy folders). */
  ordered: boolean;
  /** The layers the format itself identifies from a tensor list (keras-h5: unnamed Keras 3 variables). */
  formatLayers?: (tensors: readonly TensorInfo[]) => LayerMap['layers'];
}

/** Folder and file names in DIR that hold predictions, labels or curves rather than checkpoints. */
export const NON_CHECKPOINT_NAMES = new Set(['predictions', 'labels.npy']);

/** The step a file or folder name carries, or undefined. */
export function stepFromName(name: string): number | undefined {
  const stem = name.replace(/\.(safetensors|npz|npy|json|weights\.h5|h5|hdf5)$/i, '');
  const tagged = /(?:^|[^a-z])(?:global_step|step|iteration|iter)[-_=]?(\d+)/i.exec(stem);
  if (tagged) return Number(tagged[1]);
  const all = stem.replace(/\d+\.\d+(?:e[-+]?\d+)?/gi, '-').match(/\d+/g);
  return all ? Number(all[all.length - 1]) : undefined;
}

/** Compares names with their digit runs as numbers, so layers.2 < layers.10. */
export function naturalCompare(a: string, b: string): number {
  const ca = a.match(/\d+|\D+/g) ?? [];
  const cb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i];
    const y = cb[i];
    if (x === y) continue;
    const nx = /^\d/.test(x) && /^\d/.test(y);
    if (nx && Number(x) !== Number(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return ca.length - cb.length;
}

function requireStep(step: number | undefined, where: string): number {
  if (step === undefined || !Number.isSafeInteger(step)) {
    throw new Error(`${where}: cannot tell which training step this checkpoint is; put the step in its name (e.g. step-120) or, for safetensors, in __metadata__ {"step": "120"}`);
  }
  return step;
}

function safetensorsCheckpoint(file: string): SourceCheckpoint {
  const header = readSafetensorsHeader(file);
  const meta = header.metadata.step ?? header.metadata.global_step;
  const step = requireStep(meta !== undefined && /^\d+$/.test(meta) ? Number(meta) : stepFromName(path.basename(file)), file);
  return {
    step, path: file, files: [file],
    list: () => header.entries.map((e) => ({ name: e.name, shape: e.shape })),
    read: (names) => new Map(Object.entries(readSafetensorsTensors(file, names).tensors).map(([n, t]) => [n, { shape: t.shape, data: t.data }])),
  };
}

function npzCheckpoint(file: string): SourceCheckpoint {
  const step = requireStep(stepFromName(path.basename(file)), file);
  const withZip = <T>(body: (zip: ZipReader) => T): T => {
    const zip = new ZipReader(file);
    try {
      return body(zip);
    } finally {
      zip.close();
    }
  };
  const arrays = withZip((zip) => zip.entries.filter((e) => e.name.endsWith('.npy')).map((e) => ({
    name: e.name.slice(0, -4),
    shape: parseNpyHeader(zip.readPrefix(e, NPY_HEADER_PROBE_BYTES), `${file}:${e.name}`).shape,
  })));
  return {
    step, path: file, files: [file],
    list: () => arrays,
    read: (names) => withZip((zip) => new Map(names.map((n) => {
      const entry = zip.entries.find((e) => e.name === `${n}.npy`);
      if (!entry) throw new Error(`${file}: no array "${n}"`);
      const a = decodeNpy(zip.read(entry), `${file}:${entry.name}`);
      return [n, a];
    }))),
  };
}

function readHead(file: string, length: number): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = new Uint8Array(length);
    const got = fs.readSync(fd, buf, 0, length, 0);
    return buf.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

function npyFolderCheckpoint(dir: string): SourceCheckpoint {
  const step = requireStep(stepFromName(path.basename(dir)), dir);
  const files = fs.readdirSync(dir).filter((n) => n.endsWith('.npy')).sort(naturalCompare).map((n) => path.join(dir, n));
  const arrays = files.map((f) => ({ name: path.basename(f, '.npy'), shape: parseNpyHeader(readHead(f, NPY_HEADER_PROBE_BYTES), f).shape }));
  return {
    step, path: dir, files,
    list: () => arrays,
    read: (names) => new Map(names.map((n) => {
      const f = path.join(dir, `${n}.npy`);
      return [n, decodeNpy(fs.readFileSync(f), f)];
    })),
  };
}

function tfjsCheckpoint(modelJson: string): SourceCheckpoint {
  const folder = path.dirname(modelJson);
  const step = requireStep(stepFromName(path.basename(folder)), folder);
  const manifest = readTfjsManifest(modelJson);
  return {
    step, path: folder, files: [modelJson, ...manifest.groups.flat()],
    list: () => manifest.weights.map((w) => ({ name: w.name, shape: w.shape })),
    read: (names) => {
      const groups = new Map<number, Uint8Array>();
      return new Map(names.map((n) => {
        const w = manifest.weights.find((x) => x.name === n);
        if (!w) throw new Error(`${modelJson}: no weight "${n}"`);
        if (!groups.has(w.group)) groups.set(w.group, readTfjsGroup(manifest, w.group));
        return [n, { shape: w.shape, data: tfjsWeightValues(manifest, w, groups.get(w.group) as Uint8Array) }];
      }));
    },
  };
}

function kerasH5Checkpoint(api: Hdf5Api, file: string): SourceCheckpoint {
  const step = requireStep(stepFromName(path.basename(file)), file);
  // One open file per listing or read: h5wasm holds a file descriptor while a file is open.
  const withFile = <T>(body: (f: ReturnType<typeof openHdf5>) => T): T => {
    const f = openHdf5(api, file);
    try {
      return body(f);
    } finally {
      f.close();
    }
  };
  const tensors = withFile((f) => kerasWeightTensors(api, f, naturalCompare));
  return {
    step, path: file, files: [file],
    list: () => tensors,
    read: (names) => withFile((f) => new Map(names.map((n) => [n, readDataset(api, f, n)]))),
  };
}

/**
 * The checkpoints in `dir`, sorted by step. `format` forces one reader; otherwise the folder must hold one
 * kind of checkpoint. Two checkpoints at one step, or none at all, are errors naming the folder.
 */
export async function scanCheckpointFolder(dir: string, format?: ImportFormat): Promise<ScannedFolder> {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => !n.startsWith('.') && !NON_CHECKPOINT_NAMES.has(n)).sort(naturalCompare);
  } catch (e) {
    throw new Error(`${dir}: cannot list the checkpoint folder (${(e as Error).message})`);
  }
  const isDir = (n: string) => fs.statSync(path.join(dir, n)).isDirectory();
  const found: Record<ImportFormat, string[]> = {
    safetensors: names.filter((n) => n.endsWith('.safetensors')).map((n) => path.join(dir, n)),
    npz: names.filter((n) => n.endsWith('.npz')).map((n) => path.join(dir, n)),
    tfjs: [
      ...(fs.existsSync(path.join(dir, 'model.json')) ? [path.join(dir, 'model.json')] : []),
      ...names.filter((n) => isDir(n) && fs.existsSync(path.join(dir, n, 'model.json'))).map((n) => path.join(dir, n, 'model.json')),
    ],
    npy: names.filter((n) => isDir(n) && !fs.existsSync(path.join(dir, n, 'model.json')) && fs.readdirSync(path.join(dir, n)).some((f) => f.endsWith('.npy'))).map((n) => path.join(dir, n)),
    'keras-h5': names.filter((n) => /\.(h5|hdf5)$/i.test(n) && !isDir(n)).map((n) => path.join(dir, n)),
  };
  const kinds = (Object.keys(found) as ImportFormat[]).filter((k) => found[k].length > 0);
  const chosen = format ?? (kinds.length === 1 ? kinds[0] : undefined);
  if (chosen === undefined) {
    if (kinds.length === 0) throw new Error(`${dir}: no checkpoints found (looked for *.safetensors, *.npz, step folders of *.npy, model.json folders, and Keras *.weights.h5 / *.h5)`);
    throw new Error(`${dir}: holds checkpoints of several formats (${kinds.map((k) => `${found[k].length} ${k}`).join(', ')}); choose one with --format`);
  }
  if (found[chosen].length === 0) throw new Error(`${dir}: no ${chosen} checkpoints found`);
  // h5wasm (4 MB) is loaded only when a Keras HDF5 folder is imported.
  const hdf5 = chosen === 'keras-h5' ? await loadHdf5() : undefined;
  const open = chosen === 'keras-h5'
    ? (file: string) => kerasH5Checkpoint(hdf5 as Hdf5Api, file)
    : { safetensors: safetensorsCheckpoint, npz: npzCheckpoint, npy: npyFolderCheckpoint, tfjs: tfjsCheckpoint }[chosen];
  const checkpoints = found[chosen].map(open).sort((a, b) => a.step - b.step);
  for (let i = 1; i < checkpoints.length; i++) {
    if (checkpoints[i].step === checkpoints[i - 1].step) throw new Error(`${dir}: two checkpoints at step ${checkpoints[i].step}: ${checkpoints[i - 1].path} and ${checkpoints[i].path}`);
  }
  return {
    format: chosen, checkpoints, ordered: chosen === 'npz' || chosen === 'tfjs' || chosen === 'keras-h5',
    ...(chosen === 'keras-h5' ? { formatLayers: kerasH5Layers } : {}),
  };
}
