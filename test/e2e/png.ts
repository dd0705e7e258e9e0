/**
 * Structural check of a PNG file written by the extension's "Export PNG" (PNG spec, ISO/IEC 15948):
 * signature, then chunks of (length, type, data, CRC-32 over type+data), IHDR first, at least one IDAT,
 * IEND last. Checking every CRC catches truncated or corrupted writes, which a header peek would miss.
 */
import zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngInfo {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colorType: number;
  readonly chunkTypes: readonly string[];
}

/** Parses and validates `bytes` as a PNG; throws an Error naming `file` and what is wrong. */
export function readPngInfo(bytes: Uint8Array, file: string): PngInfo {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (what: string): never => {
    throw new Error(`${file} is not a valid PNG: ${what}`);
  };
  if (buf.length < SIGNATURE.length || !buf.subarray(0, 8).equals(SIGNATURE)) {
    fail(`bad signature (first bytes ${buf.subarray(0, 8).toString('hex') || 'none'})`);
  }
  const chunkTypes: string[] = [];
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  let colorType = 0;
  let pos = 8;
  while (pos < buf.length) {
    if (pos + 12 > buf.length) fail(`truncated chunk header at byte ${pos}`);
    const length = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const end = pos + 12 + length;
    if (end > buf.length) fail(`chunk ${type} at byte ${pos} runs past the end of the file`);
    const crc = buf.readUInt32BE(pos + 8 + length);
    if (zlib.crc32(buf.subarray(pos + 4, pos + 8 + length)) !== crc) fail(`bad CRC in chunk ${type} at byte ${pos}`);
    if (chunkTypes.length === 0) {
      if (type !== 'IHDR' || length !== 13) fail(`first chunk is ${type} (length ${length}), expected IHDR (length 13)`);
      width = buf.readUInt32BE(pos + 8);
      height = buf.readUInt32BE(pos + 12);
      bitDepth = buf[pos + 16];
      colorType = buf[pos + 17];
    }
    chunkTypes.push(type);
    pos = end;
    if (type === 'IEND') break;
  }
  if (chunkTypes.at(-1) !== 'IEND') fail('no IEND chunk (file truncated?)');
  if (!chunkTypes.includes('IDAT')) fail('no IDAT chunk (no image data)');
  if (width <= 0 || height <= 0) fail(`IHDR says ${width}x${height}`);
  return { width, height, bitDepth, colorType, chunkTypes };
}
