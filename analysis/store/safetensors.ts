/**
 * The safetensors container (https://github.com/huggingface/safetensors), written and read by hand so the
 * worker needs no native code: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON,
 * then the raw little-endian tensor bytes. The JSON maps each tensor name to
 * `{ dtype, shape, data_offsets: [begin, end] }` (offsets relative to the start of the data section) and may
 * hold `"__metadata__"`: a string -> string map.
 *
 * Python's `safetensors` is strict about the layout, so we follow its rules exactly: tensors are laid out
 * back to back with no gaps in the order of their offsets, the data section holds nothing else, and the
 * header is padded with spaces to a multiple of 8 bytes so every tensor starts aligned.
 */

import { ELEMENT_BYTES, SAFETENSORS_DTYPES, toFloat32, type ElementType } from './dtypes';

/** A tensor as TopoLens holds it: float32 whatever the stored dtype was (readers convert, see dtypes.ts). */
export interface NamedTensor {
  dtype: 'F32';
  shape: number[];
  data: Float32Array;
}

const HEADER_ALIGN = 8;
/** Same sanity cap as the Rust reference implementation (100 MB of JSON is certainly not a real header). */
const MAX_HEADER_BYTES = 100_000_000;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Serialises tensors (sorted by name, so the bytes depend only on the content) plus optional metadata. */
export function encodeSafetensors(tensors: Record<string, NamedTensor>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') throw new Error('safetensors: "__metadata__" is reserved and cannot name a tensor');
    const t = tensors[name];
    if (t.dtype !== 'F32') throw new Error(`safetensors: tensor "${name}" has dtype ${String(t.dtype)}; only F32 is written`);
    const count = elementCount(t.shape);
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`safetensors: tensor "${name}" has an invalid shape [${t.shape.join(', ')}]`);
    if (count !== t.data.length) throw new Error(`safetensors: tensor "${name}" has shape [${t.shape.join(', ')}] (${count} values) but ${t.data.length} values`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + count * 4] };
    offset += count * 4;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.length) / HEADER_ALIGN) * HEADER_ALIGN - 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const name of names) {
    const data = tensors[name].data;
    if (LITTLE_ENDIAN_HOST) {
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), pos);
    } else {
      const view = new DataView(out.buffer, pos, data.byteLength);
      for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
    }
    pos += data.byteLength;
  }
  return out;
}

/** One tensor as the header describes it; offsets are relative to the start of the data section. */
export interface SafetensorsEntry {
  name: string;
  /** The dtype as written ("F32", "BF16", ...). */
  dtype: string;
  type: ElementType;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** Byte offset of the data section in the file (8 + JSON length). */
  dataStart: number;
  /** Tensors in the order of their offsets. */
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
}

/**
 * The JSON header length from the file's first 8 bytes, checked against the file size so a corrupt length
 * never makes a reader allocate or read gigabytes.
 */
export function headerLengthOf(first8: Uint8Array, fileSize: number, fileForErrors: string): number {
  const fail = (what: string): never => {
    throw new Error(`${fileForErrors}: not a valid safetensors file: ${what}`);
  };
  if (fileSize < 8 || first8.length < 8) fail(`only ${fileSize} bytes (truncated?)`);
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(fileSize - 8)) fail(`header says ${n} bytes of JSON but the file has ${fileSize - 8} after the length (truncated, or not a safetensors file)`);
  if (n > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n} is implausible`);
  return Number(n);
}

/**
 * Parses and checks the JSON header against a data section of `dataLength` bytes: every dtype known, every
 * shape valid, tensors back to back and inside the data. Errors name the file and the tensor.
 */
export function parseSafetensorsHeader(json: Uint8Array, dataLength: number, fileForErrors: string): SafetensorsHeader {
  const dataStart = 8 + json.length;
  const fail = (what: string): never => {
    throw new Error(`${fileForErrors}: not a valid safetensors file: ${what}`);
  };
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (e) {
    return fail(`header is not JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header is not a JSON object');

  const metadata: Record<string, string> = {};
  const rawMeta = header.__metadata__;
  if (rawMeta !== undefined && rawMeta !== null) {
    if (typeof rawMeta !== 'object' || Array.isArray(rawMeta)) fail('"__metadata__" is not an object');
    for (const [k, v] of Object.entries(rawMeta as object)) {
      if (typeof v !== 'string') fail(`"__metadata__.${k}" is not a string`);
      metadata[k] = v as string;
    }
  }

  const entries: SafetensorsEntry[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!e || typeof e.dtype !== 'string' || !Array.isArray(e.shape) || !Array.isArray(e.data_offsets) || e.data_offsets.length !== 2) {
      fail(`tensor "${name}" lacks dtype/shape/data_offsets`);
    }
    const type = SAFETENSORS_DTYPES[e.dtype as string];
    if (type === undefined) fail(`tensor "${name}" has dtype ${String(e.dtype)}, which TopoLens cannot read (it reads ${Object.keys(SAFETENSORS_DTYPES).join(', ')})`);
    const shape = e.shape as number[];
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`tensor "${name}" has an invalid shape [${shape.join(', ')}]`);
    const [begin, end] = e.data_offsets as number[];
    if (!Number.isInteger(begin) || !Number.isInteger(end) || begin < 0 || end < begin) fail(`tensor "${name}" has invalid data_offsets [${begin}, ${end}]`);
    entries.push({ name, dtype: e.dtype as string, type, shape: [...shape], begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin);

  let expected = 0;
  for (const e of entries) {
    if (e.begin !== expected) fail(`tensor "${e.name}" starts at ${e.begin}, expected ${expected} (tensors must be contiguous)`);
    const bytes = elementCount(e.shape) * ELEMENT_BYTES[e.type];
    if (e.end - e.begin !== bytes) fail(`tensor "${e.name}" spans ${e.end - e.begin} bytes but its shape [${e.shape.join(', ')}] of ${e.dtype} needs ${bytes}`);
    if (e.end > dataLength) fail(`tensor "${e.name}" ends at byte ${e.end} but the data section has ${dataLength} bytes (truncated?)`);
    expected = e.end;
  }
  if (expected !== dataLength) fail(`${dataLength - expected} trailing bytes after the last tensor`);
  return { dataStart, entries, metadata };
}

/** A tensor's bytes (exactly `entry.end - entry.begin` of them) as float32. */
export function tensorFromBytes(entry: SafetensorsEntry, bytes: Uint8Array): NamedTensor {
  return { dtype: 'F32', shape: [...entry.shape], data: toFloat32(bytes, entry.type, elementCount(entry.shape), true) };
}

/**
 * Parses a safetensors file held in memory. Every problem (truncation, bad JSON, offsets outside the file,
 * gaps, an unknown dtype) is an Error whose message starts with `fileForErrors` and names the tensor. Every
 * dtype is converted to float32 (see dtypes.ts); the returned arrays are copies: they never alias `bytes`.
 * To read a header without loading a large file, use safetensorsFile.ts.
 */
export function decodeSafetensors(bytes: Uint8Array, fileForErrors: string): { tensors: Record<string, NamedTensor>; metadata: Record<string, string> } {
  const headerLen = headerLengthOf(bytes.subarray(0, 8), bytes.length, fileForErrors);
  const dataStart = 8 + headerLen;
  const header = parseSafetensorsHeader(bytes.subarray(8, dataStart), bytes.length - dataStart, fileForErrors);
  const tensors: Record<string, NamedTensor> = {};
  for (const e of header.entries) tensors[e.name] = tensorFromBytes(e, bytes.subarray(dataStart + e.begin, dataStart + e.end));
  return { tensors, metadata: header.metadata };
}
