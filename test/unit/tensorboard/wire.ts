/**
 * An independent TFRecord + protobuf wire-format reader and writer for the TensorBoard tests: written from the
 * specs (protobuf encoding guide, tensorflow record_writer.cc, event.proto / summary.proto / tensor.proto
 * field numbers), sharing no code with analysis/tensorboard (CRC-32C bit by bit, no table; varints and fields
 * by hand, no protobufjs).
 */

/** CRC-32C, one bit at a time (the reflected Castagnoli polynomial). */
export function crc32cBitwise(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

export function mask(crc: number): number {
  const rotated = ((crc >>> 15) | (crc << 17)) >>> 0;
  return (rotated + 0xa282ead8) >>> 0;
}

export function unmask(masked: number): number {
  const rot = (masked - 0xa282ead8) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}

// ---- writing ----

export function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n; // int64 negatives are ten-byte two's complement
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const key = (field: number, wire: number) => varint((field << 3) | wire);

export const f = {
  varint: (field: number, n: number | bigint) => [...key(field, 0), ...varint(n)],
  double: (field: number, x: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, true);
    return [...key(field, 1), ...b];
  },
  float: (field: number, x: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, x, true);
    return [...key(field, 5), ...b];
  },
  bytes: (field: number, content: ArrayLike<number>) => [...key(field, 2), ...varint(content.length), ...Array.from(content)],
  string: (field: number, s: string) => f.bytes(field, new TextEncoder().encode(s)),
};

export function float32Bytes(values: number[]): number[] {
  const b = new Uint8Array(4 * values.length);
  values.forEach((v, i) => new DataView(b.buffer).setFloat32(4 * i, v, true));
  return [...b];
}

export function float64Bytes(values: number[]): number[] {
  const b = new Uint8Array(8 * values.length);
  values.forEach((v, i) => new DataView(b.buffer).setFloat64(8 * i, v, true));
  return [...b];
}

/** One TFRecord: length, masked CRC of the length, data, masked CRC of the data. */
export function record(data: ArrayLike<number>): number[] {
  const head = new Uint8Array(8);
  new DataView(head.buffer).setBigUint64(0, BigInt(data.length), true);
  const crc = (bytes: Uint8Array) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, mask(crc32cBitwise(bytes)), true);
    return [...b];
  };
  return [...head, ...crc(head), ...Array.from(data), ...crc(Uint8Array.from(data))];
}

// Field numbers (event.proto, summary.proto, tensor.proto, tensor_shape.proto).
export const EVENT = { wallTime: 1, step: 2, fileVersion: 3, graphDef: 4, summary: 5, sessionLog: 7 };
export const VALUE = { tag: 1, simpleValue: 2, image: 4, tensor: 8, metadata: 9 };
export const TENSOR = { dtype: 1, shape: 2, content: 4, floatVal: 5, doubleVal: 6, intVal: 7, int64Val: 10, halfVal: 13 };

export function event(wallTime: number, step: number, ...what: number[][]): number[] {
  return [...f.double(EVENT.wallTime, wallTime), ...f.varint(EVENT.step, step), ...what.flat()];
}

export const fileVersion = (v: string) => f.string(EVENT.fileVersion, v);
export const summary = (...values: number[][]) => f.bytes(EVENT.summary, values.map((v) => f.bytes(1, v)).flat());
export const sessionStart = () => f.bytes(EVENT.sessionLog, f.varint(1, 1));
export const pluginMetadata = (plugin: string) => f.bytes(VALUE.metadata, f.bytes(1, f.string(1, plugin)));

// ---- reading ----

export type Fields = Map<number, (bigint | Uint8Array)[]>;

/** Splits a message into its fields: varints as bigint, fixed32/fixed64/length-delimited as their bytes. */
export function fields(bytes: Uint8Array): Fields {
  const out: Fields = new Map();
  let at = 0;
  const readVarint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[at++];
      if (b === undefined) throw new Error('varint runs past the end');
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (at < bytes.length) {
    const k = Number(readVarint());
    const field = k >>> 3;
    const wire = k & 7;
    let value: bigint | Uint8Array;
    if (wire === 0) value = readVarint();
    else if (wire === 1) value = bytes.subarray(at, (at += 8));
    else if (wire === 5) value = bytes.subarray(at, (at += 4));
    else if (wire === 2) {
      const n = Number(readVarint());
      value = bytes.subarray(at, (at += n));
    } else throw new Error(`unsupported wire type ${wire}`);
    if (at > bytes.length) throw new Error('field runs past the end');
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const asBytes = (v: bigint | Uint8Array | undefined) => v as Uint8Array;
const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

export interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  sessionStatus?: number;
  values: { tag: string; simpleValue?: number }[];
}

export function decodeEvent(bytes: Uint8Array): DecodedEvent {
  const e = fields(bytes);
  const wt = e.get(EVENT.wallTime)?.[0];
  const st = e.get(EVENT.step)?.[0];
  const fv = e.get(EVENT.fileVersion)?.[0];
  const sl = e.get(EVENT.sessionLog)?.[0];
  const sm = e.get(EVENT.summary)?.[0];
  const values = sm ? (fields(asBytes(sm)).get(1) ?? []).map((v) => {
    const vf = fields(asBytes(v));
    const sv = vf.get(VALUE.simpleValue)?.[0];
    return { tag: new TextDecoder().decode(asBytes(vf.get(VALUE.tag)?.[0] ?? new Uint8Array())), ...(sv ? { simpleValue: dv(asBytes(sv)).getFloat32(0, true) } : {}) };
  }) : [];
  return {
    wallTime: wt ? dv(asBytes(wt)).getFloat64(0, true) : 0,
    step: st === undefined ? 0 : Number(st as bigint),
    ...(fv ? { fileVersion: new TextDecoder().decode(asBytes(fv)) } : {}),
    ...(sl ? { sessionStatus: Number(fields(asBytes(sl)).get(1)?.[0] ?? 0n) } : {}),
    values,
  };
}

/** Splits a TFRecord file, checking both CRCs of every record (throws on any mismatch or a cut record). */
export function splitRecords(file: Uint8Array): { offset: number; data: Uint8Array }[] {
  const out: { offset: number; data: Uint8Array }[] = [];
  let at = 0;
  while (at < file.length) {
    const view = dv(file);
    const length = Number(view.getBigUint64(at, true));
    if (unmask(view.getUint32(at + 8, true)) !== crc32cBitwise(file.subarray(at, at + 8))) throw new Error(`length crc at ${at}`);
    const data = file.subarray(at + 12, at + 12 + length);
    if (data.length !== length || at + 16 + length > file.length) throw new Error(`record at ${at} cut off`);
    if (unmask(view.getUint32(at + 12 + length, true)) !== crc32cBitwise(data)) throw new Error(`data crc at ${at}`);
    out.push({ offset: at, data });
    at += 16 + length;
  }
  return out;
}
