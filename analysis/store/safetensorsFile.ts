/**
 * Reading safetensors files through a file handle: the 8-byte length and the JSON header first, then only
 * the byte ranges of the tensors asked for. A multi-gigabyte checkpoint costs a few kilobytes to inspect,
 * and a corrupt header length is caught against the file size before anything is allocated.
 */
import * as fs from 'node:fs';
import { headerLengthOf, parseSafetensorsHeader, tensorFromBytes, type NamedTensor, type SafetensorsHeader } from './safetensors';

export interface SafetensorsFileHeader extends SafetensorsHeader {
  file: string;
  fileSize: number;
}

function readExactly(fd: number, length: number, position: number, file: string, what: string): Uint8Array {
  const buf = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const got = fs.readSync(fd, buf, done, length - done, position + done);
    if (got === 0) throw new Error(`${file}: ${what} ends past the end of the file (truncated?)`);
    done += got;
  }
  return buf;
}

function withFile<T>(file: string, body: (fd: number, size: number) => T): T {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as Error).message})`);
  }
  try {
    return body(fd, fs.fstatSync(fd).size);
  } finally {
    fs.closeSync(fd);
  }
}

function headerOf(fd: number, size: number, file: string): SafetensorsFileHeader {
  const first8 = size >= 8 ? readExactly(fd, 8, 0, file, 'the header length') : new Uint8Array(0);
  const headerLen = headerLengthOf(first8, size, file);
  const json = readExactly(fd, headerLen, 8, file, 'the header');
  return { ...parseSafetensorsHeader(json, size - 8 - headerLen, file), file, fileSize: size };
}

/** The header of a safetensors file (tensor names, dtypes, shapes, offsets, metadata), checked, without its data. */
export function readSafetensorsHeader(file: string): SafetensorsFileHeader {
  return withFile(file, (fd, size) => headerOf(fd, size, file));
}

/**
 * Tensors of a safetensors file as float32, read range by range (all of them, or those named). A name
 * that is not in the file is an error naming both.
 */
export function readSafetensorsTensors(file: string, names?: readonly string[]): { tensors: Record<string, NamedTensor>; metadata: Record<string, string> } {
  return withFile(file, (fd, size) => {
    const header = headerOf(fd, size, file);
    const byName = new Map(header.entries.map((e) => [e.name, e]));
    const wanted = names ?? header.entries.map((e) => e.name);
    const tensors: Record<string, NamedTensor> = {};
    for (const name of wanted) {
      const e = byName.get(name);
      if (!e) throw new Error(`${file}: no tensor "${name}" (it has ${header.entries.slice(0, 8).map((x) => x.name).join(', ')}${header.entries.length > 8 ? ', ...' : ''})`);
      tensors[name] = tensorFromBytes(e, readExactly(fd, e.end - e.begin, header.dataStart + e.begin, file, `tensor "${name}"`));
    }
    return { tensors, metadata: header.metadata };
  });
}
