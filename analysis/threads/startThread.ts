/**
 * Starting a worker thread from its own entry file, the same way for every thread of the project (the
 * checkpoint evaluator, the analysis runner, the loss barcode's pair threads): bundled, the entry is a .js
 * file beside the running bundle in dist/; from source (tests, benches under tsx) it is the .ts file beside
 * the caller, loaded through tsx's CommonJS hook because Node starts no worker from a .ts file.
 */
import path from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The thread's entry: `bundled` beside the bundle that runs `callerFile`, or `source` beside the caller's .ts. */
export function threadEntry(callerFile: string, source: string, bundled: string): string {
  return path.join(path.dirname(callerFile), callerFile.endsWith('.ts') ? source : bundled);
}

export function startThread(entry: string, options: WorkerOptions = {}): Worker {
  if (!entry.endsWith('.ts')) return new Worker(entry, options);
  const tsx = 'tsx/cjs'; // a variable, so the bundler does not try to bundle tsx
  return new Worker(`require(${JSON.stringify(require.resolve(tsx))}); require(${JSON.stringify(entry)});`, { ...options, eval: true });
}
