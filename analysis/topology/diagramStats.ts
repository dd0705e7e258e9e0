/**
 * Scalar and curve summaries of a persistence diagram: what the UI plots next to a barcode and what the
 * TO-score (SPEC section B) is built from.
 */
import type { PersistenceBar } from './diagram';

/**
 * Total persistence sum (death - birth)^p over the finite bars of `dim` (all dims when omitted).
 * Essential bars are excluded: their length is infinite.
 */
export function totalPersistence(bars: readonly PersistenceBar[], p = 1, dim?: number): number {
  let s = 0;
  for (const b of bars) {
    if (dim !== undefined && b.dim !== dim) continue;
    if (b.death === Infinity) continue;
    const l = b.death - b.birth;
    if (l > 0) s += p === 1 ? l : Math.pow(l, p);
  }
  return s;
}

/** Longest finite bar of `dim` (0 if none). */
export function maxPersistence(bars: readonly PersistenceBar[], dim?: number): number {
  let m = 0;
  for (const b of bars) {
    if ((dim === undefined || b.dim === dim) && b.death !== Infinity && b.death - b.birth > m) m = b.death - b.birth;
  }
  return m;
}

/**
 * Betti curve: for each t in `grid`, the number of bars of dimension `dim` alive at t, i.e. with
 * birth <= t < death (half-open, the convention of persistence modules of sublevel filtrations).
 */
export function bettiCurve(bars: readonly PersistenceBar[], dim: number, grid: ArrayLike<number>): Int32Array {
  const out = new Int32Array(grid.length);
  for (const b of bars) {
    if (b.dim !== dim) continue;
    for (let i = 0; i < grid.length; i++) if (b.birth <= grid[i] && grid[i] < b.death) out[i]++;
  }
  return out;
}

/** `count` evenly spaced values from `lo` to `hi` inclusive (a grid for `bettiCurve`). */
export function linspace(lo: number, hi: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = count === 1 ? lo : lo + ((hi - lo) * i) / (count - 1);
  return out;
}
