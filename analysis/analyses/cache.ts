/**
 * The one analysis cache: results as JSON under `<dir>/analysis/<name>/<key>.json`, keyed by the analysis
 * name and version, its parameters and the size and mtime of its input files. A changed algorithm (version),
 * a different parameter or a rewritten checkpoint gives another key, so a stale result is never served;
 * an unreadable cache file is recomputed and overwritten. Writes are atomic.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../store/atomic';
import { ANALYSIS_DIR } from '../store/runLayout';
import type { CacheSpec } from './definition';

/** Request fields that never change a result. */
const NOT_PART_OF_KEY = new Set(['force', 'workDoneToken', 'runDirs', 'studyDir']);

/** JSON with object keys sorted, so equal parameters give equal keys whatever their order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

export function cacheKey(name: string, version: number, params: object, spec: CacheSpec): string {
  const keyParams = Object.fromEntries(Object.entries(params).filter(([k]) => !NOT_PART_OF_KEY.has(k)));
  const inputs = spec.inputs.map((file) => {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(file);
    } catch {
      // a missing input is part of the key too (it may appear later)
    }
    return [path.relative(spec.dir, file), stat?.size ?? -1, stat?.mtimeMs ?? -1];
  });
  const hash = createHash('sha256').update(canonicalJson({ name, version, params: keyParams, inputs })).digest('hex');
  return hash.slice(0, 24);
}

export function cacheFile(name: string, key: string, spec: CacheSpec): string {
  return path.join(spec.dir, ANALYSIS_DIR, name, `${key}.json`);
}

interface CacheEnvelope<R> { name: string; version: number; result: R }

export function readCached<R>(file: string, name: string, version: number): R | undefined {
  try {
    const envelope = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheEnvelope<R>;
    return envelope.name === name && envelope.version === version ? envelope.result : undefined;
  } catch {
    return undefined;
  }
}

export function writeCached<R>(file: string, name: string, version: number, result: R): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify({ name, version, result } satisfies CacheEnvelope<R>));
}

/** A cache slot: the stored result (undefined on a miss, or when `force` asks to recompute) and how to fill it. */
export interface CacheSlot<R> { hit: R | undefined; store(result: R): void }

/**
 * The cache slot for (name, version, params, inputs). With no spec the slot never hits and stores nothing.
 * Analyses use it for sub-results too (one barcode per checkpoint of a series).
 */
export function cacheSlot<R>(name: string, version: number, params: object, spec: CacheSpec | undefined, force = false): CacheSlot<R> {
  if (!spec) return { hit: undefined, store: () => undefined };
  const file = cacheFile(name, cacheKey(name, version, params, spec), spec);
  return {
    hit: force ? undefined : readCached<R>(file, name, version),
    store: (result) => {
      try {
        writeCached(file, name, version, result);
      } catch {
        // A read-only folder (a shared, finished study) still gets its answer, just not cached.
      }
    },
  };
}
