/**
 * Paths between two minima (SPEC B steps 2-3), the authors' string method without springs
 * (gsotnikov/BarcodesDNN): start from the straight line with `points` points; at every iteration move each
 * interior point against its minibatch gradient with the components along both neighbour tangents halved
 * away, g_perp = g - 1/2 [(g.tau_L) tau_L + (g.tau_R) tau_R] (on a straight stretch: the component along the
 * path removed, so points relax towards the valley floor without sliding into the minima); endpoints stay
 * fixed; every `insertEvery` iterations a midpoint goes into each of the `insertCount` segments with the
 * highest loss (the minibatch loss at the segment's midpoint), so resolution grows where the barrier is.
 * All interior points move simultaneously (tangents from the positions before the move).
 *
 * The barrier is the maximum loss along the final polyline on the fixed evaluation set, with `interpolate`
 * extra points inside every segment (a segment's chord can rise above both of its points). The straight
 * line is evaluated at as many evenly spaced points, as the baseline.
 *
 * Defaults (our choice; the paper gives 10-19 points and "periodic" insertion): 13 points, 200 iterations,
 * a midpoint pair every 40 iterations, at most 25 points, 3 interpolated points per segment.
 *
 * A known limit of the spring-free string: where neighbour tangents differ, part of the gradient along the
 * path survives, so over many iterations points drift into the minima and leave long chords behind (on the
 * Müller-Brown surface at lr 2e-4: exact saddles after 100-200 iterations, a chord across a ridge after
 * 1,000). Midpoints go where the midpoint loss is highest, which repairs such chords at each insertion; keep
 * iterations moderate, or insert more often, rather than running the string for long.
 */
import type { PathObjective } from './pathObjective';
import { evaluateMany, polylinePoint, polylineSegment } from './pathObjective';
import { stringKernels, type StringKernels } from './stringStep';

export interface PathOptions {
  points: number;
  iterations: number;
  lr: number;
  insertEvery: number;
  insertCount: number;
  maxPoints: number;
  interpolate: number;
}

export const DEFAULT_PATH_OPTIONS: Omit<PathOptions, 'lr'> = { points: 13, iterations: 200, insertEvery: 40, insertCount: 2, maxPoints: 25, interpolate: 3 };

export interface PathResult {
  /** Final polyline, endpoints included. */
  path: Float64Array[];
  barrier: number;
  straightBarrier: number;
  /** Normalised arc length and loss of every evaluated point along the final path. */
  t: Float64Array;
  loss: Float64Array;
  straightT: Float64Array;
  straightLoss: Float64Array;
}

export function validatePathOptions(o: PathOptions): void {
  const int = (name: keyof PathOptions, min: number) => {
    if (!Number.isInteger(o[name]) || o[name] < min) throw new Error(`path optimisation: ${name} must be an integer >= ${min}, got ${o[name]}`);
  };
  int('points', 2);
  int('iterations', 0);
  int('insertEvery', 1);
  int('insertCount', 0);
  int('interpolate', 0);
  if (o.maxPoints < o.points) throw new Error(`path optimisation: maxPoints (${o.maxPoints}) is below points (${o.points})`);
  if (!(o.lr > 0) || !Number.isFinite(o.lr)) throw new Error(`path optimisation: lr must be a positive number, got ${o.lr}`);
}

export function straightLine(a: Float64Array, b: Float64Array, points: number, alloc: () => Float64Array = () => new Float64Array(a.length)): Float64Array[] {
  return Array.from({ length: points }, (_, k) => lerp(a, b, k / (points - 1), alloc()));
}

function lerp(a: Float64Array, b: Float64Array, s: number, out: Float64Array): Float64Array {
  for (let i = 0; i < a.length; i++) out[i] = a[i] + s * (b[i] - a[i]);
  return out;
}

/**
 * One simultaneous move of every interior point (segment tangents first, then the moves; each segment's
 * tangent is the right tangent of one point and the left tangent of the next). Tangents are kept as
 * differences and inverse lengths, so a move reads each vector once for the two dot products and once for
 * the update.
 */
function moveInterior(path: Float64Array[], objective: PathObjective, iteration: number, lr: number, grads: Float64Array[], diffs: Float64Array[], k: StringKernels): void {
  const interior = path.slice(1, -1);
  const losses = new Float64Array(interior.length);
  const chunk = Math.max(1, objective.maxPoints);
  for (let from = 0; from < interior.length; from += chunk) {
    const part = interior.slice(from, from + chunk);
    losses.set(objective.lossAndGrad(part, iteration, grads.slice(from, from + part.length)), from);
  }
  for (let k = 0; k < interior.length; k++) if (!Number.isFinite(losses[k])) throw new Error(`path optimisation: the loss became ${losses[k]} at iteration ${iteration} (lower lr)`);
  const inv = new Float64Array(path.length - 1);
  for (let s = 0; s + 1 < path.length; s++) inv[s] = k.difference(path[s], path[s + 1], diffs[s]);
  for (let q = 0; q < interior.length; q++) {
    const [gl, gr] = k.dots(grads[q], diffs[q], diffs[q + 1]);
    // theta -= lr * (g - 1/2 (g.tl) tl - 1/2 (g.tr) tr), with t = d * inv
    const cl = 0.5 * gl * inv[q] * inv[q];
    const cr = 0.5 * gr * inv[q + 1] * inv[q + 1];
    k.update(interior[q], grads[q], diffs[q], diffs[q + 1], lr, lr * cl, lr * cr);
  }
}

/**
 * Inserts midpoints into the `count` segments with the highest loss, a segment's loss being the minibatch
 * loss at its midpoint: a long chord that cuts across a ridge is found even when both of its points sit low
 * (points of a string without springs drift towards the minima and leave such chords behind).
 */
function insertMidpoints(path: Float64Array[], objective: PathObjective, iteration: number, count: number, maxPoints: number, k: StringKernels): void {
  const room = Math.min(count, maxPoints - path.length);
  if (room <= 0) return;
  const mids = Array.from({ length: path.length - 1 }, (_, s) => lerp(path[s], path[s + 1], 0.5, k.alloc()));
  const midLoss = new Float64Array(mids.length);
  const chunk = Math.max(1, objective.maxPoints);
  const scratch = Array.from({ length: Math.min(chunk, mids.length) }, () => new Float64Array(objective.dim));
  for (let from = 0; from < mids.length; from += chunk) {
    const part = mids.slice(from, from + chunk);
    midLoss.set(objective.lossAndGrad(part, iteration, scratch.slice(0, part.length)), from);
  }
  const segments = Array.from({ length: mids.length }, (_, s) => s).sort((a, b) => midLoss[b] - midLoss[a] || a - b);
  const chosen = segments.slice(0, room).sort((a, b) => b - a); // from the end, so indices stay valid
  for (const s of chosen) path.splice(s + 1, 0, mids[s]);
  const kept = new Set(chosen);
  mids.forEach((m, s) => { if (!kept.has(s)) k.free(m); });
}

/** Loss along a polyline with `interpolate` extra points per segment, and each point's normalised arc length. */
export function polylineProfile(path: readonly Float64Array[], interpolate: number, objective: PathObjective): { t: Float64Array; loss: Float64Array } {
  const per = interpolate + 1;
  const count = (path.length - 1) * per + 1;
  const lengths = new Float64Array(path.length);
  for (let s = 1; s < path.length; s++) {
    let d = 0;
    for (let i = 0; i < path[s].length; i++) d += (path[s][i] - path[s - 1][i]) ** 2;
    lengths[s] = lengths[s - 1] + Math.sqrt(d);
  }
  const total = lengths[path.length - 1] || 1;
  const t = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const { s, f } = polylineSegment(k, per, path.length);
    t[k] = (lengths[s] + f * (lengths[s + 1] - lengths[s])) / total;
  }
  const loss = objective.evaluatePolyline?.(path, per) ?? evaluateMany(objective, count, (k, out) => polylinePoint(path, per, k, out));
  return { t, loss };
}

function maxOf(v: Float64Array): number {
  let m = -Infinity;
  for (const x of v) m = x > m ? x : m;
  return m;
}

/**
 * Optimises the path from `a` to `b` and evaluates it. `onIteration` runs after every iteration (cancellation
 * checks: it may throw).
 */
export function optimisePath(a: Float64Array, b: Float64Array, objective: PathObjective, options: PathOptions, onIteration?: (iteration: number) => void): PathResult {
  validatePathOptions(options);
  if (a.length !== objective.dim || b.length !== objective.dim) throw new Error(`path optimisation: endpoints of dimension ${a.length}/${b.length}, the objective has ${objective.dim}`);
  // Live vectors: the path, a gradient per interior point, a difference per segment, the candidate midpoints.
  const k = stringKernels(objective.dim, 4 * options.maxPoints);
  const path = straightLine(a, b, options.points, k.alloc);
  const grads: Float64Array[] = [];
  const diffs: Float64Array[] = [];
  for (let it = 0; it < options.iterations; it++) {
    while (grads.length < path.length - 2) grads.push(k.alloc());
    while (diffs.length < path.length - 1) diffs.push(k.alloc());
    moveInterior(path, objective, it, options.lr, grads, diffs, k);
    onIteration?.(it);
    if ((it + 1) % options.insertEvery === 0 && it + 1 < options.iterations) insertMidpoints(path, objective, it, options.insertCount, options.maxPoints, k);
  }
  const { t, loss } = polylineProfile(path, options.interpolate, objective);
  // The straight line at the same number of evenly spaced points: one segment, (points - 1) * per steps.
  const straight = polylineProfile([a, b], (path.length - 1) * (options.interpolate + 1) - 1, objective);
  return { path: path.map((p) => p.slice()), barrier: maxOf(loss), straightBarrier: maxOf(straight.loss), t, loss, straightT: straight.t, straightLoss: straight.loss };
}
