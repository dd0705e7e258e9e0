/**
 * Readers for the numeric text inputs of the `ph` and `mapper` commands. Files are streamed in 1 MiB
 * byte chunks through a scanner (numberScanner.ts: no decoding, no per-line strings or arrays); the `parse*`
 * functions give strings to the same scanner, for tests. Every error names the source and the line so a
 * user can fix the file.
 *
 * Formats (names follow Ripser's `--format`):
 * - `point-cloud`: one point per line, comma/whitespace separated numbers (lines starting with `#` and
 *   blank lines are skipped);
 * - `lower-distance`: Ripser's lower-triangular matrix, row i (i = 1..n-1) holds d(i, 0..i-1); numbers may
 *   be split over lines in any way, only the total count n(n-1)/2 matters (as in Ripser);
 * - `distance`: a full symmetric n x n matrix with zero diagonal.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { NumberScanner, type ScanMode } from './numberScanner';

export type InputFormat = 'point-cloud' | 'lower-distance' | 'distance';
export const INPUT_FORMATS: readonly InputFormat[] = ['point-cloud', 'lower-distance', 'distance'];

export interface PointCloud {
  data: Float64Array;
  n: number;
  d: number;
}

export interface CondensedMatrix {
  data: Float64Array;
  n: number;
}

/** Bytes read per chunk by the file readers: files are streamed, never held as one string. */
const CHUNK_BYTES = 1 << 20;

/** Scans a whole text (tests, small inputs) with the same scanner the file readers stream through. */
function scanText(text: string, mode: ScanMode, source: string): NumberScanner {
  const scanner = new NumberScanner(mode, source);
  scanner.feed(text);
  scanner.finish();
  return scanner;
}

/** Streams a file's bytes through the scanner in 1 MiB chunks (no strings, no per-line arrays). */
function scanFile(path: string, mode: ScanMode): NumberScanner {
  const scanner = new NumberScanner(mode, path);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new Error(`${path}: cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    // Bytes go to the scanner undecoded: a token (or UTF-8 character) cut at a chunk's end waits there.
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      let got: number;
      try {
        got = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      } catch (e) {
        throw new Error(`${path}: cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      if (got === 0) break;
      scanner.feedBytes(chunk.subarray(0, got));
    }
  } finally {
    closeSync(fd);
  }
  scanner.finish();
  return scanner;
}

function pointCloudOf(scanner: NumberScanner, source: string): PointCloud {
  if (scanner.rows === 0) throw new Error(`${source}: no points (the file is empty)`);
  return { data: scanner.values(), n: scanner.rows, d: scanner.width };
}

function lowerDistanceOf(scanner: NumberScanner, source: string): CondensedMatrix {
  const count = scanner.count;
  if (count === 0) throw new Error(`${source}: no distances (the file is empty)`);
  const n = Math.round((1 + Math.sqrt(1 + 8 * count)) / 2);
  if ((n * (n - 1)) / 2 !== count) {
    throw new Error(`${source}: ${count} distances is not n(n-1)/2 for any n; not a lower-triangular matrix`);
  }
  return { data: scanner.values(), n };
}

/** Parses a point cloud: one point per line; all rows must have the same number of coordinates. */
export function parsePointCloud(text: string, source = 'input'): PointCloud {
  return pointCloudOf(scanText(text, 'rows', source), source);
}

/** Parses Ripser's `lower-distance` format into a condensed lower-triangular array. */
export function parseLowerDistance(text: string, source = 'input'): CondensedMatrix {
  return lowerDistanceOf(scanText(text, 'distances', source), source);
}

/** Reads a point cloud file, streaming. */
export function readPointCloud(path: string): PointCloud {
  return pointCloudOf(scanFile(path, 'rows'), path);
}

/** Reads a Ripser lower-distance file, streaming. */
export function readLowerDistance(path: string): CondensedMatrix {
  return lowerDistanceOf(scanFile(path, 'distances'), path);
}

/** Reads a full distance matrix file, streaming. */
export function readFullDistance(path: string): CondensedMatrix {
  return condensedOfFull(pointCloudOf(scanFile(path, 'rows'), path), path);
}

/** Parses a full symmetric distance matrix (zero diagonal) into the condensed form. */
export function parseFullDistance(text: string, source = 'input'): CondensedMatrix {
  return condensedOfFull(parsePointCloud(text, source), source);
}

function condensedOfFull(pc: PointCloud, source: string): CondensedMatrix {
  const { n, d, data } = pc;
  if (n !== d) throw new Error(`${source}: distance matrix is ${n} x ${d}, not square`);
  const out = new Float64Array((n * (n - 1)) / 2);
  for (let i = 0; i < n; i++) {
    if (data[i * n + i] !== 0) throw new Error(`${source}: diagonal entry (${i}, ${i}) is ${data[i * n + i]}, expected 0`);
    for (let j = 0; j < i; j++) {
      const a = data[i * n + j];
      const b = data[j * n + i];
      if (a !== b) throw new Error(`${source}: asymmetric matrix: entry (${i}, ${j}) = ${a} but (${j}, ${i}) = ${b}`);
      if (a < 0) throw new Error(`${source}: negative distance ${a} at (${i}, ${j})`);
      out[(i * (i - 1)) / 2 + j] = a;
    }
  }
  return { data: out, n };
}

/** Guesses the format from the file name: `.lower_distance_matrix` and `.full.csv`/`.distance_matrix`. */
export function detectInputFormat(path: string): InputFormat {
  if (/\.lower_distance_matrix$/i.test(path) || /\.lower\.(csv|txt)$/i.test(path)) return 'lower-distance';
  if (/\.distance_matrix$/i.test(path) || /\.full\.csv$/i.test(path)) return 'distance';
  return 'point-cloud';
}

export function parseInputFormat(value: string): InputFormat {
  if ((INPUT_FORMATS as readonly string[]).includes(value)) return value as InputFormat;
  throw new Error(`--input-format: unknown format "${value}" (expected ${INPUT_FORMATS.join(', ')})`);
}

export function readTextFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
