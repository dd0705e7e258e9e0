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
    for (let r = 0; r < m; r++) this.key[r] = keys[order[r]];
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

  /** First rank r' >= 0 with key >= key[r] - eps (the window start for rank r). */
  windowStart(r: number): number {
    const k = this.key[r] - this.eps;
    let lo = 0;
    let hi = r;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.key[mid] < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
