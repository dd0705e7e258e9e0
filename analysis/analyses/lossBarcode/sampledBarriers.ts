/**
 * The sampled alternative to optimised paths (SPEC B step 5, BarcodeCalc's method) for a study's minima:
 * sample weight space around the K minima (weightSamples.ts, the minima included), relax the samples around
 * each pair's segment across it (relaxSamples.ts), evaluate the loss of every sample on the evaluation
 * subset, join each sample to its k nearest neighbours (linalg/knnGraph.ts) and take, for each pair of
 * minima, the sublevel level at which their samples first join: the minimax path value through the graph
 * (graphMinimax.ts, one union-find pass for all pairs). The matrix then goes through the same elder-rule
 * barcode and TO-score as the paths' barriers.
 *
 * Two choices make it mean something beyond a 2-D toy (measured on 2-8-2 and 2-16-16-2 moons MLPs, README
 * "Loss barcodes"): (1) every graph edge is subdivided by `edgePoints` evaluated points, so an edge's level
 * is the highest loss seen on it. With the plain lower-star filtration (values at samples only) the
 * neighbours of a sample in tens of dimensions are far apart and the chords between them jump over ridges:
 * joins came out up to 50x below the loss along the very graph path that realised them. Subdivided, each
 * barrier is the (sampled) maximum along a real polyline, like the paths method's. (2) Raw Gaussian samples
 * around the segments almost never land in the curved low valley an optimised path takes: without the
 * relaxation the barriers equal the straight lines' minimax; with it they come within ~10% of the paths'.
 *
 * Still an approximation: barriers are maxima over the points evaluated, a path can only bend where samples
 * are, and the k-NN graph is brute force in more than 12 dimensions (n^2 D). Nets above
 * SAMPLED_MAX_PARAMETERS are refused. The straight-line barriers are the straight lines themselves,
 * evaluated as in the paths method.
 */
import type { PairPath } from '../../worker/protocol/lossBarcode';
import { knnGraphEdges } from '../../linalg/knnGraph';
import { deriveSeed } from '../../data/random';
import type { PathObjective } from './pathObjective';
import { polylineProfile } from './pathOptimizer';
import { adjacency, lowerStarLevels, minimaxPath, sourceMinimax } from './graphMinimax';
import { weightSamples } from './weightSamples';
import { relaxTubes } from './relaxSamples';

/** Above this many parameters the sampled method is refused (see the header; README "Loss barcodes"). */
export const SAMPLED_MAX_PARAMETERS = 500;
/** 5,000 samples: the brute-force k-NN graph costs n^2 D (42 parameters: ~1.3 s; 20,000 samples: ~20 s). */
export const DEFAULT_SAMPLED = { samples: 5_000, knn: 6, relax: 200 } as const;

export interface SampledOptions {
  samples: number;
  knn: number;
  /** Seeds the samples (derived from the barcode's `seed`). */
  seed: number;
  /** The straight line of each pair is evaluated at straightSteps + 1 evenly spaced points. */
  straightSteps: number;
  /** Points evaluated inside every graph edge (the paths' `interpolate`); 0 = the plain lower-star filtration. */
  edgePoints: number;
  /** Transverse relaxation steps of the tube samples (relaxSamples.ts) and their step size; 0 = raw samples. */
  relax: number;
  relaxLr: number;
}

export interface SampledBarriers {
  /** K x K, symmetric, diagonal = the minima's losses. */
  barriers: number[][];
  straightBarriers: number[][];
  /** One per pair i < j: the minimax graph path's loss profile and the straight line's. */
  pairs: PairPath[];
  /** Edges of the symmetrised k-NN graph. */
  edges: number;
  computeMs: number;
}

/** The refusal for nets too large to sample, with the count and what to do instead. */
export function assertSampleable(parameters: number, architecture: string): void {
  if (parameters > SAMPLED_MAX_PARAMETERS) {
    throw new Error(`loss barcode: the sampled method is for small nets (at most ${SAMPLED_MAX_PARAMETERS} parameters); ${architecture} has ${parameters.toLocaleString('en-US')}, ` +
      'where a k-NN graph of samples cannot resolve the landscape between minima. Use the optimised paths (method "paths", --method paths, the default).');
  }
}

export function validateSampledOptions(o: { samples: number; knn: number; relax: number }, minima: number): void {
  if (!Number.isInteger(o.samples) || o.samples < Math.max(100, 2 * minima)) throw new Error(`loss barcode: samples must be an integer >= ${Math.max(100, 2 * minima)}, got ${o.samples}`);
  if (!Number.isInteger(o.knn) || o.knn < 1) throw new Error(`loss barcode: knn must be a positive integer, got ${o.knn}`);
  if (!Number.isInteger(o.relax) || o.relax < 0) throw new Error(`loss barcode: relax must be an integer >= 0 (gradient steps per tube sample), got ${o.relax}`);
}

export const samplesSeed = (seed: number) => deriveSeed(seed, 'loss-barcode-samples');

/**
 * Barriers between `minima` (parameter vectors; `minLoss` their losses on the evaluation set) by sampling.
 * `onProgress(fraction, message)` runs between stages and evaluation chunks; it may throw to cancel.
 */
export function sampledBarriers(minima: readonly Float64Array[], minLoss: readonly number[], objective: PathObjective, options: SampledOptions, onProgress: (fraction: number, message: string) => void = () => undefined): SampledBarriers {
  const t0 = Date.now();
  const K = minima.length;
  const D = objective.dim;
  validateSampledOptions(options, K);
  const n = options.samples;
  const count = (v: number) => v.toLocaleString('en-US');
  onProgress(0, `sampling ${count(n)} points around ${K} minima`);
  const { points, tubes } = weightSamples(minima, n, options.seed);
  if (options.relax > 0) {
    relaxTubes(points, D, minima, tubes, objective, options.relax, options.relaxLr, (done, total) => onProgress(0.3 * (done / total), `relaxing ${count(done)}/${count(total)} tube samples`));
  }

  // Losses of every sample; a diverging one (NaN or infinite) is impassable.
  const rows = Array.from({ length: n }, (_, r) => points.subarray(r * D, (r + 1) * D));
  const values = evaluateRows(objective, rows, (done) => onProgress(0.3 + 0.2 * (done / n), `loss of ${count(done)}/${count(n)} samples`));
  // The minima's own samples carry their barcode losses (rows 0..K-1), so no barrier can fall below them.
  for (let i = 0; i < K; i++) values[i] = Math.max(values[i], minLoss[i]);

  onProgress(0.5, `k-NN graph of ${count(n)} samples in R^${D} (k = ${options.knn})`);
  const edges = knnGraphEdges(points, n, D, options.knn);
  const m = edges.length >> 1;
  // Points inside every edge (subdividing the graph): an edge's level is the highest loss seen on it.
  const inside = options.edgePoints;
  const level = lowerStarLevels(values, edges);
  const interior = new Float64Array(m * inside);
  if (inside > 0) {
    const at = (q: number) => {
      const e = Math.floor(q / inside);
      const f = (q % inside + 1) / (inside + 1);
      const x = new Float64Array(D);
      const u = edges[2 * e] * D;
      const v = edges[2 * e + 1] * D;
      for (let c = 0; c < D; c++) x[c] = points[u + c] + f * (points[v + c] - points[u + c]);
      return x;
    };
    const chunk = Math.max(1, objective.maxPoints);
    for (let from = 0; from < m * inside; from += chunk) {
      const part = Array.from({ length: Math.min(chunk, m * inside - from) }, (_, k) => at(from + k));
      interior.set(sanitise(objective.evaluate(part)), from);
      if ((from / chunk) % 50 === 0) onProgress(0.6 + 0.3 * (from / (m * inside)), `loss inside ${count(m)} edges (${inside} points each)`);
    }
    for (let e = 0; e < m; e++) for (let q = 0; q < inside; q++) level[e] = Math.max(level[e], interior[e * inside + q]);
  }

  onProgress(0.9, 'joining the minima in sublevel order');
  const sources = Array.from({ length: K }, (_, i) => i);
  const minimax = sourceMinimax(n, edges, level, sources, values);
  for (let i = 0; i < K; i++) {
    for (let j = i + 1; j < K; j++) {
      const v = minimax[i][j];
      if (v === null || !Number.isFinite(v)) {
        throw new Error(`loss barcode (sampled): the k-NN graph of ${n} samples does not connect minima ${i} and ${j} below an infinite loss; raise samples or knn, or use method "paths"`);
      }
    }
  }
  const barriers = minimax.map((row, i) => row.map((v, j) => (i === j ? minLoss[i] : Math.max(v as number, minLoss[i], minLoss[j]))));

  onProgress(0.95, 'paths through the graph and straight lines');
  const adj = adjacency(n, edges);
  const straightBarriers = barriers.map((row) => row.slice());
  const pairs: PairPath[] = [];
  for (let i = 0; i < K; i++) {
    for (let j = i + 1; j < K; j++) {
      const route = minimaxPath(adj, level, points, D, i, j, minimax[i][j] as number);
      if (!route) throw new Error(`loss barcode (sampled): no path between minima ${i} and ${j} at their joining level (internal error)`);
      const { t, loss } = routeProfile(route, edges, values, interior, inside, points, D);
      const straight = polylineProfile([minima[i], minima[j]], options.straightSteps - 1, objective);
      let peak = -Infinity;
      for (const v of straight.loss) peak = Math.max(peak, v);
      straightBarriers[i][j] = straightBarriers[j][i] = Math.max(peak, minLoss[i], minLoss[j]);
      pairs.push({
        i, j, barrier: barriers[i][j], straightBarrier: straightBarriers[i][j], points: route.vertices.length,
        t, loss, straightT: Array.from(straight.t), straightLoss: Array.from(straight.loss), computeMs: 0,
      });
    }
  }
  const computeMs = Date.now() - t0;
  for (const p of pairs) p.computeMs = computeMs;
  return { barriers, straightBarriers, pairs, edges: m, computeMs };
}

/** NaN and infinite losses become +Infinity: such a sample or edge point is never passed. */
function sanitise(v: Float64Array): Float64Array {
  for (let k = 0; k < v.length; k++) if (!Number.isFinite(v[k])) v[k] = Infinity;
  return v;
}

function evaluateRows(objective: PathObjective, rows: Float64Array[], onChunk: (done: number) => void): Float64Array {
  const out = new Float64Array(rows.length);
  const chunk = Math.max(1, objective.maxPoints);
  for (let from = 0, c = 0; from < rows.length; from += chunk, c++) {
    out.set(sanitise(objective.evaluate(rows.slice(from, from + chunk))), from);
    if (c % 50 === 0) onChunk(from);
  }
  return out;
}

/** Normalised arc length and loss along a graph path: each sample, and the points evaluated inside each edge. */
function routeProfile(route: { vertices: number[]; edges: number[] }, edges: Uint32Array, values: Float64Array, interior: Float64Array, inside: number, points: Float64Array, D: number): { t: number[]; loss: number[] } {
  const along = [0];
  const loss = [values[route.vertices[0]]];
  let total = 0;
  for (let q = 1; q < route.vertices.length; q++) {
    const a = route.vertices[q - 1];
    const b = route.vertices[q];
    let s = 0;
    for (let c = 0; c < D; c++) s += (points[b * D + c] - points[a * D + c]) ** 2;
    const length = Math.sqrt(s);
    const e = route.edges[q - 1];
    // Interior points run from the edge's first vertex (edges[2e]) to its second; walk them in route order.
    const forward = edges[2 * e] === a;
    for (let k = 0; k < inside; k++) {
      const f = (k + 1) / (inside + 1);
      along.push(total + f * length);
      loss.push(interior[e * inside + (forward ? k : inside - 1 - k)]);
    }
    total += length;
    along.push(total);
    loss.push(values[b]);
  }
  return { t: along.map((x) => x / (total || 1)), loss };
}
