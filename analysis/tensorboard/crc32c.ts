/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of TFRecord framing, and TensorFlow's
 * "masked" form of it. Table-driven, one byte at a time: event records are small (a few hundred bytes per
 * metric record), so a faster slicing variant would not be noticed.
 */

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C of `bytes[start, end)`, as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const MASK_DELTA = 0xa282ead8;

/**
 * TensorFlow stores `rotate_right(crc, 15) + 0xa282ead8` rather than the CRC itself (tensorflow/core/lib/hash/
 * crc32c.h), so that a CRC computed over bytes that themselves hold CRCs does not degenerate.
 */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

export function maskedCrc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return maskCrc(crc32c(bytes, start, end));
}
