/**
 * HDF5 files through h5wasm (the HDF5 C library compiled to WebAssembly; its node build reads the file
 * system directly, so a dataset is read without loading the file). Loaded on first use only: it is 4 MB of
 * JavaScript that no other command needs. The bundles get it from dist/h5wasm.js (esbuild.mjs).
 *
 * What this adds to h5wasm:
 *  - every numeric dataset as float32 in C order, through the same conversions as the other formats
 *    (store/dtypes.ts): float16/32/64, (u)int8-64, h5py's bool enum, and Keras 3's bfloat16 (an opaque
 *    2-byte type marked `dtype="bfloat16"`). h5wasm's own `.value` refuses float16, so the raw bytes are
 *    read (HDF5 converts them to little-endian on the way);
 *  - errors that name the file and dataset with HDF5's reason. HDF5 prints its error stack to stderr, which
 *    Emscripten's raw node file system writes with fs.writeSync(2, ...), and h5wasm exposes no H5Eset_auto
 *    to turn that off; so fd-2 writes are captured while a call runs (HDF5 calls are synchronous: nothing
 *    else writes meanwhile) and the innermost frame becomes the message.
 */
import fs from 'node:fs';
import type { Dataset, File, Group } from 'h5wasm/node';
import { toFloat32, type ElementType } from '../store/dtypes';

type H5wasm = (typeof import('h5wasm/node'))['default'];
type H5Module = Awaited<H5wasm['ready']>;

export interface Hdf5Api { h5: H5wasm; module: H5Module }
export interface Hdf5Dataset { path: string; shape: number[] }

let loading: Promise<Hdf5Api> | undefined;

/** h5wasm, loaded and initialised once per process. */
export function loadHdf5(): Promise<Hdf5Api> {
  loading ??= (async () => {
    let mod: typeof import('h5wasm/node');
    try {
      mod = await import('h5wasm/node');
    } catch (e) {
      loading = undefined;
      throw new Error(`cannot load the HDF5 reader h5wasm, which reads Keras .h5 files (${(e as Error).message}); it ships as dist/h5wasm.js beside the CLI (npm run build) or as the h5wasm npm package`);
    }
    // ESM (tsx, Node) gives the library as `default`; a CommonJS bundle imported as ESM nests it once more.
    const h5 = ('File' in mod.default ? mod.default : (mod.default as unknown as { default: H5wasm }).default);
    return { h5, module: await h5.ready };
  })();
  return loading;
}

const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_OPAQUE = 5;
const H5T_ENUM = 8;

/** The innermost HDF5 error frame ("in H5F__super_read(): truncated file: ...") as a readable reason. */
function hdf5Reason(stderr: string): string | undefined {
  const frames = [...stderr.matchAll(/#\d+: .* in (\w+)\(\): (.*)$/gm)];
  if (frames.length === 0) return undefined;
  const reason = frames[frames.length - 1][2].trim();
  if (/file signature not found/.test(reason)) return 'not an HDF5 file (no HDF5 signature); Keras writes weights with model.save_weights("<name>.weights.h5")';
  const trunc = /truncated file: eof = (\d+).*stored_eof = (\d+)/.exec(reason);
  if (trunc) return `truncated: the file holds ${trunc[1]} bytes but its HDF5 superblock says ${trunc[2]} (an interrupted copy or save?)`;
  return `HDF5: ${reason}`;
}

/**
 * Runs one synchronous h5wasm call with HDF5's stderr output captured; when it throws, or `failed` says its
 * result is an HDF5 failure (h5wasm returns some, e.g. a negative file id), throws
 * `<file>: <what>: <HDF5's reason>`. Diagnostics of a call that succeeded are dropped (h5wasm probes).
 */
export function hdf5Call<T>(file: string, what: string, call: () => T, failed: (result: T) => boolean = () => false): T {
  const writeSync = fs.writeSync;
  let captured = '';
  fs.writeSync = function capture(this: unknown, fd: number, data: unknown, ...rest: unknown[]): number {
    if (fd !== 2) return (writeSync as (...a: unknown[]) => number).call(this, fd, data, ...rest);
    if (typeof data === 'string') {
      captured += data;
      return Buffer.byteLength(data);
    }
    const view = data as ArrayBufferView;
    const offset = typeof rest[0] === 'number' ? rest[0] : 0;
    const length = typeof rest[1] === 'number' ? rest[1] : view.byteLength - offset;
    captured += Buffer.from(view.buffer, view.byteOffset + offset, length).toString('utf8');
    return length;
  } as typeof fs.writeSync;
  const fail = (fallback: string): never => {
    throw new Error(`${file}: ${what ? `${what}: ` : ''}${hdf5Reason(captured) ?? fallback}`);
  };
  let result: T;
  try {
    result = call();
  } catch (e) {
    return fail((e as Error).message);
  } finally {
    fs.writeSync = writeSync;
  }
  if (failed(result)) fail('HDF5 reported an error without a reason');
  return result;
}

/** Opens `file` read-only; errors name the file (not HDF5, truncated, unreadable). */
export function openHdf5(api: Hdf5Api, file: string): File {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
  return hdf5Call(file, '', () => new api.h5.File(file, 'r'), (f) => f.file_id < 0n);
}

/** The element type a dataset converts from, or what it holds instead. */
function elementType(ds: Dataset): { type: ElementType } | { unsupported: string } {
  const m = ds.metadata;
  if (m.type === H5T_FLOAT) {
    const type = ({ 2: 'f16', 4: 'f32', 8: 'f64' } as const)[m.size as 2 | 4 | 8];
    return type ? { type } : { unsupported: `a ${m.size * 8}-bit float` };
  }
  if (m.type === H5T_INTEGER) {
    const pair = ({ 1: ['u8', 'i8'], 2: ['u16', 'i16'], 4: ['u32', 'i32'], 8: ['u64', 'i64'] } as const)[m.size as 1 | 2 | 4 | 8];
    return pair ? { type: pair[m.signed ? 1 : 0] } : { unsupported: `a ${m.size * 8}-bit integer` };
  }
  // h5py writes numpy bool as an int8 enum {FALSE: 0, TRUE: 1}.
  const members = m.enum_type?.members;
  if (m.type === H5T_ENUM && m.size === 1 && members && Object.keys(members).sort().join() === 'FALSE,TRUE') return { type: 'bool' };
  // Keras 3 stores bfloat16 variables as numpy (ml_dtypes) bfloat16, which h5py writes as 2-byte opaque.
  if (m.type === H5T_OPAQUE && m.size === 2 && stringAttr(ds, 'dtype') === 'bfloat16') return { type: 'bf16' };
  return { unsupported: `HDF5 type class ${m.type} (dtype ${JSON.stringify(ds.dtype)}, ${m.size} bytes)` };
}

function stringAttr(obj: Dataset | Group, name: string): string | undefined {
  if (!(name in obj.attrs)) return undefined;
  const v = obj.attrs[name].value;
  return typeof v === 'string' ? v : undefined;
}

/**
 * A string-list attribute (Keras 2's `layer_names`, `weight_names`), also when Keras split a long one into
 * `<name>0`, `<name>1`, ... (legacy h5 format: attributes over 64 KB); undefined when absent.
 */
export function stringListAttr(obj: Group, name: string): string[] | undefined {
  const attrs = obj.attrs;
  const read = (n: string): string[] => {
    const v = attrs[n].value;
    if (typeof v === 'string') return [v];
    if (Array.isArray(v)) return v.map(String);
    return [];
  };
  if (name in attrs) return read(name);
  if (!(`${name}0` in attrs)) return undefined;
  const out: string[] = [];
  for (let i = 0; `${name}${i}` in attrs; i++) out.push(...read(`${name}${i}`));
  return out;
}

/**
 * A group's member names in file order: creation order when the file tracks it (h5wasm lists that index
 * then), else names compared with numbers as numbers. A listing not in byte order can only be creation order.
 */
export function childNames(group: Group, naturalCompare: (a: string, b: string) => number): string[] {
  const keys = group.keys();
  const byteSorted = keys.every((k, i) => i === 0 || keys[i - 1] < k);
  return byteSorted ? [...keys].sort(naturalCompare) : keys;
}

/** Every dataset under `root` (depth first, children in `childNames` order), skipping links. */
export function listDatasets(api: Hdf5Api, file: File, root: string, naturalCompare: (a: string, b: string) => number): Hdf5Dataset[] {
  const { Group: GroupClass, Dataset: DatasetClass } = api.h5;
  const out: Hdf5Dataset[] = [];
  const walk = (group: Group, prefix: string) => {
    for (const name of childNames(group, naturalCompare)) {
      const p = prefix ? `${prefix}/${name}` : name;
      const obj = hdf5Call(file.filename, `object "${p}"`, () => group.get(name));
      if (obj instanceof GroupClass) walk(obj, p);
      else if (obj instanceof DatasetClass) out.push({ path: p, shape: obj.shape ?? [] });
    }
  };
  const start = root ? file.get(root) : file;
  if (start instanceof GroupClass) walk(start, root);
  return out;
}

/** One dataset as float32 in C order (HDF5 stores row-major); errors name the file and dataset. */
export function readDataset(api: Hdf5Api, file: File, p: string): { shape: number[]; data: Float32Array } {
  const where = `dataset "${p}"`;
  const obj = hdf5Call(file.filename, where, () => file.get(p));
  if (!(obj instanceof api.h5.Dataset)) throw new Error(`${file.filename}: no dataset "${p}"`);
  const ds = obj;
  const kind = elementType(ds);
  if ('unsupported' in kind) throw new Error(`${file.filename}: ${where} holds ${kind.unsupported}, which TopoLens cannot read (float16/32/64, integers, bool, Keras bfloat16)`);
  const m = ds.metadata;
  const shape = m.shape ?? [];
  const count = shape.reduce((a, b) => a * b, 1);
  if (count === 0) return { shape, data: new Float32Array(0) };
  const { module } = api;
  const bytes = m.size * count;
  const ptr = module._malloc(bytes);
  if (!ptr) throw new Error(`${file.filename}: ${where} needs ${bytes} bytes, more than the HDF5 reader's memory can hold`);
  try {
    const status = hdf5Call(file.filename, where, () => module.get_dataset_data(file.file_id, p, null, null, null, BigInt(ptr)));
    if (status < 0) throw new Error(`${file.filename}: ${where} cannot be read (HDF5 status ${status})`);
    // HEAPU8 is looked up after the read: the heap may have grown (and been replaced) during it.
    return { shape, data: toFloat32(module.HEAPU8.subarray(ptr, ptr + bytes), kind.type, count, true) };
  } finally {
    module._free(ptr);
  }
}
