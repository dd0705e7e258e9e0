/**
 * NumPy's `.npy` format (versions 1.0-3.0, https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * the magic `\x93NUMPY`, a version (major, minor), the header length (u16 in 1.0, u32 in 2.0/3.0), a Python
 * dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces to a multiple
 * of 64 bytes, then the raw data in C (row-major) or Fortran (column-major) order.
 *
 * Element types read: float f2/f4/f8, signed i1-i8, unsigned u1-u8, bool b1, in either byte order. NumPy has
 * no bfloat16; `ml_dtypes.bfloat16` arrays are saved as a two-byte void, `'<V2'` / `'|V2'`, which is read as
 * bfloat16 (the only two-byte void type in use for weights). Structured dtypes, objects and strings are
 * refused. Values come back as float32 in C order whatever the file's order.
 */
import { ELEMENT_BYTES, toFloat32, type ElementType } from '../store/dtypes';

export interface NpyHeader {
  descr: string;
  type: ElementType;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data in the file. */
  dataOffset: number;
}

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const KINDS: Record<string, ElementType> = {
  f2: 'f16', f4: 'f32', f8: 'f64', i1: 'i8', i2: 'i16', i4: 'i32', i8: 'i64', u1: 'u8', u2: 'u16', u4: 'u32', u8: 'u64', b1: 'bool', V2: 'bf16',
};

/** How many leading bytes are enough to parse any ordinary header (NumPy pads it to 64 bytes; shapes are short). */
export const NPY_HEADER_PROBE_BYTES = 4096;

/**
 * Parses the header from the file's first bytes (at least the whole header; NPY_HEADER_PROBE_BYTES is enough
 * for any header NumPy writes for a plain array). Errors name `file`.
 */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  const fail = (what: string): never => {
    throw new Error(`${file}: ${what}`);
  };
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) fail('not a NumPy .npy file (bad magic; write it with numpy.save)');
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`.npy format version ${major}.${bytes[7]} is not one TopoLens reads (1.0-3.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) fail('truncated .npy header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (start + headerLen > bytes.length) fail(`the .npy header says ${headerLen} bytes but only ${bytes.length - start} follow (truncated?)`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (/'descr'\s*:\s*\[/.test(header)) fail(`a structured array (${header.trim()}); save each field as its own array`);
  if (descr === undefined || fortran === undefined || shapeText === undefined) return fail(`unreadable .npy header ${JSON.stringify(header.trim())}`);
  const shape = shapeText.split(',').map((s) => s.trim().replace(/L$/, '')).filter((s) => s.length > 0).map(Number);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`bad shape (${shapeText}) in the .npy header`);
  const m = /^([<>|=])([a-zA-Z]\d+)$/.exec(descr);
  const type = m ? KINDS[m[2]] : undefined;
  if (!m || type === undefined) return fail(`dtype '${descr}' is not one TopoLens reads (float16/32/64, int/uint 8-64, bool, bfloat16 saved as '<V2')`);
  const order = m[1];
  return { descr, type, littleEndian: order === '<' || order === '|' || (order === '=' && LITTLE_ENDIAN_HOST), fortranOrder: fortran === 'True', shape, dataOffset: start + headerLen };
}

/** Reorders a Fortran-ordered (column-major) array into C order (row-major). */
export function fortranToC(src: Float32Array, shape: readonly number[]): Float32Array {
  const rank = shape.length;
  if (rank < 2) return src;
  const out = new Float32Array(src.length);
  if (rank === 2) {
    const [rows, cols] = shape;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = src[j * rows + i];
    return out;
  }
  // General rank: walk C order with an index counter, tracking the Fortran offset (strides 1, d0, d0*d1, ...).
  const fStride = new Array<number>(rank);
  fStride[0] = 1;
  for (let k = 1; k < rank; k++) fStride[k] = fStride[k - 1] * shape[k - 1];
  const idx = new Array<number>(rank).fill(0);
  let f = 0;
  for (let c = 0; c < out.length; c++) {
    out[c] = src[f];
    for (let k = rank - 1; k >= 0; k--) {
      idx[k]++;
      f += fStride[k];
      if (idx[k] < shape[k]) break;
      f -= fStride[k] * shape[k];
      idx[k] = 0;
    }
  }
  return out;
}

/** A whole .npy file held in memory, as float32 in C order. */
export function decodeNpy(bytes: Uint8Array, file: string): NpyArray {
  const h = parseNpyHeader(bytes, file);
  const count = h.shape.reduce((a, b) => a * b, 1);
  const width = ELEMENT_BYTES[h.type];
  const have = bytes.length - h.dataOffset;
  if (have < count * width) throw new Error(`${file}: the data holds ${have} bytes, the shape (${h.shape.join(', ')}) of ${h.descr} needs ${count * width} (truncated?)`);
  if (have > count * width) throw new Error(`${file}: ${have - count * width} bytes after the data the header describes (not a plain .npy array)`);
  const data = toFloat32(bytes.subarray(h.dataOffset), h.type, count, h.littleEndian);
  return { shape: h.shape, data: h.fortranOrder ? fortranToC(data, h.shape) : data };
}
