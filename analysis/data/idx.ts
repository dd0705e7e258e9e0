import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

/**
 * The IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/): a big-endian header of two zero
 * bytes, a type code, the number of dimensions, then each dimension as a u32, then the data. MNIST uses
 * unsigned bytes (type 0x08): magic 2049 (0x00000801) for labels [N] and 2051 (0x00000803) for images
 * [N, rows, cols]. Files may be gzipped; we detect that by the gzip magic bytes, not by the file name.
 */

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export const IDX_LABELS_MAGIC = 2049;
export const IDX_IMAGES_MAGIC = 2051;

const TYPE_NAMES: Record<number, string> = { 0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' };

/** Parses IDX bytes (gzipped or not). `expectMagic` pins the kind of file (labels or images). */
export function parseIdx(raw: Uint8Array, file: string, expectMagic?: number): IdxArray {
  let bytes = raw;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch (e) {
      throw new Error(`${file}: gzip data is corrupt or truncated (${(e as Error).message})`);
    }
  }
  if (bytes.length < 4) throw new Error(`${file}: too short for an IDX header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const type = bytes[2];
  const ndims = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !(type in TYPE_NAMES) || ndims === 0) {
    throw new Error(`${file}: not an IDX file (magic number ${magic}; MNIST labels have 2049, images 2051)`);
  }
  if (expectMagic !== undefined && magic !== expectMagic) {
    const what = expectMagic === IDX_LABELS_MAGIC ? 'a label file (magic 2049)' : expectMagic === IDX_IMAGES_MAGIC ? 'an image file (magic 2051)' : `magic ${expectMagic}`;
    throw new Error(`${file}: expected ${what} but found magic ${magic}`);
  }
  if (type !== 0x08) throw new Error(`${file}: IDX element type ${TYPE_NAMES[type]} is not supported (only unsigned bytes, as in MNIST)`);
  const headerLen = 4 + 4 * ndims;
  if (bytes.length < headerLen) throw new Error(`${file}: truncated IDX header`);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const available = bytes.length - headerLen;
  if (available < count) throw new Error(`${file}: truncated: header promises ${dims.join('x')} = ${count} values but only ${available} bytes follow`);
  if (available > count) throw new Error(`${file}: ${available - count} unexpected bytes after the ${dims.join('x')} values`);
  return { dims, data: bytes.subarray(headerLen, headerLen + count) };
}

export function readIdxFile(file: string, expectMagic?: number): IdxArray {
  let raw: Uint8Array;
  try {
    raw = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as Error).message})`);
  }
  return parseIdx(raw, file, expectMagic);
}

/** Big-endian IDX bytes for unsigned-byte data (used by tests and fixtures). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
