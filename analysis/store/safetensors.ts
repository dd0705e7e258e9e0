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

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/**
 * Parses a safetensors file. Every problem (truncation, bad JSON, offsets outside the file, gaps, an
 * unsupported dtype) is an Error whose message starts with `fileForErrors`. The returned arrays are copies:
 * they never alias `bytes`.
 */
export function decodeSafetensors(bytes: Uint8Array, fileForErrors: string): { tensors: Record<string, NamedTensor>; metadata: Record<string, string> } {
  const fail = (what: string): never => {
    throw new Error(`${fileForErrors}: not a valid safetensors file: ${what}`);
  };
  if (bytes.length < 8) fail(`only ${bytes.length} bytes (truncated?)`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n} is implausible`);
  const headerLen = Number(n);
  if (8 + headerLen > bytes.length) fail(`header says ${headerLen} bytes of JSON but the file has ${bytes.length - 8} after the length (truncated?)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    return fail(`header is not JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;

  const metadata: Record<string, string> = {};
  const rawMeta = header.__metadata__;
  if (rawMeta !== undefined) {
    if (rawMeta === null || typeof rawMeta !== 'object' || Array.isArray(rawMeta)) fail('"__metadata__" is not an object');
    for (const [k, v] of Object.entries(rawMeta as object)) {
      if (typeof v !== 'string') fail(`"__metadata__.${k}" is not a string`);
      metadata[k] = v as string;
    }
  }

  const entries: [string, HeaderEntry][] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = raw as Partial<HeaderEntry>;
    if (!e || typeof e.dtype !== 'string' || !Array.isArray(e.shape) || !Array.isArray(e.data_offsets) || e.data_offsets.length !== 2) {
      fail(`tensor "${name}" lacks dtype/shape/data_offsets`);
    }
    entries.push([name, e as HeaderEntry]);
  }
  entries.sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);

  const tensors: Record<string, NamedTensor> = {};
  let expected = 0;
  for (const [name, e] of entries) {
    const [begin, end] = e.data_offsets;
    if (e.dtype !== 'F32') fail(`tensor "${name}" has dtype ${e.dtype}; TopoLens reads F32 only`);
    if (!e.shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`tensor "${name}" has an invalid shape`);
    if (begin !== expected) fail(`tensor "${name}" starts at ${begin}, expected ${expected} (tensors must be contiguous)`);
    const count = elementCount(e.shape);
    if (end - begin !== count * 4) fail(`tensor "${name}" spans ${end - begin} bytes but its shape [${e.shape.join(', ')}] needs ${count * 4}`);
    if (end > dataLen) fail(`tensor "${name}" ends at byte ${end} but the data section has ${dataLen} bytes (truncated?)`);
    const data = new Float32Array(count);
    const src = bytes.subarray(dataStart + begin, dataStart + end);
    if (LITTLE_ENDIAN_HOST) {
      new Uint8Array(data.buffer).set(src);
    } else {
      const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
    }
    tensors[name] = { dtype: 'F32', shape: [...e.shape], data };
    expected = end;
  }
  if (expected !== dataLen) fail(`${dataLen - expected} trailing bytes after the last tensor`);
  return { tensors, metadata };
}
