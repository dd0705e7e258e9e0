/**
 * Exact breakpoints of a piecewise-linear (ReLU) network along the segment x(t) = p + t (q - p), t in [0, 1],
 * found by walking the layers (walk.ts), not by sampling. A breakpoint is a t where the activation pattern
 * changes; units that switch at the same t (within 1e-12) make one breakpoint.
 */
import { isPiecewiseLinear, type DenseNet } from './denseNet';
import { zobristKeys } from './evaluator';
import { walkLine } from './walk';

export interface SegmentBreakpoints {
  /** Sorted, strictly inside (0, 1). */
  breakpoints: number[];
  /** Linear pieces: breakpoints + 1. */
  pieces: number;
  /** Breakpoints first introduced by hidden layer k (they add up to breakpoints.length). */
  perLayer: number[];
  /** Euclidean length of q - p, so t converts to distance. */
  length: number;
}

export function segmentBreakpoints(net: DenseNet, p: ArrayLike<number>, q: ArrayLike<number>): SegmentBreakpoints {
  if (!isPiecewiseLinear(net)) {
    throw new Error(`segment breakpoints need a piecewise-linear network (relu or linear hidden units); this one has ${net.layers.slice(0, -1).map((l) => l.activation).join(', ')}.`);
  }
  if (p.length !== net.inDim || q.length !== net.inDim) throw new Error(`segment: the end points have ${p.length} and ${q.length} values but the network takes ${net.inDim}.`);
  const d = Float64Array.from(q, (v, i) => v - p[i]);
  const walk = walkLine(net, p, d, 0, 1, zobristKeys(net));
  return { breakpoints: Array.from(walk.start.subarray(1)), pieces: walk.count, perLayer: walk.perLayer, length: Math.hypot(...d) };
}
