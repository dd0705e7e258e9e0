/**
 * Fixed-radius neighbour queries for Mapper's clusterers. Points are sorted along their widest
 * coordinate; a query scans only the window within eps along it (for PCA-reduced data the first axes
 * carry most of the spread), with early exit on the partial squared sum. The final test is
 * `sqrt(s) <= eps`, the same predicate as scikit-learn's radius neighbours.
 */
import { columnRange } from '../../linalg/columnRange';

export class SortedPoints {
  /** Point indices sorted by the sweep coordinate. */
  readonly order: Int32Array;
  /** Sweep coordinate of `order[r]`. */
  readonly key: Float64Array;
  /** Rank of each point in `order`. */
  readonly rankOf: Int32Array;
  /**
   * Window half-width along the sweep coordinate: eps, slightly widened. A pair within eps differs by
   * |x| <= eps along the sweep axis in exact arithmetic, but `sqrt(fl(x * x))` may round an ulp below
   * |x|, so a window of exactly eps could drop a pair that the exact test accepts at a tie.
   */
  readonly reach: number;
  private readonly eps2: number;

  constructor(
    readonly points: Float64Array,
    readonly m: number,
    readonly dim: number,
    readonly eps: number,
  ) {
    if (!(eps >= 0)) throw new Error(`neighbour search: eps must be >= 0, got ${eps}`);
    let axis = 0;
    let widest = -1;
    for (let j = 0; j < dim; j++) {
      const { lo, hi } = columnRange(points, m, dim, j);
      if (hi - lo > widest) {
        widest = hi - lo;
        axis = j;
      }
    }
    const keys = new Float64Array(m);
    for (let i = 0; i < m; i++) keys[i] = points[i * dim + axis];
    const order = new Int32Array(m);
    for (let i = 0; i < m; i++) order[i] = i;
    order.sort((a, b) => keys[a] - keys[b] || a - b);
    this.order = order;
    this.key = new Float64Array(m);
    this.rankOf = new Int32Array(m);
    for (let r = 0; r < m; r++) {
      this.key[r] = keys[order[r]];
      this.rankOf[order[r]] = r;
    }
    this.reach = eps * (1 + 1e-12) + 1e-300;
    // Slightly loose early-exit bound; the exact test is done on sqrt(s).
    this.eps2 = eps * eps * (1 + 1e-12) + 1e-300;
  }

  /** Whether points i and j are within eps. */
  within(i: number, j: number): boolean {
    const { points, dim } = this;
    const oi = i * dim;
    const oj = j * dim;
    let s = 0;
    for (let k = 0; k < dim; k++) {
      const x = points[oi + k] - points[oj + k];
      s += x * x;
      if (s > this.eps2) return false;
    }
    return Math.sqrt(s) <= this.eps;
  }

  /** First rank r' with key[r] - key[r'] <= reach: where the window of rank r starts. */
  windowStart(r: number): number {
    const { key, reach } = this;
    const kr = key[r];
    let lo = 0;
    let hi = r;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (kr - key[mid] > reach) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * A subset of the ranks 0..m-1 that only shrinks, answering "smallest rank >= r still in the set" in
 * near-constant amortised time (skip pointers with path halving, as in union-find). Lets a breadth-first
 * search over eps-neighbourhoods scan only the points not reached yet: in a dense blob, where every
 * point's window holds the whole blob, the search then costs O(m) distance tests instead of O(m^2).
 */
export class ShrinkingRanks {
  /** next[r] === r while r is in the set; otherwise some larger rank to continue from. next[m] = m. */
  private readonly next: Int32Array;

  constructor(
    readonly m: number,
    inSet?: (rank: number) => boolean,
  ) {
    this.next = new Int32Array(m + 1);
    for (let r = 0; r <= m; r++) this.next[r] = r === m || !inSet || inSet(r) ? r : r + 1;
  }

  /** Smallest rank >= r still in the set, or m when none is left. */
  first(r: number): number {
    const next = this.next;
    while (next[r] !== r) {
      const up = next[next[r]];
      next[r] = up;
      r = up;
    }
    return r;
  }

  /** Removes rank r (must be in the set). */
  remove(r: number): void {
    this.next[r] = r + 1;
  }
}
