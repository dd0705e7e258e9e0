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

/**
 * Where point q of the polyline through `vertexCount` vertices with `per` steps per segment lies
 * ((vertexCount - 1) * per + 1 points): segment s and the fraction f along it (the last point ends the last
 * segment). The one convention of polylineProfile and the engines' evaluatePolyline.
 */
export function polylineSegment(q: number, per: number, vertexCount: number): { s: number; f: number } {
  const s = Math.min(Math.floor(q / per), vertexCount - 2);
  return { s, f: (q - s * per) / per };
}

/** Point q of the polyline through `vertices` (see polylineSegment), written into `out`. */
export function polylinePoint(vertices: readonly Float64Array[], per: number, q: number, out: Float64Array): Float64Array {
  const { s, f } = polylineSegment(q, per, vertices.length);
  const a = vertices[s];
  const b = vertices[s + 1];
  for (let i = 0; i < out.length; i++) out[i] = a[i] + f * (b[i] - a[i]);
  return out;
}
