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
import { UnionFind } from '../unionFind';
import { SortedPoints } from './neighbors';

export type ClustererSpec = { method: 'dbscan'; eps: number; minSamples: number } | { method: 'single-linkage'; cut: number };

/**
 * DBSCAN without materialising neighbourhoods (dense regions of weight trajectories would make them
 * quadratic): core flags by counting neighbours up to `minSamples`; clusters as union-find components
 * of core points (pairs already in one component are not even measured); each border point joins the
 * cluster, among those of its core neighbours, that scikit-learn's scan would have started first — the
 * one whose smallest core index is smallest. Labels are numbered in that start order.
 */
export function dbscan(points: Float64Array, m: number, dim: number, eps: number, minSamples: number): Int32Array {
  if (!(eps > 0)) throw new Error(`DBSCAN: eps must be > 0, got ${eps}`);
  if (!Number.isInteger(minSamples) || minSamples < 1) throw new Error(`DBSCAN: min_samples must be a positive integer, got ${minSamples}`);
  const sp = new SortedPoints(points, m, dim, eps);
  const { order, key } = sp;
  const core = new Uint8Array(m);
  for (let r = 0; r < m; r++) {
    const i = order[r];
    let count = 1;
    for (let t = r + 1; t < m && count < minSamples && key[t] - key[r] <= eps; t++) if (sp.within(i, order[t])) count++;
    for (let t = r - 1; t >= 0 && count < minSamples && key[r] - key[t] <= eps; t--) if (sp.within(i, order[t])) count++;
    if (count >= minSamples) core[i] = 1;
  }
  const uf = new UnionFind(m);
  for (let r = 0; r < m; r++) {
    const i = order[r];
    if (!core[i]) continue;
    let ri = uf.find(i);
    for (let t = r + 1; t < m && key[t] - key[r] <= eps; t++) {
      const j = order[t];
      if (!core[j]) continue;
      const rj = uf.find(j);
      if (ri !== rj && sp.within(i, j)) ri = uf.linkRoots(ri, rj);
    }
  }
  // Start index of each cluster = its smallest core point.
  const start = new Int32Array(m).fill(m);
  for (let i = 0; i < m; i++) if (core[i]) start[uf.find(i)] = Math.min(start[uf.find(i)], i);
  const clusterStart = new Int32Array(m).fill(-1);
  for (let i = 0; i < m; i++) {
    if (core[i]) clusterStart[i] = start[uf.find(i)];
  }
  for (let r = 0; r < m; r++) {
    const i = order[r];
    if (core[i]) continue;
    let best = m;
    for (let t = sp.windowStart(r); t < m && key[t] - key[r] <= eps; t++) {
      const j = order[t];
      if (!core[j] || clusterStart[j] >= best) continue;
      if (sp.within(i, j)) best = clusterStart[j];
    }
    if (best < m) clusterStart[i] = best;
  }
  // Labels in start order.
  const labelOfStart = new Int32Array(m).fill(-1);
  let next = 0;
  for (let i = 0; i < m; i++) if (core[i] && start[uf.find(i)] === i) labelOfStart[i] = next++;
  const labels = new Int32Array(m).fill(-1);
  for (let i = 0; i < m; i++) if (clusterStart[i] >= 0) labels[i] = labelOfStart[clusterStart[i]];
  return labels;
}

/** Single linkage cut at `cut`: union-find over pairs within `cut` (pairs already joined are skipped). */
export function singleLinkage(points: Float64Array, m: number, dim: number, cut: number): Int32Array {
  if (!(cut >= 0)) throw new Error(`single linkage: cut height must be >= 0, got ${cut}`);
  const sp = new SortedPoints(points, m, dim, cut);
  const { order, key } = sp;
  const uf = new UnionFind(m);
  for (let r = 0; r < m; r++) {
    const i = order[r];
    let ri = uf.find(i);
    for (let t = r + 1; t < m && key[t] - key[r] <= cut; t++) {
      const j = order[t];
      const rj = uf.find(j);
      if (ri !== rj && sp.within(i, j)) ri = uf.linkRoots(ri, rj);
    }
  }
  return uf.componentLabels().labelOf;
}

/** Runs the clusterer described by `spec`. */
export function runClusterer(spec: ClustererSpec, points: Float64Array, m: number, dim: number): Int32Array {
  if (spec.method === 'dbscan') return dbscan(points, m, dim, spec.eps, spec.minSamples);
  if (spec.method === 'single-linkage') return singleLinkage(points, m, dim, spec.cut);
  throw new Error(`mapper: unknown clustering method "${(spec as { method: string }).method}"`);
}
