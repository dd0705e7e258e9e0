/**
 * TensorFlow.js `model.json` + binary weight shards (tfjs `model.save('file://...')`, tensorflowjs_converter):
 * `weightsManifest` is a list of groups, each `{ paths: [shard files], weights: [{ name, shape, dtype,
 * quantization? }] }`; a group's shards concatenated hold its weights back to back in manifest order,
 * little-endian. Read: float32, int32, bool; quantized uint8/uint16 (value = q * scale + min) and float16.
 * Strings and complex64 are refused. Kernels are Keras-style [in, out].
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ELEMENT_BYTES, halfBitsToNumber, toFloat32, type ElementType } from '../store/dtypes';

export interface TfjsWeight {
  name: string;
  shape: number[];
  group: number;
  /** Byte offset in the group's concatenated shards. */
  offset: number;
  byteLength: number;
  type: ElementType;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}

export interface TfjsManifest {
  file: string;
  groups: string[][];
  weights: TfjsWeight[];
}

const TYPES: Record<string, ElementType> = { float32: 'f32', int32: 'i32', bool: 'bool' };
const QUANT_BYTES = { uint8: 1, uint16: 2, float16: 2 } as const;

/** Parses model.json's weightsManifest (shard paths resolved against its folder). Errors name the file and weight. */
export function readTfjsManifest(file: string): TfjsManifest {
  let json: { weightsManifest?: unknown };
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not a readable TensorFlow.js model.json (${(e as Error).message})`);
  }
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) throw new Error(`${file}: no "weightsManifest" list (save the model with tfjs model.save or tensorflowjs_converter)`);
  const dir = path.dirname(file);
  const groups: string[][] = [];
  const weights: TfjsWeight[] = [];
  manifest.forEach((g: { paths?: unknown; weights?: unknown }, gi) => {
    if (!Array.isArray(g.paths) || !Array.isArray(g.weights)) throw new Error(`${file}: weightsManifest[${gi}] lacks "paths" or "weights"`);
    groups.push(g.paths.map((p: string) => path.resolve(dir, p)));
    let offset = 0;
    for (const w of g.weights as { name?: string; shape?: number[]; dtype?: string; quantization?: TfjsWeight['quantization'] }[]) {
      const name = String(w.name);
      if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${file}: weight "${name}" has an invalid shape`);
      const count = w.shape.reduce((a, b) => a * b, 1);
      const q = w.quantization;
      const type = TYPES[w.dtype ?? ''];
      if (type === undefined) throw new Error(`${file}: weight "${name}" has dtype ${String(w.dtype)}, which TopoLens cannot read (float32, int32, bool, quantized uint8/uint16/float16)`);
      if (q && !(q.dtype in QUANT_BYTES)) throw new Error(`${file}: weight "${name}" is quantized as ${String(q.dtype)} (TopoLens reads uint8, uint16, float16)`);
      const byteLength = count * (q ? QUANT_BYTES[q.dtype] : ELEMENT_BYTES[type]);
      weights.push({ name, shape: [...w.shape], group: gi, offset, byteLength, type, ...(q ? { quantization: q } : {}) });
      offset += byteLength;
    }
  });
  return { file, groups, weights };
}

/** A group's shards, concatenated (read once per checkpoint). */
export function readTfjsGroup(manifest: TfjsManifest, group: number): Uint8Array {
  const parts = manifest.groups[group].map((p) => {
    try {
      return fs.readFileSync(p);
    } catch (e) {
      throw new Error(`${manifest.file}: weight shard ${p} cannot be read (${(e as Error).message})`);
    }
  });
  return Buffer.concat(parts);
}

/** One weight as float32, from its group's bytes; a short group is an error naming the weight. */
export function tfjsWeightValues(manifest: TfjsManifest, w: TfjsWeight, groupBytes: Uint8Array): Float32Array {
  if (w.offset + w.byteLength > groupBytes.length) {
    throw new Error(`${manifest.file}: weight "${w.name}" needs bytes ${w.offset}-${w.offset + w.byteLength} of its shards, which hold ${groupBytes.length} (truncated shard?)`);
  }
  const bytes = groupBytes.subarray(w.offset, w.offset + w.byteLength);
  const count = w.shape.reduce((a, b) => a * b, 1);
  const q = w.quantization;
  if (!q) return toFloat32(bytes, w.type, count, true);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  if (q.dtype === 'float16') {
    for (let i = 0; i < count; i++) out[i] = halfBitsToNumber(v.getUint16(2 * i, true));
  } else {
    const scale = q.scale ?? 1;
    const min = q.min ?? 0;
    for (let i = 0; i < count; i++) out[i] = (q.dtype === 'uint8' ? v.getUint8(i) : v.getUint16(2 * i, true)) * scale + min;
  }
  return out;
}
