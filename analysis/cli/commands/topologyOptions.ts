/** Option parsing shared by the `ph` and `mapper` commands: numbers with clear one-line errors. */
import { readPointCloud, parseInputFormat, detectInputFormat, readLowerDistance, readFullDistance, type InputFormat } from './inputFormats';
import type { RipsInput } from '../../topology/rips';

export function parseIntOption(name: string, min = 0): (value: string) => number {
  return (value: string) => {
    const v = Number(value);
    if (!Number.isInteger(v) || v < min) throw new Error(`${name} ${value}: expected an integer >= ${min}`);
    return v;
  };
}

export function parseNumberOption(name: string, min = -Infinity, exclusiveMin = false): (value: string) => number {
  return (value: string) => {
    const v = Number(value);
    if (value.trim() === '' || !Number.isFinite(v) || v < min || (exclusiveMin && v === min)) {
      throw new Error(`${name} ${value}: expected a number ${exclusiveMin ? '>' : '>='} ${min}`);
    }
    return v;
  };
}

export function parseChoice<T extends string>(name: string, choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new Error(`${name} ${value}: expected one of ${choices.join(', ')}`);
  };
}

/** Reads a Rips input file in the given (or detected) format. */
export function readRipsInput(path: string, format?: string): { input: RipsInput; format: InputFormat } {
  const fmt = format === undefined ? detectInputFormat(path) : parseInputFormat(format);
  if (fmt === 'point-cloud') {
    const pc = readPointCloud(path);
    return { input: { kind: 'points', data: pc.data, n: pc.n, d: pc.d }, format: fmt };
  }
  const m = fmt === 'lower-distance' ? readLowerDistance(path) : readFullDistance(path);
  return { input: { kind: 'condensed', data: m.data, n: m.n }, format: fmt };
}

/** Reads one number per line (or per comma-separated field) — a user lens or colour vector. */
export function readVector(path: string): Float64Array {
  const pc = readPointCloud(path);
  if (pc.d !== 1 && pc.n !== 1) throw new Error(`${path}: expected one value per line, got ${pc.n} rows of ${pc.d}`);
  return pc.data;
}
