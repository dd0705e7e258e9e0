/**
 * The two small products that end a PCA (pca.ts): the Gram matrix of the Krylov image's columns and
 * the scores as weighted sums of those columns. Both are written for speed but keep every sum in the
 * order of the plain loop, so their values are bit for bit those of the plain loops.
 */

/**
 * G[i][j] = <C_i, C_j> for m columns of length n stored one after another. Four dot products share each
 * load of C_i and run as independent chains (a single running sum is bound by the add latency); every
 * dot product is still summed in index order, so the values are those of the plain loop.
 */
export function gramOfColumns(C: Float64Array, m: number, n: number): Float64Array {
  const G = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const oi = i * n;
    let j = 0;
    for (; j + 3 <= i; j += 4) {
      const o0 = j * n;
      const o1 = o0 + n;
      const o2 = o1 + n;
      const o3 = o2 + n;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < n; t++) {
        const x = C[oi + t];
        s0 += x * C[o0 + t];
        s1 += x * C[o1 + t];
        s2 += x * C[o2 + t];
        s3 += x * C[o3 + t];
      }
      G[i * m + j] = G[j * m + i] = s0;
      G[i * m + j + 1] = G[(j + 1) * m + i] = s1;
      G[i * m + j + 2] = G[(j + 2) * m + i] = s2;
      G[i * m + j + 3] = G[(j + 3) * m + i] = s3;
    }
    for (; j <= i; j++) {
      let s = 0;
      for (let t = 0, oj = j * n; t < n; t++) s += C[oi + t] * C[oj + t];
      G[i * m + j] = G[j * m + i] = s;
    }
  }
  return G;
}

/**
 * out[i * stride + c] = sum_j W[c][j] C_j[i] (j ascending, zero weights skipped) for c < count: the
 * scores from the Krylov image. Done over blocks of rows in a small buffer, so the strided writes into
 * the row-major output happen once per value instead of once per term, four columns per sweep of the
 * buffer (written left to right, so still one term at a time in j order): same sums as the plain loop.
 */
export function combineColumnsIntoRows(C: Float64Array, m: number, n: number, W: Float64Array, count: number, out: Float64Array, stride: number): void {
  const BLOCK = 512;
  const acc = new Float64Array(BLOCK);
  const used = new Int32Array(m);
  for (let c = 0; c < count; c++) {
    // The columns with a nonzero weight, in order (a zero term could turn a -0 sum into +0).
    let u = 0;
    for (let j = 0; j < m; j++) if (W[c * m + j] !== 0) used[u++] = j;
    for (let i0 = 0; i0 < n; i0 += BLOCK) {
      const len = Math.min(BLOCK, n - i0);
      acc.fill(0);
      let q = 0;
      for (; q + 3 < u; q += 4) {
        const [j0, j1, j2, j3] = [used[q], used[q + 1], used[q + 2], used[q + 3]];
        const [w0, w1, w2, w3] = [W[c * m + j0], W[c * m + j1], W[c * m + j2], W[c * m + j3]];
        const [o0, o1, o2, o3] = [j0 * n + i0, j1 * n + i0, j2 * n + i0, j3 * n + i0];
        for (let t = 0; t < len; t++) acc[t] = acc[t] + w0 * C[o0 + t] + w1 * C[o1 + t] + w2 * C[o2 + t] + w3 * C[o3 + t];
      }
      for (; q < u; q++) {
        const j = used[q];
        const w = W[c * m + j];
        const o = j * n + i0;
        for (let t = 0; t < len; t++) acc[t] += w * C[o + t];
      }
      for (let t = 0; t < len; t++) out[(i0 + t) * stride + c] = acc[t];
    }
  }
}
