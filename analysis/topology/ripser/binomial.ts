/**
 * Combinatorial number system: a k-simplex with vertices v_k > ... > v_0 has index
 * sum_i C(v_i, i + 1). Indices of all simplices of one dimension are dense in [0, C(n, k+1)), so a
 * simplex is one number and its cofacets' indices follow by adding one binomial (Ripser's trick that
 * makes coboundaries implicit). Indices are float64 integers, exact below 2^53.
 */
export class BinomialTable {
  /** `rows[k][v] = C(v, k)` for v = 0..n. */
  readonly rows: Float64Array[];

  constructor(
    readonly n: number,
    readonly maxK: number,
  ) {
    this.rows = [];
    for (let k = 0; k <= maxK; k++) this.rows.push(new Float64Array(n + 2));
    for (let v = 0; v <= n + 1; v++) {
      for (let k = 0; k <= maxK; k++) {
        if (k === 0 || k === v) this.rows[k][v] = 1;
        else if (k > v) this.rows[k][v] = 0;
        else this.rows[k][v] = this.rows[k - 1][v - 1] + this.rows[k][v - 1];
      }
    }
    const top = this.rows[maxK][n];
    if (!(top < 2 ** 53)) {
      throw new Error(`rips: C(${n}, ${maxK}) = ${top} simplex indices exceed 2^53; use fewer points or a lower dimension`);
    }
  }

  /** Largest v in [k-1, top] with C(v, k) <= idx (binary search, as Ripser's get_max_vertex). */
  maxVertex(idx: number, k: number, top: number): number {
    const row = this.rows[k];
    if (row[top] <= idx) return top;
    let lo = k - 1; // C(k-1, k) = 0 <= idx always
    let hi = top; // C(hi, k) > idx
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (row[mid] <= idx) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** Writes the vertices of simplex `idx` of dimension `dim` into `out[0..dim]`, largest first. */
  vertices(idx: number, dim: number, out: Int32Array): void {
    let v = this.n - 1;
    for (let k = dim + 1; k > 0; k--) {
      v = this.maxVertex(idx, k, v);
      out[dim + 1 - k] = v;
      idx -= this.rows[k][v];
      v--;
    }
  }
}
