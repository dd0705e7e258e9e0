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
import { euclideanRow } from '../../linalg/distance';

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
