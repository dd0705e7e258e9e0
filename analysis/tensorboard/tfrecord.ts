import * as fs from 'node:fs';
import { maskedCrc32c } from './crc32c';

/**
 * TFRecord framing, the container of TensorBoard event files: each record is
 *   uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes | data | uint32 masked CRC-32C of data
 * (tensorflow/core/lib/io/record_writer.cc).
 */

const HEADER_BYTES = 12;
const FOOTER_BYTES = 4;

/** One record's bytes, framed. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + data.length + FOOTER_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length, true);
  view.setUint32(4, Math.floor(data.length / 2 ** 32), true);
  view.setUint32(8, maskedCrc32c(out, 0, 8), true);
  out.set(data, HEADER_BYTES);
  view.setUint32(HEADER_BYTES + data.length, maskedCrc32c(data), true);
  return out;
}

export interface TfRecord {
  /** Byte offset of the record's header in the file. */
  offset: number;
  data: Uint8Array;
}

/** Where a file ends inside a record: the record's offset and how many of its bytes are missing. */
export interface Truncation { offset: number; missingBytes: number }

/**
 * The record starting at `bytes[at]`, or how many bytes it still lacks when `bytes` ends inside it. Both
 * checksums are verified: a record whose bytes are all there but do not match is corruption, an error naming
 * `file` and the record's byte offset in the file (`fileOffset` + `at`).
 */
export function parseRecordAt(bytes: Uint8Array, at: number, file: string, fileOffset = 0): { record: TfRecord; next: number } | { missingBytes: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = fileOffset + at;
  if (bytes.length - at < HEADER_BYTES) return { missingBytes: HEADER_BYTES - (bytes.length - at) };
  const lo = view.getUint32(at, true);
  const hi = view.getUint32(at + 4, true);
  if (view.getUint32(at + 8, true) !== maskedCrc32c(bytes, at, at + 8)) {
    throw new Error(`${file}: corrupt TFRecord at byte offset ${offset}: the length field does not match its checksum (the file is damaged)`);
  }
  const length = hi * 2 ** 32 + lo;
  const end = at + HEADER_BYTES + length + FOOTER_BYTES;
  if (end > bytes.length) return { missingBytes: end - bytes.length };
  const dataStart = at + HEADER_BYTES;
  const dataEnd = dataStart + length;
  if (view.getUint32(dataEnd, true) !== maskedCrc32c(bytes, dataStart, dataEnd)) {
    throw new Error(`${file}: corrupt TFRecord at byte offset ${offset}: its ${length} data bytes do not match their checksum (the file is damaged)`);
  }
  return { record: { offset, data: bytes.subarray(dataStart, dataEnd) }, next: end };
}

/**
 * Every record of an in-memory file. A record cut off by the end of the file is not an error (a writer may
 * still be appending): reading stops there and `truncated` says where.
 */
export function readRecords(bytes: Uint8Array, file: string): { records: TfRecord[]; truncated?: Truncation } {
  const records: TfRecord[] = [];
  let at = 0;
  while (at < bytes.length) {
    const r = parseRecordAt(bytes, at, file);
    if ('missingBytes' in r) return { records, truncated: { offset: at, missingBytes: r.missingBytes } };
    records.push(r.record);
    at = r.next;
  }
  return { records };
}

const CHUNK_BYTES = 1 << 20;

/**
 * The records of a file on disk, read in chunks (event files with images or histograms can be large; only
 * the record being decoded and one chunk are in memory). Same checks and truncation rule as readRecords.
 */
export async function forEachRecordInFile(file: string, onRecord: (record: TfRecord) => void): Promise<{ records: number; truncated?: Truncation }> {
  const handle = await fs.promises.open(file, 'r');
  try {
    let buf = new Uint8Array(0);
    let bufOffset = 0; // file offset of buf[0]
    let eof = false;
    let count = 0;
    for (;;) {
      let at = 0;
      for (;;) {
        if (at === buf.length) break;
        const r = parseRecordAt(buf, at, file, bufOffset);
        if ('missingBytes' in r) {
          if (eof) return { records: count, truncated: { offset: bufOffset + at, missingBytes: r.missingBytes } };
          break;
        }
        onRecord(r.record);
        count++;
        at = r.next;
      }
      if (eof) return { records: count };
      // Keep the unparsed tail and read at least a chunk more (more when one record is larger than a chunk).
      const tail = buf.subarray(at);
      const want = Math.max(CHUNK_BYTES, tail.length);
      const next = new Uint8Array(tail.length + want);
      next.set(tail);
      const { bytesRead } = await handle.read(next, tail.length, want, bufOffset + buf.length);
      bufOffset += at;
      buf = next.subarray(0, tail.length + bytesRead);
      eof = bytesRead === 0;
    }
  } finally {
    await handle.close();
  }
}
