/**
 * Vietoris-Rips persistent homology: the public entry point. Validates the input, builds the condensed
 * distance matrix, picks the threshold (Ripser's enclosing radius by default) and runs the engine.
 */
import { condensedDistances, condensedLength, type Metric } from '../linalg/distance';
import type { PersistenceBar } from './diagram';
import { BinomialTable } from './ripser/binomial';
import type { RipsComplex } from './ripser/complex';
import { DenseComplex } from './ripser/denseComplex';
import { enclosingRadiusOfRows, matrixRows, pointRows, type DistanceRows } from './ripser/distanceRows';
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
  /**
   * Set when the distances are computed on demand from the points instead (`dist` is then empty): large
   * low-dimensional Euclidean clouds run through `ripsPersistence` (see `STREAM_PAIRS`).
   */
  rows?: DistanceRows;
}

/**
 * Euclidean clouds with at least this many pairs (a 32 MB matrix) and at most STREAM_MAX_D coordinates
 * keep their distances implicit (ripser/distanceRows.ts): a row is recomputed when read (twice), which
 * costs little at low dimension and saves the whole matrix (o3_4096: 67 MB of a ~175 MB peak).
 */
const STREAM_PAIRS = 1 << 22;
const STREAM_MAX_D = 16;

function isPrime(p: number): boolean {
  if (!Number.isInteger(p) || p < 2) return false;
  for (let q = 2; q * q <= p; q++) if (p % q === 0) return false;
  return true;
}

/**
 * Validates input and options and computes the distance matrix (with `implicitDistances`, a large
 * low-dimensional Euclidean cloud gets `rows` instead). Exported for tests and the engines.
 */
export function prepareRips(input: RipsInput, opts: RipsOptions = {}, implicitDistances = false): PreparedRips {
  const maxDim = opts.maxDim ?? 1;
  if (!Number.isInteger(maxDim) || maxDim < 0) throw new Error(`rips: maxDim must be a non-negative integer, got ${maxDim}`);
  const modulus = opts.modulus ?? 2;
  if (!isPrime(modulus) || modulus > 46337) throw new Error(`rips: modulus must be a prime below 46337, got ${modulus}`);
  const { n } = input;
  if (!Number.isInteger(n) || n < 0) throw new Error(`rips: n must be a non-negative integer, got ${n}`);
  let dist: Float64Array;
  let rows: DistanceRows | undefined;
  if (input.kind === 'points') {
    const { d, data } = input;
    if (!Number.isInteger(d) || d < 1) throw new Error(`rips: point dimension d must be a positive integer, got ${d}`);
    if (data.length !== n * d) throw new Error(`rips: point data has ${data.length} numbers, expected n*d = ${n * d}`);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new Error(`rips: coordinate ${i % d} of point ${Math.floor(i / d)} is not finite (${data[i]})`);
    }
    const metric = opts.metric ?? 'euclidean';
    if (implicitDistances && metric === 'euclidean' && d <= STREAM_MAX_D && (n * (n - 1)) / 2 >= STREAM_PAIRS) {
      rows = pointRows(data, n, d);
      dist = new Float64Array(0);
    } else dist = condensedDistances(data, n, d, metric);
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
  if (threshold === undefined) threshold = enclosingRadiusOfRows(rows ?? matrixRows(dist, n));
  else if (Number.isNaN(threshold)) throw new Error('rips: threshold is NaN');
  return { dist, n, maxDim, threshold, modulus, thresholdIsEnclosingRadius, ...(rows ? { rows } : {}) };
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
  return ripsRun(prep, opts, storage, workingColumn, indexWidth, threadProbe, false);
}

/**
 * `ripsFromPrepared`, and with `releaseDistances` the condensed matrix (8 bytes per pair of points: 67 MB
 * for o3_4096) is dropped from `prep` once the edges are ranked, so it can be collected before the
 * column lists grow (only for a `prep` this module made, whose matrix nobody else holds).
 */
function ripsRun(
  prep: PreparedRips,
  opts: Pick<RipsOptions, 'onProgress' | 'isCancelled' | 'threads'>,
  storage: RipsStorage,
  workingColumn: 'streams' | 'heap' | undefined,
  indexWidth: 'auto' | 'wide',
  threadProbe: ThreadProbe | undefined,
  releaseDistances: boolean,
): PersistenceBar[] {
  const { n, maxDim } = prep;
  if (n === 0) return [];
  // Started first: a thread boots while the edges are ranked below.
  const threads = opts.threads ?? (n >= MIN_POINTS_FOR_THREADS ? defaultThreads() : 1);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`rips: threads must be a positive integer, got ${threads}`);
  const helpers = threads > 1 && Math.min(maxDim, n - 2) >= 2 ? startHelpers(threads - 1, threadProbe) : undefined;
  try {
    const { complex, binom } = buildComplex(prep, storage, workingColumn, indexWidth);
    if (releaseDistances) prep.dist = new Float64Array(0);
    const { modulus } = prep;
    return new RipserEngine(complex, binom, { maxDim, modulus, workingColumn, onProgress: opts.onProgress, isCancelled: opts.isCancelled, helpers }).run();
  } finally {
    helpers?.close();
  }
}

/** Helper threads, or none when the system refuses a thread (the main thread then walks alone). */
function startHelpers(count: number, probe: ThreadProbe | undefined): ColumnHelpers | undefined {
  try {
    return ColumnHelpers.start(count, probe);
  } catch {
    return undefined;
  }
}

/** The edges ranked and stored densely or sparsely, and the binomial table. */
function buildComplex(
  prep: PreparedRips,
  storage: RipsStorage,
  workingColumn: 'streams' | 'heap' | undefined,
  indexWidth: 'auto' | 'wide',
): { complex: RipsComplex; binom: BinomialTable } {
  const { n, threshold, maxDim } = prep;
  const rows = prep.rows ?? matrixRows(prep.dist, n);
  let useSparse = storage === 'sparse';
  if (storage === 'sparse' && workingColumn === 'streams') throw new Error('rips: coboundary streams need dense storage');
  const edgeCount = countEdgesWithin(rows, threshold);
  if (storage === 'auto') useSparse = n > MAX_DENSE_POINTS || (!prep.thresholdIsEnclosingRadius && edgeCount * 3 < rows.pairs);
  const binom = new BinomialTable(n, Math.min(maxDim, Math.max(n - 2, 0)) + 2, indexWidth === 'wide');
  const complex: RipsComplex = useSparse
    ? new SparseComplex(sparseEdgeRanks(rows, threshold, edgeCount), binom, maxDim)
    : new DenseComplex(denseEdgeRanks(rows, threshold, edgeCount), binom, maxDim);
  return { complex, binom };
}

/** Vietoris-Rips persistence barcode with a representative simplex pair for every bar. */
export function ripsPersistence(input: RipsInput, opts: RipsOptions = {}): PersistenceBar[] {
  // A point cloud's distance matrix is made here, so it can go once ranked; a given matrix is the caller's.
  return ripsRun(prepareRips(input, opts, true), opts, 'auto', undefined, 'auto', undefined, input.kind === 'points');
}
