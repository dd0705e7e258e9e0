/**
 * The exact walk of a piecewise-linear (ReLU) network along a line x(t) = p + t d, t in [t0, t1], layer by
 * layer. On an interval where the first k layers keep their activation pattern, layer k's input is affine in
 * t, h(t) = alpha + t beta, so each unit's pre-activation z_j(t) = (W^T alpha + b)_j + t (W^T beta)_j is
 * affine too and changes sign at most once, at t = -za_j / zb_j. Splitting every interval at those roots
 * and masking alpha, beta by the new pattern gives the intervals of layer k + 1. At the end every piece
 * carries its logits as an affine function of t and the hash of its activation pattern per depth.
 *
 * Used for exact breakpoints along a segment (segment.ts) and, row by row, for grid maps (grid.ts): a grid
 * row is a line, and each cell then needs only its piece's affine logits instead of a forward pass.
 */
import type { DenseNet } from './denseNet';
import { foldKey } from './evaluator';

/** Units switching within this distance in t make one breakpoint. */
export const SAME_T = 1e-12;

export interface Walk {
  /** Number of pieces. */
  count: number;
  /** Start of piece i (start[0] = t0); piece i ends where i + 1 starts (the last at t1). */
  start: Float64Array;
  /** Logits of piece i at t: alpha[i * classes + j] + t * beta[i * classes + j]. */
  alpha: Float64Array;
  beta: Float64Array;
  /** Pattern hash of piece i through hidden layer k: keys[i * hiddenLayers + k]. */
  keys: Float64Array;
  /** Breakpoints first introduced by hidden layer k. */
  perLayer: number[];
}

interface Piece { t0: number; alpha: Float64Array; beta: Float64Array; h1: number; h2: number; keys: Float64Array }

const byValue = (x: number, y: number): number => x - y;

export function walkLine(net: DenseNet, p: ArrayLike<number>, d: ArrayLike<number>, t0: number, t1: number, zobrist: [Int32Array[], Int32Array[]]): Walk {
  const H = net.layers.length - 1;
  let pieces: Piece[] = [{ t0, alpha: Float64Array.from(p), beta: Float64Array.from(d), h1: 0, h2: 0, keys: new Float64Array(H) }];
  const perLayer: number[] = [];
  const L = net.layers.length;
  const cuts: number[] = [];
  const roots: number[] = [];
  for (let k = 0; k < L; k++) {
    const layer = net.layers[k];
    const out = layer.outDim;
    const hidden = k < L - 1;
    const next: Piece[] = [];
    let added = 0;
    for (let s = 0; s < pieces.length; s++) {
      const piece = pieces[s];
      const end = s + 1 < pieces.length ? pieces[s + 1].t0 : t1;
      const za = Float64Array.from(layer.b);
      const zb = new Float64Array(out);
      for (let i = 0; i < layer.inDim; i++) {
        const a = piece.alpha[i];
        const b = piece.beta[i];
        if (a === 0 && b === 0) continue;
        const row = i * out;
        for (let j = 0; j < out; j++) { za[j] += a * layer.w[row + j]; zb[j] += b * layer.w[row + j]; }
      }
      if (!hidden) { next.push({ t0: piece.t0, alpha: za, beta: zb, h1: piece.h1, h2: piece.h2, keys: piece.keys }); continue; }
      roots.length = 0;
      if (layer.activation === 'relu') {
        for (let j = 0; j < out; j++) {
          if (zb[j] === 0) continue;
          const t = -za[j] / zb[j];
          if (t > piece.t0 + SAME_T && t < end - SAME_T) roots.push(t);
        }
        if (roots.length > 1) roots.sort(byValue);
      }
      cuts.length = 0;
      cuts.push(piece.t0);
      for (const t of roots) if (t - cuts[cuts.length - 1] > SAME_T) cuts.push(t);
      cuts.push(end);
      added += cuts.length - 2;
      const [k1, k2] = [zobrist[0][k], zobrist[1][k]];
      for (let c = 0; c + 1 < cuts.length; c++) {
        const tm = (cuts[c] + cuts[c + 1]) / 2;
        const alpha = new Float64Array(out);
        const beta = new Float64Array(out);
        let h1 = piece.h1;
        let h2 = piece.h2;
        for (let j = 0; j < out; j++) {
          const on = za[j] + zb[j] * tm > 0;
          if (layer.activation === 'linear') { alpha[j] = za[j]; beta[j] = zb[j]; } else if (on) { h1 ^= k1[j]; h2 ^= k2[j]; alpha[j] = za[j]; beta[j] = zb[j]; }
        }
        const keys = cuts.length === 2 ? piece.keys : Float64Array.from(piece.keys);
        keys[k] = foldKey(h1, h2);
        next.push({ t0: cuts[c], alpha, beta, h1, h2, keys });
      }
    }
    if (hidden) perLayer.push(added);
    pieces = next;
  }
  const n = pieces.length;
  const classes = net.classes;
  const walk: Walk = { count: n, start: new Float64Array(n), alpha: new Float64Array(n * classes), beta: new Float64Array(n * classes), keys: new Float64Array(n * H), perLayer };
  pieces.forEach((pc, i) => {
    walk.start[i] = pc.t0;
    walk.alpha.set(pc.alpha, i * classes);
    walk.beta.set(pc.beta, i * classes);
    walk.keys.set(pc.keys, i * H);
  });
  return walk;
}
