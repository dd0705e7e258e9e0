/**
 * Readers for the numeric text inputs of the `ph` and `mapper` commands. Parsing is pure (text in,
 * typed arrays out) so tests can feed strings; every error names the source and the line so a user can
 * fix the file.
 *
 * Formats (names follow Ripser's `--format`):
 * - `point-cloud`: one point per line, comma/whitespace separated numbers (lines starting with `#` and
 *   blank lines are skipped);
 * - `lower-distance`: Ripser's lower-triangular matrix, row i (i = 1..n-1) holds d(i, 0..i-1); numbers may
 *   be split over lines in any way, only the total count n(n-1)/2 matters (as in Ripser);
 * - `distance`: a full symmetric n x n matrix with zero diagonal.
 */
import { readFileSync } from 'node:fs';

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

function parseNumber(token: string, source: string, line: number): number {
  const v = Number(token);
  if (token !== '' && Number.isFinite(v)) return v;
  if (/^[+-]?(nan|inf(inity)?)$/i.test(token)) throw new Error(`${source}:${line}: value "${token}" is not a finite number`);
  throw new Error(`${source}:${line}: "${token}" is not a number`);
}

function dataLines(text: string): Array<{ line: number; tokens: string[] }> {
  const out: Array<{ line: number; tokens: string[] }> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t === '' || t.startsWith('#')) continue;
    out.push({ line: i + 1, tokens: t.split(/\s*[,;\s]\s*/) });
  }
  return out;
}

/** Parses a point cloud: one point per line; all rows must have the same number of coordinates. */
export function parsePointCloud(text: string, source = 'input'): PointCloud {
  const rows = dataLines(text);
  if (rows.length === 0) throw new Error(`${source}: no points (the file is empty)`);
  const d = rows[0].tokens.length;
  const data = new Float64Array(rows.length * d);
  rows.forEach((row, i) => {
    if (row.tokens.length !== d) {
      throw new Error(`${source}:${row.line}: ragged rows: this row has ${row.tokens.length} values, the first row has ${d}`);
    }
    for (let k = 0; k < d; k++) data[i * d + k] = parseNumber(row.tokens[k], source, row.line);
  });
  return { data, n: rows.length, d };
}

/** Parses Ripser's `lower-distance` format into a condensed lower-triangular array. */
export function parseLowerDistance(text: string, source = 'input'): CondensedMatrix {
  const values: number[] = [];
  for (const row of dataLines(text)) {
    for (const tok of row.tokens) {
      if (tok === '') continue;
      const v = parseNumber(tok, source, row.line);
      if (v < 0) throw new Error(`${source}:${row.line}: negative distance ${v}`);
      values.push(v);
    }
  }
  if (values.length === 0) throw new Error(`${source}: no distances (the file is empty)`);
  const n = Math.round((1 + Math.sqrt(1 + 8 * values.length)) / 2);
  if ((n * (n - 1)) / 2 !== values.length) {
    throw new Error(`${source}: ${values.length} distances is not n(n-1)/2 for any n; not a lower-triangular matrix`);
  }
  return { data: Float64Array.from(values), n };
}

/** Parses a full symmetric distance matrix (zero diagonal) into the condensed form. */
export function parseFullDistance(text: string, source = 'input'): CondensedMatrix {
  const pc = parsePointCloud(text, source);
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

/** Reads a point cloud CSV from disk. */
export function readPointCloud(path: string): PointCloud {
  return parsePointCloud(readTextFile(path), path);
}
