/**
 * Pairwise distances as the edge ranking reads them: row u holds d(u, v) for every v < u (the rows of
 * the condensed lower-triangular matrix). Either views into a stored matrix, or, for a large Euclidean
 * point cloud, computed on demand into one scratch row, so the n(n-1)/2 float64s (67 MB for o3_4096,
 * 4,096 points) never exist at once; a row costs u * d multiply-adds, cheap for low-dimensional clouds
 * read twice (count, then collect).
 *
 * Computed rows are bit-identical to `condensedDistances` (analysis/linalg/distance.ts): each pair's sum
 * of squares is formed left to right over the coordinates, x_u - x_v, then one square root.
 */
export interface DistanceRows {
  readonly n: number;
  /** n(n-1)/2. */
  readonly pairs: number;
  /** d(u, v) for v = 0..u-1; valid until the next call. */
  row(u: number): Float64Array;
}

/** Rows of a condensed matrix (`dist[u(u-1)/2 + v]`), as views. */
export function matrixRows(dist: Float64Array, n: number): DistanceRows {
  return { n, pairs: dist.length, row: (u) => dist.subarray((u * (u - 1)) / 2, (u * (u + 1)) / 2) };
}

/** Euclidean rows of a row-major n x d cloud, computed per call into one scratch row. */
export function pointRows(data: Float64Array, n: number, d: number): DistanceRows {
  const scratch = new Float64Array(Math.max(n, 1));
  return {
    n,
    pairs: (n * (n - 1)) / 2,
    row: (u) => {
      euclideanRow(data, d, u, scratch);
      return scratch.subarray(0, u);
    },
  };
}

/** out[v] = |x_u - x_v| for v < u; four pairs at a time, each sum still formed left to right. */
function euclideanRow(data: Float64Array, d: number, u: number, out: Float64Array): void {
  const a = u * d;
  let v = 0;
  for (; v + 4 <= u; v += 4) {
    const b0 = v * d;
    const b1 = b0 + d;
    const b2 = b1 + d;
    const b3 = b2 + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < d; k++) {
      const x = data[a + k];
      const t0 = x - data[b0 + k];
      const t1 = x - data[b1 + k];
      const t2 = x - data[b2 + k];
      const t3 = x - data[b3 + k];
      s0 += t0 * t0;
      s1 += t1 * t1;
      s2 += t2 * t2;
      s3 += t3 * t3;
    }
    out[v] = Math.sqrt(s0);
    out[v + 1] = Math.sqrt(s1);
    out[v + 2] = Math.sqrt(s2);
    out[v + 3] = Math.sqrt(s3);
  }
  for (; v < u; v++) {
    const b = v * d;
    let s = 0;
    for (let k = 0; k < d; k++) {
      const t = data[a + k] - data[b + k];
      s += t * t;
    }
    out[v] = Math.sqrt(s);
  }
}

/** Enclosing radius min_u max_v d(u, v) (Ripser's default threshold), from the rows. */
export function enclosingRadiusOfRows(rows: DistanceRows): number {
  const { n } = rows;
  if (n <= 1) return 0;
  const rowMax = new Float64Array(n).fill(-Infinity);
  for (let u = 1; u < n; u++) foldRowMax(rows.row(u), u, rowMax);
  let r = Infinity;
  for (let i = 0; i < n; i++) if (rowMax[i] < r) r = rowMax[i];
  return r;
}

function foldRowMax(row: Float64Array, u: number, rowMax: Float64Array): void {
  let mu = rowMax[u];
  for (let v = 0; v < u; v++) {
    const x = row[v];
    if (x > mu) mu = x;
    if (x > rowMax[v]) rowMax[v] = x;
  }
  rowMax[u] = mu;
}
