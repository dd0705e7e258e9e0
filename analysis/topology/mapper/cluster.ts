/**
 * Clusterers applied to the points of each cover element. Both return one label per point
 * (0, 1, 2, ... in order of discovery; -1 = noise) and are deterministic for a given point order.
 *
 * - DBSCAN with scikit-learn's semantics: a point is core when at least `minSamples` points (itself
 *   included) lie within distance <= eps; clusters are the eps-connected components of core points plus
 *   the border points they reach, labelled in order of the first core point met when scanning points
 *   in index order; a border point reachable from two clusters joins the first one. Other points are
 *   noise (-1) and do not become Mapper nodes. (SPEC section A: eps 0.1/0.2/0.5, min_samples 2.)
 * - Single linkage cut at height t: the connected components of the graph joining points at distance
 *   <= t — the flat clusters of scipy's `fcluster(linkage(X, 'single'), t, 'distance')`; no noise.
 */
import { ShrinkingRanks, SortedPoints } from './neighbors';

export type ClustererSpec = { method: 'dbscan'; eps: number; minSamples: number } | { method: 'single-linkage'; cut: number };

/**
 * Connected components of the eps-graph among the points accepted by `isMember` (by point index),
 * numbered 0, 1, ... in order of each component's smallest index; others get -1. Breadth-first search
 * from members in index order; each query scans only the members its window holds that no search has
 * reached yet (ShrinkingRanks), so a dense blob costs a linear number of distance tests, not quadratic.
 */
function epsComponents(sp: SortedPoints, isMember: (i: number) => boolean): { label: Int32Array; count: number } {
  const { order, key, rankOf, reach, m } = sp;
  const label = new Int32Array(m).fill(-1);
  const unreached = new ShrinkingRanks(m, (r) => isMember(order[r]));
  const queue = new Int32Array(m);
  let count = 0;
  for (let s = 0; s < m; s++) {
    if (label[s] >= 0 || !isMember(s)) continue;
    const c = count++;
    label[s] = c;
    unreached.remove(rankOf[s]);
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    while (head < tail) {
      const i = queue[head++];
      const r = rankOf[i];
      const kr = key[r];
      for (let t = unreached.first(sp.windowStart(r)); t < m && key[t] - kr <= reach; t = unreached.first(t + 1)) {
        const j = order[t];
        if (sp.within(i, j)) {
          label[j] = c;
          unreached.remove(t);
          queue[tail++] = j;
        }
      }
    }
  }
  return { label, count };
}

/**
 * DBSCAN without materialising neighbourhoods (dense regions of weight trajectories would make them
 * quadratic): core flags by counting neighbours up to `minSamples`; clusters as the eps-components of
 * core points (epsComponents), numbered by their smallest core index — the order in which scikit-learn's
 * scan starts them; each border point joins the cluster, among those of its core neighbours, that the
 * scan would have started first (the smallest label). A non-core point with no neighbour at all is noise
 * without a search (with min_samples <= 2 that is every non-core point).
 */
export function dbscan(points: Float64Array, m: number, dim: number, eps: number, minSamples: number): Int32Array {
  if (!(eps > 0)) throw new Error(`DBSCAN: eps must be > 0, got ${eps}`);
  if (!Number.isInteger(minSamples) || minSamples < 1) throw new Error(`DBSCAN: min_samples must be a positive integer, got ${minSamples}`);
  const sp = new SortedPoints(points, m, dim, eps);
  const { order, key, reach } = sp;
  const core = new Uint8Array(m);
  const lonely = new Uint8Array(m);
  for (let r = 0; r < m; r++) {
    const i = order[r];
    let count = 1;
    for (let t = r + 1; t < m && count < minSamples && key[t] - key[r] <= reach; t++) if (sp.within(i, order[t])) count++;
    for (let t = r - 1; t >= 0 && count < minSamples && key[r] - key[t] <= reach; t--) if (sp.within(i, order[t])) count++;
    if (count >= minSamples) core[i] = 1;
    else if (count === 1) lonely[i] = 1;
  }
  const { label } = epsComponents(sp, (i) => core[i] === 1);
  // Border points: scan the window's core points only (next core rank at or after each rank).
  const nextCore = new Int32Array(m + 1);
  nextCore[m] = m;
  for (let r = m - 1; r >= 0; r--) nextCore[r] = core[order[r]] ? r : nextCore[r + 1];
  const labels = Int32Array.from(label);
  for (let r = 0; r < m; r++) {
    const i = order[r];
    if (core[i] || lonely[i]) continue;
    let best = -1;
    for (let t = nextCore[sp.windowStart(r)]; t < m && key[t] - key[r] <= reach; t = nextCore[t + 1]) {
      const j = order[t];
      if (best >= 0 && label[j] >= best) continue;
      if (sp.within(i, j)) best = label[j];
    }
    labels[i] = best;
  }
  return labels;
}

/** Single linkage cut at `cut`: the eps-components of all points at eps = cut. */
export function singleLinkage(points: Float64Array, m: number, dim: number, cut: number): Int32Array {
  if (!(cut >= 0)) throw new Error(`single linkage: cut height must be >= 0, got ${cut}`);
  return epsComponents(new SortedPoints(points, m, dim, cut), () => true).label;
}

/** Runs the clusterer described by `spec`. */
export function runClusterer(spec: ClustererSpec, points: Float64Array, m: number, dim: number): Int32Array {
  if (spec.method === 'dbscan') return dbscan(points, m, dim, spec.eps, spec.minSamples);
  if (spec.method === 'single-linkage') return singleLinkage(points, m, dim, spec.cut);
  throw new Error(`mapper: unknown clustering method "${(spec as { method: string }).method}"`);
}
