/**
 * Confidence bands {x : max probability < 1 - c} of a (scaled) network in the plane, measured and predicted
 * (SPEC D.3). For two classes the max probability is sigma(|Delta|), Delta the logit difference, so the band
 * is |alpha Delta| <= logit(1 - c) and, where Delta is locally linear with gradient g, its width across the
 * boundary is 2 logit(1 - c) / (alpha ||g||): the paper's formula with ||w|| = ||g||.
 *
 * Measured width: at up to `samples` points of the decision boundary (found by bisection between grid cells
 * of different classes), walk along the unit normal (the gradient of the top-two logit difference) both
 * ways until the max probability reaches 1 - c; the width is the sum of the two distances. Points whose
 * band runs out of the search range (the domain's diagonal) are left out. Widths are in plane units,
 * which are input-space distances (the plane's axes are orthonormal).
 */
import { NetEvaluator } from './evaluator';
import type { DenseNet } from './denseNet';
import type { Domain } from './plane';
import { logit } from './scaling';

export interface BandWidth {
  /** Median measured width across the boundary, null when no boundary point could be measured. */
  measuredWidth: number | null;
  /** Median of 2 logit(1 - c) / (alpha ||g||) at the same points. */
  predictedWidth: number | null;
  /** Boundary points measured. */
  points: number;
}

/** Cells whose right or lower neighbour has another class, evenly thinned to at most `max`. */
export function boundaryCells(classMap: Uint8Array, size: number, max: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const i = r * size + c;
      if (c + 1 < size && classMap[i] !== classMap[i + 1]) pairs.push([i, i + 1]);
      if (r + 1 < size && classMap[i] !== classMap[i + size]) pairs.push([i, i + size]);
    }
  }
  if (pairs.length <= max) return pairs;
  const step = pairs.length / max;
  return Array.from({ length: max }, (_, k) => pairs[Math.floor(k * step)]);
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Band width of `net` (a 2-input, already scaled network; `alpha` only enters the prediction through the
 * scaled logits, so pass the scaled net and alpha = 1 to predict from its own gradient).
 */
export function measureBandWidth(net: DenseNet, domain: Domain, classMap: Uint8Array, size: number, c: number, samples = 200): BandWidth {
  const ev = new NetEvaluator(net);
  const x = new Float64Array(2);
  const cellCentre = (i: number): [number, number] => {
    const r = Math.floor(i / size);
    const col = i % size;
    return [domain.uMin + ((col + 0.5) * (domain.uMax - domain.uMin)) / size, domain.vMax - ((r + 0.5) * (domain.vMax - domain.vMin)) / size];
  };
  const classAt = (u: number, v: number): number => { x[0] = u; x[1] = v; return ev.forward(x); };
  const confAt = (u: number, v: number): number => { const k = classAt(u, v); return ev.probs[k]; };
  const logitGap = (u: number, v: number, a: number, b: number): number => { classAt(u, v); const z = ev.z[ev.z.length - 1]; return z[a] - z[b]; };
  const reach = Math.hypot(domain.uMax - domain.uMin, domain.vMax - domain.vMin);
  const h = 1e-6 * reach;
  const L = logit(1 - c);
  const measured: number[] = [];
  const predicted: number[] = [];
  for (const [i, j] of boundaryCells(classMap, size, samples)) {
    let [u0, v0] = cellCentre(i);
    let [u1, v1] = cellCentre(j);
    const a = classAt(u0, v0);
    const b = classAt(u1, v1);
    if (a === b) continue;
    for (let it = 0; it < 50; it++) {
      const um = (u0 + u1) / 2, vm = (v0 + v1) / 2;
      if (classAt(um, vm) === a) { u0 = um; v0 = vm; } else { u1 = um; v1 = vm; }
    }
    const u = (u0 + u1) / 2, v = (v0 + v1) / 2;
    const gu = (logitGap(u + h, v, a, b) - logitGap(u - h, v, a, b)) / (2 * h);
    const gv = (logitGap(u, v + h, a, b) - logitGap(u, v - h, a, b)) / (2 * h);
    const g = Math.hypot(gu, gv);
    if (!(g > 0)) continue;
    const nu = gu / g, nv = gv / g;
    // distance along +-n to where the max probability reaches 1 - c
    const edge = (sign: number): number | undefined => {
      let lo = 0, hi = reach;
      if (confAt(u + sign * hi * nu, v + sign * hi * nv) < 1 - c) return undefined;
      for (let it = 0; it < 60; it++) {
        const m = (lo + hi) / 2;
        if (confAt(u + sign * m * nu, v + sign * m * nv) < 1 - c) lo = m; else hi = m;
      }
      return (lo + hi) / 2;
    };
    const sPlus = edge(1);
    const sMinus = edge(-1);
    if (sPlus === undefined || sMinus === undefined) continue;
    measured.push(sPlus + sMinus);
    predicted.push((2 * L) / g);
  }
  return { measuredWidth: median(measured), predictedWidth: median(predicted), points: measured.length };
}

/** Fraction of grid cells inside the band (max probability below 1 - c). */
export function bandFraction(confidence: Float32Array, c: number): number {
  let n = 0;
  for (let i = 0; i < confidence.length; i++) if (confidence[i] < 1 - c) n++;
  return n / confidence.length;
}
