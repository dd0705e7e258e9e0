/**
 * "Fit eps to this run": the DBSCAN radius from the elbow of the sorted k-distance curve (Ester et al.
 * 1996's heuristic), because the paper's eps (0.1 / 0.2 / 0.5) are tuned to its weight scales.
 *
 * k = 2 dim - 1 in the PCA space Mapper clusters in (dim = 20: k = 39), the rule of Sander et al. 1998
 * (minPts = 2 dim, restated by Schubert et al. 2017, "DBSCAN revisited"). WHY not k = minSamples - 1: on
 * weight trajectories the nearest neighbour is the same neuron one checkpoint away, so the 1-NN elbow sits
 * below the fast late-training moves (0.0028 on gabella-tiny's first layer) and DBSCAN then cuts the
 * trajectories into hundreds of components; the 39-NN elbow is the scale of a bundle of trajectories
 * (gabella-tiny: 0.106 / 0.064 / 0.370 for the paper's 0.1 / 0.2 / 0.5, graphs 164/161, 131/122, 88/86
 * against 171/168, 86/85, 83/81 with the paper's values). Exact duplicates are skipped (our choice): neurons that
 * never separated (zero init) coincide, and their zero distances say nothing about the radius.
 *
 * The curve is measured on an evenly strided sample of the points (all of them when there are few),
 * against every point. The elbow is the point of the sorted curve farthest below the chord from its first to
 * its last value, both axes scaled to [0, 1].
 */

/**
 * Distance from each query point to its k-th nearest other point (Euclidean), exact. Points are swept in
 * order of their first coordinate (the leading PCA axis), scanning outwards until the gap along it alone
 * exceeds the current k-th best. With `distinct`, points at distance 0 (duplicates) are not neighbours;
 * a query with fewer than k distinct neighbours gets Infinity.
 */
export function kthNeighbourDistances(points: Float64Array, n: number, dim: number, k: number, queries: ArrayLike<number>, distinct = false): Float64Array {
  if (points.length !== n * dim) throw new Error(`k-distance: ${points.length} values for ${n} points of dimension ${dim}`);
  if (!Number.isInteger(k) || k < 1) throw new Error(`k-distance: k must be a positive integer, got ${k}`);
  if (n - 1 < k) throw new Error(`k-distance: ${n} points have no ${k}-th neighbour`);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => points[a * dim] - points[b * dim] || a - b);
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[order[r]] = r;
  const best = new Float64Array(k);
  const out = new Float64Array(queries.length);
  for (let qi = 0; qi < queries.length; qi++) {
    const q = queries[qi];
    const oq = q * dim;
    const key = points[oq];
    best.fill(Infinity);
    let lo = rank[q] - 1;
    let hi = rank[q] + 1;
    for (;;) {
      const gapLo = lo >= 0 ? key - points[order[lo] * dim] : Infinity;
      const gapHi = hi < n ? points[order[hi] * dim] - key : Infinity;
      const fromLo = gapLo <= gapHi;
      const gap = fromLo ? gapLo : gapHi;
      if (!(gap * gap <= best[k - 1])) break;
      const j = order[fromLo ? lo-- : hi++];
      const oj = j * dim;
      let s = 0;
      for (let t = 0; t < dim && s < best[k - 1]; t++) {
        const x = points[oq + t] - points[oj + t];
        s += x * x;
      }
      if (s < best[k - 1] && (s > 0 || !distinct)) {
        let p = k - 1;
        while (p > 0 && best[p - 1] > s) { best[p] = best[p - 1]; p--; }
        best[p] = s;
      }
    }
    out[qi] = Math.sqrt(best[k - 1]);
  }
  return out;
}

/** Index of the elbow of an ascending curve (see the file comment); 0 for fewer than 3 values or a flat curve. */
export function elbowIndex(sorted: ArrayLike<number>): number {
  const m = sorted.length;
  if (m < 3) return 0;
  const y0 = sorted[0];
  const range = sorted[m - 1] - y0;
  if (!(range > 0)) return 0;
  let best = 0;
  let bestGap = -Infinity;
  for (let i = 0; i < m; i++) {
    if (i > 0 && sorted[i] < sorted[i - 1]) throw new Error(`elbow: the k-distance curve must be ascending (value ${i} is below value ${i - 1})`);
    const gap = i / (m - 1) - (sorted[i] - y0) / range;
    if (gap > bestGap) { bestGap = gap; best = i; }
  }
  return best;
}

/** Evenly strided sample of `size` indices out of n (all of them when n <= size). */
export function strideSample(n: number, size: number): Int32Array {
  if (n <= size) return Int32Array.from({ length: n }, (_, i) => i);
  return Int32Array.from({ length: size }, (_, i) => Math.floor((i * n) / size));
}

export const FIT_EPS_SAMPLE = 2000;

/** The k of the k-distance curve for points of dimension `dim` (see the file comment). */
export function fitEpsK(dim: number): number {
  return 2 * dim - 1;
}

/** Suggested eps for the cloud (PCA scores): the elbow of its sampled k-distance curve (k: see fitEpsK). */
export function fitEps(points: Float64Array, n: number, dim: number, k = Math.min(fitEpsK(dim), n - 1), sample = FIT_EPS_SAMPLE): { eps: number; k: number; kDistances: Float64Array; elbowIndex: number } {
  const kDistances = kthNeighbourDistances(points, n, dim, k, strideSample(n, sample), true).filter(Number.isFinite).sort();
  if (kDistances.length === 0) throw new Error(`fit eps: the layer's points have fewer than ${k + 1} distinct positions (they never moved apart): no radius to fit; set eps by hand`);
  const elbow = elbowIndex(kDistances);
  const eps = kDistances[elbow];
  return { eps, k, kDistances, elbowIndex: elbow };
}
