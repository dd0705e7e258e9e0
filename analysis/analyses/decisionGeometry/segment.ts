/**
 * Exact breakpoints of a piecewise-linear (ReLU) network along the segment x(t) = p + t (q - p), t in [0, 1],
 * found by walking the layers, not by sampling. On an interval where the first k layers keep their
 * activation pattern, layer k's input is affine in t, h(t) = alpha + t beta, so each unit's pre-activation
 * z_j(t) = (W^T alpha + b)_j + t (W^T beta)_j is affine too and changes sign at most once, at
 * t = -za_j / zb_j. Splitting every interval at those roots and masking alpha, beta by the new pattern
 * gives the intervals of layer k + 1. A breakpoint is a t where the activation pattern changes; units that
 * switch at the same t (within 1e-12) make one breakpoint.
 */
import { isPiecewiseLinear, type DenseNet } from './denseNet';

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

const SAME_T = 1e-12;

interface Piece { t0: number; t1: number; alpha: Float64Array; beta: Float64Array }

export function segmentBreakpoints(net: DenseNet, p: ArrayLike<number>, q: ArrayLike<number>): SegmentBreakpoints {
  if (!isPiecewiseLinear(net)) {
    throw new Error(`segment breakpoints need a piecewise-linear network (relu or linear hidden units); this one has ${net.layers.slice(0, -1).map((l) => l.activation).join(', ')}.`);
  }
  if (p.length !== net.inDim || q.length !== net.inDim) throw new Error(`segment: the end points have ${p.length} and ${q.length} values but the network takes ${net.inDim}.`);
  let pieces: Piece[] = [{ t0: 0, t1: 1, alpha: Float64Array.from(p), beta: Float64Array.from(q, (v, i) => v - p[i]) }];
  const perLayer: number[] = [];
  for (const layer of net.layers.slice(0, -1)) {
    const next: Piece[] = [];
    let added = 0;
    for (const piece of pieces) {
      const za = Float64Array.from(layer.b);
      const zb = new Float64Array(layer.outDim);
      for (let i = 0; i < layer.inDim; i++) {
        const a = piece.alpha[i];
        const b = piece.beta[i];
        if (a === 0 && b === 0) continue;
        const row = i * layer.outDim;
        for (let j = 0; j < layer.outDim; j++) { za[j] += a * layer.w[row + j]; zb[j] += b * layer.w[row + j]; }
      }
      const roots: number[] = [];
      if (layer.activation === 'relu') {
        for (let j = 0; j < layer.outDim; j++) {
          if (zb[j] === 0) continue;
          const t = -za[j] / zb[j];
          if (t > piece.t0 + SAME_T && t < piece.t1 - SAME_T) roots.push(t);
        }
      }
      roots.sort((x, y) => x - y);
      const cuts = [piece.t0];
      for (const t of roots) if (t - cuts[cuts.length - 1] > SAME_T) cuts.push(t);
      cuts.push(piece.t1);
      added += cuts.length - 2;
      for (let s = 0; s + 1 < cuts.length; s++) {
        const tm = (cuts[s] + cuts[s + 1]) / 2;
        const alpha = new Float64Array(layer.outDim);
        const beta = new Float64Array(layer.outDim);
        for (let j = 0; j < layer.outDim; j++) {
          if (layer.activation === 'linear' || za[j] + zb[j] * tm > 0) { alpha[j] = za[j]; beta[j] = zb[j]; }
        }
        next.push({ t0: cuts[s], t1: cuts[s + 1], alpha, beta });
      }
    }
    perLayer.push(added);
    pieces = next;
  }
  const breakpoints = pieces.slice(1).map((pc) => pc.t0);
  let len = 0;
  for (let i = 0; i < p.length; i++) len += (q[i] - p[i]) ** 2;
  return { breakpoints, pieces: pieces.length, perLayer, length: Math.sqrt(len) };
}
