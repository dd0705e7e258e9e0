/**
 * What an analysis is to the worker: a name, a version, a pure `run(params, context)` and, when its result
 * can be cached, the folder and input files that key the cache. The runner (worker/runner/) runs it on a
 * worker thread with cancellation and progress; the CLI runs the same definition in-process.
 *
 * An analysis checks `context.isCancelled()` (or calls `throwIfCancelled()`) between units of work and
 * reports `context.progress(fraction, message)`; a cancelled analysis throws {@link CancelledError}.
 */
import type { AnalysisParams } from '../worker/protocol/analysis';
import { CancelledError } from '../topology/cancel';

// One cancellation error for the whole library: the topology engine throws it too.
export { CancelledError };

export interface AnalysisContext {
  isCancelled(): boolean;
  /** Throws {@link CancelledError} when the request was cancelled. */
  throwIfCancelled(): void;
  /** Progress of this analysis: fraction 0..1 when known, a short message ("pair 3/28"). */
  progress(fraction: number | undefined, message?: string): void;
  log(message: string): void;
}

/** Where a result is cached and what it depends on. */
export interface CacheSpec {
  /** Folder holding the cache (a run folder or a study folder); files go to `<dir>/analysis/<name>/`. */
  dir: string;
  /** Files whose size and mtime are part of the key (checkpoints, metrics.jsonl, ...). */
  inputs: string[];
}

export interface AnalysisDefinition<P extends AnalysisParams = AnalysisParams, R = unknown> {
  /** The request name: `topolens/analysis/<name>`. */
  name: string;
  /** Bump when the computation changes: cached results of another version are recomputed. */
  version: number;
  /** Cache folder and inputs; undefined (or a definition without `cache`) means never cached. */
  cache?(params: P): CacheSpec | undefined;
  run(params: P, context: AnalysisContext): R | Promise<R>;
}

/** Identity, for type inference at the definition site. */
export function defineAnalysis<P extends AnalysisParams, R>(definition: AnalysisDefinition<P, R>): AnalysisDefinition<P, R> {
  return definition;
}

/** A context for code that runs without a runner (CLI, tests): never cancelled unless `isCancelled` says so. */
export function plainContext(options: { isCancelled?: () => boolean; onProgress?: (fraction: number | undefined, message?: string) => void; log?: (m: string) => void } = {}): AnalysisContext {
  const isCancelled = options.isCancelled ?? (() => false);
  return {
    isCancelled,
    throwIfCancelled: () => { if (isCancelled()) throw new CancelledError(); },
    progress: (fraction, message) => options.onProgress?.(fraction, message),
    log: (m) => options.log?.(m),
  };
}

/** The one run folder of a single-run analysis; a clear error when the request names none or several. */
export function singleRunDir(params: AnalysisParams, analysis: string): string {
  if (params.runDirs.length !== 1) throw new Error(`${analysis}: expects exactly one run folder (got ${params.runDirs.length}).`);
  return params.runDirs[0];
}
