/**
 * The first layer's hyperplanes w_j.x + b_j = 0 intersected with the plane: lines a u + b v + c = 0 in
 * plane coordinates (read off the plane-restricted net). Their arrangement is counted exactly, not sampled:
 * n lines cut the plane into 1 + n + sum_p (m_p - 1) regions, p running over the intersection points and
 * m_p the number of lines through p (Euler's formula; parallel lines simply never meet). The same formula
 * counts the regions of a convex window, with n the lines that cross it and p the points inside it.
 * Zaslavsky's theorem gives the maximum, sum_{i<=d} C(n, i) for d = 2, reached exactly when the lines are
 * in general position (no two parallel, no three through one point).
 */
import type { DenseNet } from './denseNet';
import type { Domain } from './plane';

export interface PlaneLine {
  /** Index of the first-layer unit. */
  unit: number;
  a: number;
  b: number;
  c: number;
}

/** First-layer lines of a 2-input (plane-restricted) network; units whose weights vanish in the plane have none. */
export function firstLayerLines(net: DenseNet): PlaneLine[] {
  if (net.inDim !== 2) throw new Error(`firstLayerLines: the network must take 2 inputs (restrict it to a plane first), got ${net.inDim}.`);
  const l = net.layers[0];
  const out: PlaneLine[] = [];
  let scale = 0;
  for (let j = 0; j < l.outDim; j++) scale = Math.max(scale, Math.hypot(l.w[j], l.w[l.outDim + j]));
  for (let j = 0; j < l.outDim; j++) {
    const a = l.w[j];
    const b = l.w[l.outDim + j];
    if (Math.hypot(a, b) <= 1e-12 * scale || (a === 0 && b === 0)) continue;
    out.push({ unit: j, a, b, c: l.b[j] });
  }
  return out;
}

/** Sum_{i=0}^{d} C(n, i): the most regions n hyperplanes can cut R^d into. */
export function zaslavskyBound(n: number, d = 2): number {
  let total = 0;
  let binom = 1;
  for (let i = 0; i <= Math.min(d, n); i++) {
    total += binom;
    binom = (binom * (n - i)) / (i + 1);
  }
  return total;
}

/** The part of a line inside the domain, or null when it misses it (Liang-Barsky on the parametrised line). */
export function clipLine(line: PlaneLine, d: Domain): [[number, number], [number, number]] | null {
  const { a, b, c } = line;
  const nn = a * a + b * b;
  // point on the line closest to the origin, and its direction
  const px = (-a * c) / nn;
  const py = (-b * c) / nn;
  const dx = -b;
  const dy = a;
  let t0 = -Infinity;
  let t1 = Infinity;
  const clip = (p: number, dir: number, lo: number, hi: number): boolean => {
    if (dir === 0) return p > lo && p < hi;
    let ta = (lo - p) / dir;
    let tb = (hi - p) / dir;
    if (ta > tb) [ta, tb] = [tb, ta];
    t0 = Math.max(t0, ta);
    t1 = Math.min(t1, tb);
    return t0 < t1;
  };
  if (!clip(px, dx, d.uMin, d.uMax) || !clip(py, dy, d.vMin, d.vMax)) return null;
  return [[px + t0 * dx, py + t0 * dy], [px + t1 * dx, py + t1 * dy]];
}

interface Normalised { a: number; b: number; c: number }

/** Unit normal with a fixed sign, so equal lines compare equal. */
function normalise(l: PlaneLine): Normalised {
  let s = 1 / Math.hypot(l.a, l.b);
  if (l.a < 0 || (l.a === 0 && l.b < 0)) s = -s;
  return { a: l.a * s, b: l.b * s, c: l.c * s };
}

/**
 * Exact number of regions of the arrangement, in the whole plane (no domain) or inside a window.
 * Lines equal up to `tol` are one line; intersection points closer than `tol` (relative to their size)
 * are one point.
 */
export function arrangementRegions(lines: PlaneLine[], domain?: Domain, tol = 1e-9): number {
  const distinct: Normalised[] = [];
  for (const l of lines.map(normalise)) {
    if (domain && !clipLine(l as PlaneLine, domain)) continue;
    if (!distinct.some((m) => Math.abs(m.a - l.a) < tol && Math.abs(m.b - l.b) < tol && Math.abs(m.c - l.c) < tol * (1 + Math.abs(l.c)))) distinct.push(l);
  }
  const points: { u: number; v: number; i: number; j: number }[] = [];
  for (let i = 0; i < distinct.length; i++) {
    for (let j = i + 1; j < distinct.length; j++) {
      const p = distinct[i];
      const q = distinct[j];
      const det = p.a * q.b - p.b * q.a;
      if (Math.abs(det) < tol) continue; // parallel
      const u = (p.b * q.c - q.b * p.c) / det;
      const v = (q.a * p.c - p.a * q.c) / det;
      if (domain && !(u > domain.uMin && u < domain.uMax && v > domain.vMin && v < domain.vMax)) continue;
      points.push({ u, v, i, j });
    }
  }
  // Group coincident points: sorted by u, a point joins the first group within tol of it.
  points.sort((x, y) => x.u - y.u);
  const groups: { u: number; v: number; lines: Set<number> }[] = [];
  let start = 0;
  for (const p of points) {
    const eps = tol * (1 + Math.abs(p.u) + Math.abs(p.v)) * 1e3;
    while (start < groups.length && groups[start].u < p.u - eps) start++;
    let g = groups.slice(start).find((x) => Math.abs(x.u - p.u) <= eps && Math.abs(x.v - p.v) <= eps);
    if (!g) { g = { u: p.u, v: p.v, lines: new Set() }; groups.push(g); }
    g.lines.add(p.i).add(p.j);
  }
  let regions = 1 + distinct.length;
  for (const g of groups) regions += g.lines.size - 1;
  return regions;
}
