/**
 * Combinatorial number system: a k-simplex with vertices v_k > ... > v_0 has index
 * sum_i C(v_i, i + 1). Indices of all simplices of one dimension are dense in [0, C(n, k+1)), so a
 * simplex is one number and its cofacets' indices follow by adding one binomial (Ripser's trick that
 * makes coboundaries implicit). Indices are float64 integers, exact below 2^53.
 *
 * The top dimension may go beyond 2^53 ("wide" indices, Ripser's 64-bit range): a simplex of the top
 * row is then held as a pair (top vertex, index of the rest), whose lexicographic order is the order of
 * the full index — indices with top vertex t fill [C(t, k+1), C(t+1, k+1)) — and whose parts stay exact
 * as long as C(n, maxK - 1) < 2^53. Only the last dimension's cofacets are in the top row, so every
 * other simplex keeps its single-number index and the common case pays nothing.
 */

/** Largest float64 integer below which every integer is exact. */
export const EXACT_LIMIT = 2 ** 53;
/** Ripser's limit (int64 indices, sign bit kept): indices must stay below 2^63. */
export const INDEX_LIMIT_64 = 2n ** 63n;

export class BinomialTable {
  /**
   * `rows[k][v] = C(v, k)` for v = 0..n+1. In a wide table the top row (k = maxK) is not exact and is
   * filled with NaN, so that any arithmetic on it that should have gone through the pair form shows.
   */
  readonly rows: Float64Array[];
  /** True when C(n, maxK) >= 2^53: the top row's simplices use (top vertex, rest) pairs. */
  readonly wide: boolean;

  constructor(
    readonly n: number,
    readonly maxK: number,
    /** Tests: use the pair form for the top row even when single numbers would be exact. */
    forceWide = false,
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
    this.wide = forceWide || !(top < EXACT_LIMIT);
    if (!this.wide) return;
    if (maxK < 2) throw new Error(`rips: C(${n}, ${maxK}) simplex indices exceed 2^53; use fewer points`);
    const rest = this.rows[maxK - 1][n];
    const exactTop = binomialBig(n, maxK);
    if (!(rest < EXACT_LIMIT) || exactTop >= INDEX_LIMIT_64) {
      throw new Error(
        `rips: C(${n}, ${maxK}) = ${exactTop} simplex indices are too large (the top dimension may exceed 2^53 only while ` +
          `C(n, ${maxK - 1}) stays below 2^53, and Ripser's own limit is 2^63); use fewer points or a lower dimension`,
      );
    }
    this.rows[maxK].fill(NaN);
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
    this.verticesBelow(idx, dim, this.n - 1, out, 0);
  }

  /**
   * Vertices of a wide simplex of dimension `dim` (top vertex `hi`, rest index `lo`) into
   * `out[0..dim]`, largest first.
   */
  verticesWide(hi: number, lo: number, dim: number, out: Int32Array): void {
    out[0] = hi;
    this.verticesBelow(lo, dim - 1, hi - 1, out, 1);
  }

  /** Decodes simplex `idx` of dimension `dim`, all vertices <= `top`, into `out[at..at+dim]`. */
  private verticesBelow(idx: number, dim: number, top: number, out: Int32Array, at: number): void {
    let v = top;
    for (let k = dim + 1; k > 0; k--) {
      v = this.maxVertex(idx, k, v);
      out[at + dim + 1 - k] = v;
      idx -= this.rows[k][v];
      v--;
    }
  }
}

/** C(n, k) exactly (BigInt): the reference for the table's range checks and for tests. */
export function binomialBig(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let c = 1n;
  for (let i = 1; i <= k; i++) c = (c * BigInt(n - k + i)) / BigInt(i);
  return c;
}

/** The full 64-bit index of a wide simplex with `k` vertices (top vertex `hi`, rest index `lo`). */
export function wideIndexBig(hi: number, lo: number, k: number): bigint {
  return binomialBig(hi, k) + BigInt(lo);
}
