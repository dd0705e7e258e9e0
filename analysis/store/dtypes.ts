/**
 * Element types of stored tensors and their conversion to float32, the one type every analysis reads.
 * Shared by the safetensors reader (store/safetensors.ts) and the importers (import/: .npy/.npz, TF.js).
 *
 * Conversion is exact for F16, BF16, the 8/16-bit integers and BOOL; F64 and the 32/64-bit integers round to
 * the nearest float32 (weights and labels lose nothing that matters; integers above 2^24 lose their low bits).
 */

export type ElementType = 'f64' | 'f32' | 'f16' | 'bf16' | 'i64' | 'i32' | 'i16' | 'i8' | 'u64' | 'u32' | 'u16' | 'u8' | 'bool';

export const ELEMENT_BYTES: Record<ElementType, number> = {
  f64: 8, f32: 4, f16: 2, bf16: 2, i64: 8, i32: 4, i16: 2, i8: 1, u64: 8, u32: 4, u16: 2, u8: 1, bool: 1,
};

/** safetensors dtype names (https://github.com/huggingface/safetensors, `Dtype`) that convert to float32. */
export const SAFETENSORS_DTYPES: Record<string, ElementType> = {
  F64: 'f64', F32: 'f32', F16: 'f16', BF16: 'bf16',
  I64: 'i64', I32: 'i32', I16: 'i16', I8: 'i8', U64: 'u64', U32: 'u32', U16: 'u16', U8: 'u8', BOOL: 'bool',
};

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** IEEE 754 binary16 bits -> number (exact). */
export function halfBitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * `count` elements of `type` starting at `bytes[0]`, as float32. `littleEndian` is the stored byte order
 * (safetensors is always little-endian; NumPy says in its descr).
 */
export function toFloat32(bytes: Uint8Array, type: ElementType, count: number, littleEndian = true): Float32Array {
  const width = ELEMENT_BYTES[type];
  if (bytes.length < count * width) throw new Error(`${count} ${type} values need ${count * width} bytes, got ${bytes.length}`);
  const out = new Float32Array(count);
  if (type === 'f32' && littleEndian === LITTLE_ENDIAN_HOST) {
    new Uint8Array(out.buffer).set(bytes.subarray(0, count * 4));
    return out;
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, count * width);
  const le = littleEndian;
  switch (type) {
    case 'f64': for (let i = 0; i < count; i++) out[i] = v.getFloat64(8 * i, le); break;
    case 'f32': for (let i = 0; i < count; i++) out[i] = v.getFloat32(4 * i, le); break;
    case 'f16': for (let i = 0; i < count; i++) out[i] = halfBitsToNumber(v.getUint16(2 * i, le)); break;
    case 'bf16': {
      // bfloat16 is the top half of a float32: shift its bits into place.
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = v.getUint16(2 * i, le) << 16;
      break;
    }
    case 'i64': for (let i = 0; i < count; i++) out[i] = Number(v.getBigInt64(8 * i, le)); break;
    case 'u64': for (let i = 0; i < count; i++) out[i] = Number(v.getBigUint64(8 * i, le)); break;
    case 'i32': for (let i = 0; i < count; i++) out[i] = v.getInt32(4 * i, le); break;
    case 'u32': for (let i = 0; i < count; i++) out[i] = v.getUint32(4 * i, le); break;
    case 'i16': for (let i = 0; i < count; i++) out[i] = v.getInt16(2 * i, le); break;
    case 'u16': for (let i = 0; i < count; i++) out[i] = v.getUint16(2 * i, le); break;
    case 'i8': for (let i = 0; i < count; i++) out[i] = v.getInt8(i); break;
    case 'u8': for (let i = 0; i < count; i++) out[i] = v.getUint8(i); break;
    case 'bool': for (let i = 0; i < count; i++) out[i] = v.getUint8(i) !== 0 ? 1 : 0; break;
  }
  return out;
}
