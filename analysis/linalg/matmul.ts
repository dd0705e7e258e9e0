/**
 * The two dense products randomized PCA needs, written for V8: register-blocked (2 rows x 4 columns)
 * loops over `Float64Array`s, which run ~3x faster than the naive triple loop because each loaded
 * value feeds several multiply-adds.
 *
 * Layouts: `A` is row-major n x d (the data). "Panels" of l vectors of length d or n are stored one
 * vector after another (`W[j * d + k]`), i.e. transposed/column-major, so each vector is contiguous.
 */

/**
 * `out[j * n + i] = <A_i, W_j> - shift[j]` for i < n, j < m: the product A W^T written as m columns
 * of length n. `shift` (length m, optional) implements implicit centering: <A_i - mu, W_j> =
 * <A_i, W_j> - <mu, W_j>.
 */
export function multiplyRowsByPanel(
  A: Float64Array,
  n: number,
  d: number,
  W: Float64Array,
  m: number,
  out: Float64Array,
  shift?: Float64Array,
): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const xa = i * d;
    const xb = xa + d;
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      const o0 = j * d;
      const o1 = o0 + d;
      const o2 = o1 + d;
      const o3 = o2 + d;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let k = 0; k < d; k++) {
        const x = A[xa + k];
        const y = A[xb + k];
        const p = W[o0 + k];
        const q = W[o1 + k];
        const r = W[o2 + k];
        const s = W[o3 + k];
        a0 += x * p;
        a1 += x * q;
        a2 += x * r;
        a3 += x * s;
        b0 += y * p;
        b1 += y * q;
        b2 += y * r;
        b3 += y * s;
      }
      out[j * n + i] = a0;
      out[(j + 1) * n + i] = a1;
      out[(j + 2) * n + i] = a2;
      out[(j + 3) * n + i] = a3;
      out[j * n + i + 1] = b0;
      out[(j + 1) * n + i + 1] = b1;
      out[(j + 2) * n + i + 1] = b2;
      out[(j + 3) * n + i + 1] = b3;
    }
    for (; j < m; j++) {
      const o = j * d;
      let a = 0;
      let b = 0;
      for (let k = 0; k < d; k++) {
        a += A[xa + k] * W[o + k];
        b += A[xb + k] * W[o + k];
      }
      out[j * n + i] = a;
      out[j * n + i + 1] = b;
    }
  }
  for (; i < n; i++) {
    const xa = i * d;
    for (let j = 0; j < m; j++) {
      const o = j * d;
      let a = 0;
      for (let k = 0; k < d; k++) a += A[xa + k] * W[o + k];
      out[j * n + i] = a;
    }
  }
  if (shift) subtractShifts(out, n, m, shift);
}

/** `out[j * n + i] -= shift[j]`: implicit centering of m columns of length n (see multiplyRowsByPanel). */
export function subtractShifts(out: Float64Array, n: number, m: number, shift: Float64Array): void {
  for (let j = 0; j < m; j++) {
    const s = shift[j];
    for (let t = j * n, end = t + n; t < end; t++) out[t] -= s;
  }
}

/**
 * `out[j * d + k] = sum_i Q[j * n + i] * A[i * d + k]`: the product Q^T A for a panel Q of m columns
 * of length n, giving m vectors of length d.
 */
export function multiplyPanelByRows(A: Float64Array, n: number, d: number, Q: Float64Array, m: number, out: Float64Array): void {
  out.fill(0, 0, m * d);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const xa = i * d;
    const xb = xa + d;
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      const a0 = Q[j * n + i];
      const a1 = Q[(j + 1) * n + i];
      const a2 = Q[(j + 2) * n + i];
      const a3 = Q[(j + 3) * n + i];
      const b0 = Q[j * n + i + 1];
      const b1 = Q[(j + 1) * n + i + 1];
      const b2 = Q[(j + 2) * n + i + 1];
      const b3 = Q[(j + 3) * n + i + 1];
      const o0 = j * d;
      const o1 = o0 + d;
      const o2 = o1 + d;
      const o3 = o2 + d;
      for (let k = 0; k < d; k++) {
        const x = A[xa + k];
        const y = A[xb + k];
        out[o0 + k] += a0 * x + b0 * y;
        out[o1 + k] += a1 * x + b1 * y;
        out[o2 + k] += a2 * x + b2 * y;
        out[o3 + k] += a3 * x + b3 * y;
      }
    }
    for (; j < m; j++) {
      const a = Q[j * n + i];
      const b = Q[j * n + i + 1];
      const o = j * d;
      for (let k = 0; k < d; k++) out[o + k] += a * A[xa + k] + b * A[xb + k];
    }
  }
  for (; i < n; i++) {
    const xa = i * d;
    for (let j = 0; j < m; j++) {
      const a = Q[j * n + i];
      const o = j * d;
      for (let k = 0; k < d; k++) out[o + k] += a * A[xa + k];
    }
  }
}
