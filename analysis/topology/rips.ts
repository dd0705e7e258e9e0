/**
 * Vietoris-Rips persistent homology: the public entry point. Validates the input, builds the condensed
 * distance matrix, picks the threshold (Ripser's enclosing radius by default) and runs the engine.
 */
import { condensedDistances, condensedLength, enclosingRadius, type Metric } from '../linalg/distance';
import type { PersistenceBar } from './diagram';
import { BinomialTable } from './ripser/binomial';
import type { RipsComplex } from './ripser/complex';
import { DenseComplex } from './ripser/denseComplex';
import { countEdgesWithin, denseEdgeRanks, MAX_DENSE_POINTS, sparseEdgeRanks } from './ripser/edgeFiltration';
import { ColumnHelpers, defaultThreads, type ThreadProbe } from './ripser/columnsThreads';
import { RipserEngine } from './ripser/engine';
import { SparseComplex } from './ripser/sparseComplex';

export { CancelledError } from './cancel';

export type RipsInput =
  | { kind: 'points'; data: Float64Array; n: number; d: number } // row-major n x d
  | { kind: 'condensed'; data: Float64Array; n: number }; // Ripser lower-triangular: d(i,j), i>j at i*(i-1)/2 + j

export interface RipsOptions {
  /** Highest homology dimension computed (default 1). */
  maxDim?: number;
  /** Only simplices of diameter <= threshold enter (default: enclosing radius, as Ripser). */
  threshold?: number;
  /** For point clouds only (default euclidean). */
  metric?: Metric;
  /** Prime coefficient field Z/p (default 2). */
  modulus?: number;
  onProgress?: (p: { dim: number; done: number; total: number }) => void;
  /** Checked between dimensions and every few thousand columns; a `CancelledError` is thrown when true. */
  isCancelled?: () => boolean;
  /**
   * Threads for the column assembly of dimensions >= 2, which then runs alongside the reduction of
   * dimensions 0-1 (ripser/columnsThreads.ts); the barcode is the same for any count. Default: the cores
   * available (at most 4) when maxDim >= 2 and there are at least 48 points; 1 = this thread only.
   */
  threads?: number;
}

/** Resolved distance matrix and settings shared by the engines. */
export interface PreparedRips {
  dist: Float64Array;
  n: number;
  maxDim: number;
  threshold: number;
  modulus: number;
  /** True when the caller gave no threshold (the enclosing radius is used). */
  thresholdIsEnclosingRadius: boolean;
}

function isPrime(p: number): boolean {
  if (!Number.isInteger(p) || p < 2) return false;
  for (let q = 2; q * q <= p; q++) if (p % q === 0) return false;
  return true;
}

/** Validates input and options and computes the distance matrix. Exported for tests and the engines. */
export function prepareRips(input: RipsInput, opts: RipsOptions = {}): PreparedRips {
  const maxDim = opts.maxDim ?? 1;
  if (!Number.isInteger(maxDim) || maxDim < 0) throw new Error(`rips: maxDim must be a non-negative integer, got ${maxDim}`);
  const modulus = opts.modulus ?? 2;
  if (!isPrime(modulus) || modulus > 46337) throw new Error(`rips: modulus must be a prime below 46337, got ${modulus}`);
  const { n } = input;
  if (!Number.isInteger(n) || n < 0) throw new Error(`rips: n must be a non-negative integer, got ${n}`);
  let dist: Float64Array;
  if (input.kind === 'points') {
    const { d, data } = input;
    if (!Number.isInteger(d) || d < 1) throw new Error(`rips: point dimension d must be a positive integer, got ${d}`);
    if (data.length !== n * d) throw new Error(`rips: point data has ${data.length} numbers, expected n*d = ${n * d}`);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new Error(`rips: coordinate ${i % d} of point ${Math.floor(i / d)} is not finite (${data[i]})`);
    }
    dist = condensedDistances(data, n, d, opts.metric ?? 'euclidean');
  } else {
    if (opts.metric !== undefined && opts.metric !== 'euclidean') {
      throw new Error('rips: the metric option applies to point clouds only, not to a distance matrix');
    }
    dist = input.data;
    if (dist.length !== condensedLength(n)) {
      throw new Error(`rips: condensed matrix has ${dist.length} entries, expected n(n-1)/2 = ${condensedLength(n)}`);
    }
    for (let k = 0; k < dist.length; k++) {
      const v = dist[k];
      if (Number.isNaN(v) || v < 0) throw new Error(`rips: distance matrix entry ${k} is ${v}; distances must be >= 0 (Infinity = no edge)`);
    }
  }
  let threshold = opts.threshold;
  const thresholdIsEnclosingRadius = threshold === undefined;
  if (threshold === undefined) threshold = enclosingRadius(dist, n);
  else if (Number.isNaN(threshold)) throw new Error('rips: threshold is NaN');
  return { dist, n, maxDim, threshold, modulus, thresholdIsEnclosingRadius };
}

/** Below this many points a helper thread costs more than its share of the walk saves. */
const MIN_POINTS_FOR_THREADS = 48;

/**
 * How the complex is stored: `dense` (n x n rank matrix, coboundary = scan of all vertices) or `sparse`
 * (neighbour lists of the edges within the threshold). `auto` picks sparse when the threshold keeps
 * fewer than a third of all pairs (average degree < n/3) or n is too large for the dense matrix.
 */
export type RipsStorage = 'auto' | 'dense' | 'sparse';

/**
 * Runs the engine on prepared input. Exported so tests can force dense or sparse storage, the working
 * column, the wide (64-bit) path for the top dimension (`indexWidth: 'wide'`; by default it is
 * used only when that dimension's simplex indices exceed 2^53), and watch the column threads.
 */
export function ripsFromPrepared(
  prep: PreparedRips,
  opts: Pick<RipsOptions, 'onProgress' | 'isCancelled' | 'threads'> = {},
  storage: RipsStorage = 'auto',
  workingColumn?: 'streams' | 'heap',
  indexWidth: 'auto' | 'wide' = 'auto',
  threadProbe?: ThreadProbe,
): PersistenceBar[] {
  const { n, maxDim } = prep;
  if (n === 0) return [];
  // Started first: a thread boots while the edges are ranked below.
  const threads = opts.threads ?? (n >= MIN_POINTS_FOR_THREADS ? defaultThreads() : 1);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`rips: threads must be a positive integer, got ${threads}`);
  const helpers = threads > 1 && Math.min(maxDim, n - 2) >= 2 ? ColumnHelpers.start(threads - 1, threadProbe) : undefined;
  try {
    return ripsWithHelpers(prep, opts, storage, workingColumn, indexWidth, helpers);
  } finally {
    helpers?.close();
  }
}

function ripsWithHelpers(
  prep: PreparedRips,
  opts: Pick<RipsOptions, 'onProgress' | 'isCancelled'>,
  storage: RipsStorage,
  workingColumn: 'streams' | 'heap' | undefined,
  indexWidth: 'auto' | 'wide',
  helpers: ColumnHelpers | undefined,
): PersistenceBar[] {
  const { dist, n, threshold, maxDim, modulus } = prep;
  let useSparse = storage === 'sparse';
  if (storage === 'sparse' && workingColumn === 'streams') throw new Error('rips: coboundary streams need dense storage');
  if (storage === 'auto') {
    useSparse = n > MAX_DENSE_POINTS || (!prep.thresholdIsEnclosingRadius && countEdgesWithin(dist, threshold) * 3 < dist.length);
  }
  const binom = new BinomialTable(n, Math.min(maxDim, Math.max(n - 2, 0)) + 2, indexWidth === 'wide');
  const complex: RipsComplex = useSparse
    ? new SparseComplex(sparseEdgeRanks(dist, n, threshold), binom, maxDim)
    : new DenseComplex(denseEdgeRanks(dist, n, threshold), binom, maxDim);
  return new RipserEngine(complex, binom, { maxDim, modulus, workingColumn, onProgress: opts.onProgress, isCancelled: opts.isCancelled, helpers }).run();
}

/** Vietoris-Rips persistence barcode with a representative simplex pair for every bar. */
export function ripsPersistence(input: RipsInput, opts: RipsOptions = {}): PersistenceBar[] {
  return ripsFromPrepared(prepareRips(input, opts), opts);
}
