/**
 * Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method: slow (O(m^3) per sweep)
 * but simple, deterministic and accurate to machine precision, which is what the l x l core problem of
 * randomized PCA (l ~ 30) needs.
 *
 * Returns eigenvalues in decreasing order and the matching unit eigenvectors as rows
 * (`vectors[i * m + t]`).
 */
export function symmetricEigen(matrix: Float64Array, m: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(m * m);
  for (let i = 0; i < m; i++) v[i * m + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        const x = a[i * m + j] * a[i * m + j];
        total += x;
        if (i !== j) off += x;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < m - 1; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = a[p * m + q];
        if (apq === 0) continue;
        const app = a[p * m + p];
        const aqq = a[q * m + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = a[k * m + p];
          const akq = a[k * m + q];
          a[k * m + p] = c * akp - s * akq;
          a[k * m + q] = s * akp + c * akq;
        }
        rotateRows(a, m, p, q, c, s);
        rotateRows(v, m, p, q, c, s);
      }
    }
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((x, y) => a[y * m + y] - a[x * m + x] || x - y);
  const values = new Float64Array(m);
  const vectors = new Float64Array(m * m);
  order.forEach((src, dst) => {
    values[dst] = a[src * m + src];
    vectors.set(v.subarray(src * m, src * m + m), dst * m);
  });
  return { values, vectors };
}

/** Rows p and q of the m x m matrix X become c row_p - s row_q and s row_p + c row_q (a Givens rotation). */
function rotateRows(X: Float64Array, m: number, p: number, q: number, c: number, s: number): void {
  for (let k = 0; k < m; k++) {
    const xp = X[p * m + k];
    const xq = X[q * m + k];
    X[p * m + k] = c * xp - s * xq;
    X[q * m + k] = s * xp + c * xq;
  }
}
