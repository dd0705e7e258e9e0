/**
 * Fixed-radius neighbour queries for Mapper's clusterers. Points are sorted along their widest
 * coordinate; a query scans only the window within eps along it (for PCA-reduced data the first axes
 * carry most of the spread), with early exit on the partial squared sum. The final test is
 * `sqrt(s) <= eps`, the same predicate as scikit-learn's radius neighbours.
 */
export class SortedPoints {
  /** Point indices sorted by the sweep coordinate. */
  readonly order: Int32Array;
  /** Sweep coordinate of `order[r]`. */
  readonly key: Float64Array;
  /** Rank of each point in `order`. */
  readonly rankOf: Int32Array;
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
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < m; i++) {
        const v = points[i * dim + j];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
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

/** For each point, its neighbours within eps (including itself), as CSR: `offsets`, `indices`. */
export function radiusNeighbors(points: Float64Array, m: number, dim: number, eps: number): { offsets: Int32Array; indices: Int32Array } {
  const sp = new SortedPoints(points, m, dim, eps);
  const counts = new Int32Array(m + 1);
  const pairs: number[] = [];
  for (let r = 0; r < m; r++) {
    const i = sp.order[r];
    for (let t = r + 1; t < m && sp.key[t] - sp.key[r] <= eps; t++) {
      const j = sp.order[t];
      if (sp.within(i, j)) {
        pairs.push(i, j);
        counts[i + 1]++;
        counts[j + 1]++;
      }
    }
  }
  for (let i = 0; i < m; i++) counts[i + 1] += counts[i] + 1;
  const offsets = counts;
  const fill = offsets.slice(0, m);
  const indices = new Int32Array(offsets[m]);
  for (let i = 0; i < m; i++) indices[fill[i]++] = i;
  for (let p = 0; p < pairs.length; p += 2) {
    indices[fill[pairs[p]]++] = pairs[p + 1];
    indices[fill[pairs[p + 1]]++] = pairs[p];
  }
  for (let i = 0; i < m; i++) indices.subarray(offsets[i], offsets[i + 1]).sort();
  return { offsets, indices };
}
