/**
 * Just enough of the ZIP format (PKWARE APPNOTE 6.3) to read NumPy's `.npz` files, which Python's zipfile
 * writes: the end-of-central-directory record (and its Zip64 form, which `np.savez` uses for large
 * archives), the central directory, local headers, and entries stored (method 0) or deflated (method 8,
 * inflated with node:zlib). CRC-32s are checked. Entries are read one at a time through a file handle, so
 * an archive larger than memory can still be listed. Encrypted, split and other-method archives are refused.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header in the file. */
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO-HDLC, the ZIP checksum). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function readAt(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const got = fs.readSync(fd, buf, done, length - done, position + done);
    if (got === 0) break;
    done += got;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** An open zip archive: its entries, and a reader for each. Close it when done. */
export class ZipReader {
  readonly entries: ZipEntry[];
  private readonly fd: number;
  private readonly size: number;

  constructor(readonly file: string) {
    try {
      this.fd = fs.openSync(file, 'r');
    } catch (e) {
      throw new Error(`${file}: cannot read (${(e as Error).message})`);
    }
    try {
      this.size = fs.fstatSync(this.fd).size;
      this.entries = this.readCentralDirectory();
    } catch (e) {
      fs.closeSync(this.fd);
      throw e;
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  private fail(what: string): never {
    throw new Error(`${this.file}: not a readable zip archive (.npz): ${what}`);
  }

  private readCentralDirectory(): ZipEntry[] {
    // The EOCD record is 22 bytes plus a comment of up to 65535 bytes, at the very end.
    const tailLen = Math.min(this.size, 22 + 65535);
    const tail = readAt(this.fd, tailLen, this.size - tailLen);
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG) { at = i; break; }
    }
    if (at < 0) this.fail('no end-of-central-directory record (truncated, or not a zip file)');
    let count = tail.readUInt16LE(at + 10);
    let cdSize = tail.readUInt32LE(at + 12);
    let cdOffset = tail.readUInt32LE(at + 16);
    if (tail.readUInt16LE(at + 4) !== 0 || tail.readUInt16LE(at + 6) !== 0) this.fail('a split (multi-disk) archive');
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const eocdPos = this.size - tailLen + at;
      const loc = readAt(this.fd, 20, eocdPos - 20);
      if (loc.length !== 20 || loc.readUInt32LE(0) !== ZIP64_LOCATOR_SIG) this.fail('Zip64 sizes without a Zip64 locator');
      const z = readAt(this.fd, 56, Number(loc.readBigUInt64LE(8)));
      if (z.length !== 56 || z.readUInt32LE(0) !== ZIP64_EOCD_SIG) this.fail('bad Zip64 end-of-central-directory record');
      count = Number(z.readBigUInt64LE(32));
      cdSize = Number(z.readBigUInt64LE(40));
      cdOffset = Number(z.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > this.size) this.fail(`the central directory (${cdSize} bytes at ${cdOffset}) lies past the end of the file (${this.size} bytes; truncated?)`);
    const cd = readAt(this.fd, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIG) this.fail(`central directory entry ${i} is damaged`);
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      let compressedSize = cd.readUInt32LE(p + 20);
      let size = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let localHeaderOffset = cd.readUInt32LE(p + 42);
      const name = cd.subarray(p + 46, p + 46 + nameLen).toString(flags & 0x800 ? 'utf8' : 'latin1');
      // Zip64 extended information: the 64-bit values of the fields that read 0xFFFFFFFF, in this order.
      let e = p + 46 + nameLen;
      const extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        const id = cd.readUInt16LE(e);
        const len = cd.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          if (size === 0xffffffff) { size = Number(cd.readBigUInt64LE(q)); q += 8; }
          if (compressedSize === 0xffffffff) { compressedSize = Number(cd.readBigUInt64LE(q)); q += 8; }
          if (localHeaderOffset === 0xffffffff) { localHeaderOffset = Number(cd.readBigUInt64LE(q)); }
        }
        e += 4 + len;
      }
      if (flags & 0x1) this.fail(`entry "${name}" is encrypted`);
      if (method !== 0 && method !== 8) this.fail(`entry "${name}" uses compression method ${method} (only stored and deflate are read)`);
      entries.push({ name, method, crc32: crc, compressedSize, size, localHeaderOffset });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  }

  private dataOffset(entry: ZipEntry): number {
    const local = readAt(this.fd, 30, entry.localHeaderOffset);
    if (local.length !== 30 || local.readUInt32LE(0) !== LOCAL_SIG) this.fail(`entry "${entry.name}": no local header at ${entry.localHeaderOffset}`);
    const start = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (start + entry.compressedSize > this.size) this.fail(`entry "${entry.name}" ends past the end of the file (truncated?)`);
    return start;
  }

  /** The entry's bytes, inflated and checked against its CRC-32. */
  read(entry: ZipEntry): Uint8Array {
    const raw = readAt(this.fd, entry.compressedSize, this.dataOffset(entry));
    let data: Uint8Array;
    try {
      data = entry.method === 0 ? raw : zlib.inflateRawSync(raw);
    } catch (e) {
      return this.fail(`entry "${entry.name}" does not inflate (${(e as Error).message})`);
    }
    if (data.length !== entry.size) this.fail(`entry "${entry.name}" holds ${data.length} bytes, its header says ${entry.size}`);
    if (crc32(data) !== entry.crc32) this.fail(`entry "${entry.name}" fails its CRC-32 check (damaged)`);
    return data;
  }

  /** The first `length` bytes of an entry (or fewer if it is shorter), without inflating the rest. */
  readPrefix(entry: ZipEntry, length: number): Uint8Array {
    const start = this.dataOffset(entry);
    if (entry.method === 0) return readAt(this.fd, Math.min(length, entry.size), start);
    // Deflate output grows at most ~1032x per input byte; a sync-flushed partial inflate of a prefix is exact.
    const raw = readAt(this.fd, Math.min(entry.compressedSize, length + 1024), start);
    try {
      return zlib.inflateRawSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, length);
    } catch (e) {
      return this.fail(`entry "${entry.name}" does not inflate (${(e as Error).message})`);
    }
  }
}
