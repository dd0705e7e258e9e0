/**
 * Full eigen-decomposition of a dense symmetric (possibly indefinite) matrix: Householder reduction to
 * tridiagonal form, then the implicit QL algorithm with Wilkinson-type shifts (EISPACK tred2/tql2, the
 * route of JAMA and of LAPACK's dsteqr). O(m^3), accurate to machine precision, for the small matrices of
 * one study (m up to a few hundred) and as the reference the Lanczos solver is tested against.
 *
 * linalg/symmetricEigen.ts (cyclic Jacobi) is the same decomposition but needs ~10 sweeps of O(m^3) each:
 * fine for its 30 x 30 core problems, 20x slower here.
 */

export interface EigenPairs {
  /** Eigenvalues, sorted by |lambda| descending (ties: the positive one first). */
  values: Float64Array;
  /** Unit eigenvectors as rows: vectors[i * m + t] is component t of the eigenvector of values[i]. */
  vectors: Float64Array;
  /** How many pairs (rows of `vectors`). */
  k: number;
  m: number;
}

/**
 * All eigenpairs of the symmetric m x m matrix A (row-major; only symmetric input is meaningful).
 * `A` is not modified.
 */
export function fullSymmetricEigen(A: Float64Array, m: number): EigenPairs {
  if (A.length !== m * m) throw new Error(`eigen-decomposition: matrix has ${A.length} entries, expected ${m} x ${m}`);
  // V holds the matrix and then the accumulated transformations, row-major (V[i * m + j] = V_ij).
  const V = Float64Array.from(A);
  const d = new Float64Array(m);
  const e = new Float64Array(m);
  if (m > 0) {
    tred2(V, d, e, m);
    tql2(V, d, e, m);
  }
  // Columns of V are the eigenvectors; return them as rows, sorted by |lambda|.
  const order = sortByMagnitude(d);
  const values = new Float64Array(m);
  const vectors = new Float64Array(m * m);
  order.forEach((src, dst) => {
    values[dst] = d[src];
    for (let t = 0; t < m; t++) vectors[dst * m + t] = V[t * m + src];
  });
  return { values, vectors, k: m, m };
}

/** Indices sorting `values` by |value| descending, the positive first on ties, then by index (stable). */
export function sortByMagnitude(values: ArrayLike<number>): number[] {
  return Array.from({ length: values.length }, (_, i) => i).sort((a, b) => Math.abs(values[b]) - Math.abs(values[a]) || values[b] - values[a] || a - b);
}

/** Householder tridiagonalisation: d = diagonal, e = subdiagonal (e[0] = 0), V = the orthogonal transform. */
function tred2(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j];
  for (let i = n - 1; i > 0; i--) {
    // Scale to avoid under/overflow.
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      // Generate the Householder vector.
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // Apply the similarity transformation to the remaining columns.
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j * n + i] = f;
        g = e[j] + V[j * n + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k * n + j] * d[k];
          e[k] += V[k * n + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[k * n + j] -= f * e[k] + g * d[k];
        d[j] = V[(i - 1) * n + j];
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i];
    V[i * n + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k * n + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k * n + i + 1] * V[k * n + j];
        for (let k = 0; k <= i; k++) V[k * n + j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j];
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/**
 * Eigenvalues (into d) and eigenvectors (columns of V) of the symmetric tridiagonal matrix (d, e), with V
 * holding the transform that produced it (identity for a plain tridiagonal matrix).
 */
export function tql2(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    // Find a small subdiagonal element.
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    // If m === l, d[l] is an eigenvalue; otherwise iterate.
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new Error(`eigen-decomposition: QL iteration did not converge (eigenvalue ${l} of ${n})`);
        // Implicit shift.
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // Implicit QL transformation.
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          // Accumulate the transformation (columns i and i+1 of V).
          for (let k = 0; k < n; k++) {
            const row = k * n;
            h = V[row + i + 1];
            V[row + i + 1] = s * V[row + i] + c * h;
            V[row + i] = c * V[row + i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}
