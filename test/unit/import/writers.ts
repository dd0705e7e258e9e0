/**
 * Fixture writers for the import tests, written from the formats' specifications and sharing no code with
 * the readers under test: safetensors (https://github.com/huggingface/safetensors#format), NumPy .npy
 * (numpy.lib.format, version 1.0), a TF.js weights manifest, and a Python runner for real numpy/torch files.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

export interface RawTensor { dtype: string; shape: number[]; bytes: Uint8Array }

/** float32 values as little-endian bytes. */
export function f32Bytes(values: number[]): Uint8Array {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeFloatLE(v, i * 4));
  return new Uint8Array(b);
}

export function f64Bytes(values: number[]): Uint8Array {
  const b = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => b.writeDoubleLE(v, i * 8));
  return new Uint8Array(b);
}

export function u16Bytes(bits: number[]): Uint8Array {
  const b = Buffer.alloc(bits.length * 2);
  bits.forEach((v, i) => b.writeUInt16LE(v, i * 2));
  return new Uint8Array(b);
}

export function i64Bytes(values: number[]): Uint8Array {
  const b = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => b.writeBigInt64LE(BigInt(v), i * 8));
  return new Uint8Array(b);
}

/** bfloat16 bit patterns of values exactly representable in it: the top 16 bits of their float32. */
export function bf16Bits(values: number[]): number[] {
  const b = Buffer.alloc(4);
  return values.map((v) => { b.writeFloatLE(v, 0); return b.readUInt16LE(2); });
}

/** A safetensors file: u64 LE header length, JSON header (tensors in the given order), data back to back. */
export function safetensorsBytes(tensors: Record<string, RawTensor>, metadata?: Record<string, string>, options: { headerLengthDelta?: number } = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length + (options.headerLengthDelta ?? 0)));
  return new Uint8Array(Buffer.concat([len, json, ...Object.values(tensors).map((t) => Buffer.from(t.bytes))]));
}

/** A version-1.0 .npy file: magic, version, u16 header length, the dict padded with spaces + \n to 64 bytes. */
export function npyBytes(descr: string, shape: number[], data: Uint8Array, fortranOrder = false): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  // A descr starting with "[" is a structured dtype's field list, written as is.
  let dict = `{'descr': ${descr.startsWith('[') ? descr : `'${descr}'`}, 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict + ' '.repeat(total - 10 - dict.length - 1) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(dict.length, 8);
  return new Uint8Array(Buffer.concat([head, Buffer.from(dict, 'latin1'), Buffer.from(data)]));
}

export function writeFile(file: string, bytes: Uint8Array | string): void {
  fs.writeFileSync(file, bytes);
}

/** Runs a Python script with /usr/bin/python3; undefined when python or the modules are missing (say why). */
export function runPython(script: string, modules: string[]): { ok: true; stdout: string } | { ok: false; reason: string } {
  if (!fs.existsSync('/usr/bin/python3')) return { ok: false, reason: '/usr/bin/python3 is not installed' };
  const probe = spawnSync('/usr/bin/python3', ['-c', modules.map((m) => `import ${m}`).join('; ')], { encoding: 'utf8' });
  if (probe.status !== 0) return { ok: false, reason: `python3 lacks ${modules.join(', ')} (${probe.stderr.trim().split('\n').pop()})` };
  const r = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python fixture failed: ${r.stderr}`);
  return { ok: true, stdout: r.stdout };
}
