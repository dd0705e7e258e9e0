/**
 * Fixed-radius neighbour search for Mapper's clusterers. Points are sorted along their widest
 * coordinate and each query scans only the window within eps along it (for PCA-reduced data the first
 * axes carry most of the spread, so the window is small), with early exit on the partial squared sum.
 * The final test is `sqrt(s) <= eps`, the same predicate as scikit-learn's radius neighbours.
 */

/** For each point, its neighbours within eps (including itself), as CSR: `offsets`, `indices`. */
export function radiusNeighbors(points: Float64Array, m: number, dim: number, eps: number): { offsets: Int32Array; indices: Int32Array } {
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
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => points[a * dim + axis] - points[b * dim + axis] || a - b);
  const key = new Float64Array(m);
  for (let r = 0; r < m; r++) key[r] = points[order[r] * dim + axis];
  const eps2 = eps * eps * (1 + 1e-12) + 1e-300;
  const lists: number[][] = Array.from({ length: m }, () => []);
  for (let r = 0; r < m; r++) {
    const i = order[r];
    lists[i].push(i);
    const oi = i * dim;
    for (let t = r + 1; t < m && key[t] - key[r] <= eps; t++) {
      const j = order[t];
      const oj = j * dim;
      let s = 0;
      let k = 0;
      for (; k < dim; k++) {
        const x = points[oi + k] - points[oj + k];
        s += x * x;
        if (s > eps2) break;
      }
      if (k === dim && Math.sqrt(s) <= eps) {
        lists[i].push(j);
        lists[j].push(i);
      }
    }
  }
  const offsets = new Int32Array(m + 1);
  for (let i = 0; i < m; i++) offsets[i + 1] = offsets[i] + lists[i].length;
  const indices = new Int32Array(offsets[m]);
  for (let i = 0; i < m; i++) {
    lists[i].sort((a, b) => a - b);
    indices.set(lists[i], offsets[i]);
  }
  return { offsets, indices };
}
