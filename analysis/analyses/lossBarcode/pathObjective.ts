/**
 * What the path optimiser needs from a loss landscape: losses and gradients at a batch of points on one
 * minibatch (all points of a path see the same minibatch, so their losses are comparable), and losses on
 * the fixed evaluation set. Implemented by networks (networkObjective.ts) and by analytic 2-D surfaces in
 * the tests. Points are flat parameter vectors.
 */
export interface PathObjective {
  readonly dim: number;
  /** Most points one call takes (the engine's batch of networks); the optimiser chunks above it. */
  readonly maxPoints: number;
  /** Losses at `points` on minibatch number `iteration`; writes each point's gradient into `grads[p]`. */
  lossAndGrad(points: readonly Float64Array[], iteration: number, grads: Float64Array[]): Float64Array;
  /** Losses at `points` on the fixed evaluation set. */
  evaluate(points: readonly Float64Array[]): Float64Array;
  /**
   * Optional shortcut with the same answer as evaluate() on every point of the polyline through `vertices`
   * with `per` steps per segment ((V - 1) * per + 1 points): networks reuse the first layer's linearity.
   */
  evaluatePolyline?(vertices: readonly Float64Array[], per: number): Float64Array;
}

/** Evaluates any number of points, at most `maxPoints` per call; `pointAt(k, out)` fills point k. */
export function evaluateMany(objective: PathObjective, count: number, pointAt: (k: number, out: Float64Array) => void): Float64Array {
  const out = new Float64Array(count);
  const chunk = Math.max(1, Math.min(objective.maxPoints, count));
  const buffers = Array.from({ length: chunk }, () => new Float64Array(objective.dim));
  for (let from = 0; from < count; from += chunk) {
    const m = Math.min(chunk, count - from);
    for (let k = 0; k < m; k++) pointAt(from + k, buffers[k]);
    out.set(objective.evaluate(buffers.slice(0, m)), from);
  }
  return out;
}
