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
import { radiusNeighbors } from './neighbors';

export type ClustererSpec = { method: 'dbscan'; eps: number; minSamples: number } | { method: 'single-linkage'; cut: number };

export function dbscan(points: Float64Array, m: number, dim: number, eps: number, minSamples: number): Int32Array {
  if (!(eps > 0)) throw new Error(`DBSCAN: eps must be > 0, got ${eps}`);
  if (!Number.isInteger(minSamples) || minSamples < 1) throw new Error(`DBSCAN: min_samples must be a positive integer, got ${minSamples}`);
  const { offsets, indices } = radiusNeighbors(points, m, dim, eps);
  const core = new Uint8Array(m);
  for (let i = 0; i < m; i++) if (offsets[i + 1] - offsets[i] >= minSamples) core[i] = 1;
  const labels = new Int32Array(m).fill(-1);
  let next = 0;
  const stack: number[] = [];
  for (let start = 0; start < m; start++) {
    if (labels[start] !== -1 || !core[start]) continue;
    let i = start;
    for (;;) {
      if (labels[i] === -1) {
        labels[i] = next;
        if (core[i]) {
          for (let t = offsets[i]; t < offsets[i + 1]; t++) if (labels[indices[t]] === -1) stack.push(indices[t]);
        }
      }
      if (stack.length === 0) break;
      i = stack.pop()!;
    }
    next++;
  }
  return labels;
}

export function singleLinkage(points: Float64Array, m: number, dim: number, cut: number): Int32Array {
  if (!(cut >= 0)) throw new Error(`single linkage: cut height must be >= 0, got ${cut}`);
  const { offsets, indices } = radiusNeighbors(points, m, dim, cut);
  const uf = new UnionFind(m);
  for (let i = 0; i < m; i++) for (let t = offsets[i]; t < offsets[i + 1]; t++) uf.linkRoots(uf.find(i), uf.find(indices[t]));
  const labels = new Int32Array(m).fill(-1);
  const labelOfRoot = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    const r = uf.find(i);
    let l = labelOfRoot.get(r);
    if (l === undefined) {
      l = labelOfRoot.size;
      labelOfRoot.set(r, l);
    }
    labels[i] = l;
  }
  return labels;
}

/** Runs the clusterer described by `spec`. */
export function runClusterer(spec: ClustererSpec, points: Float64Array, m: number, dim: number): Int32Array {
  if (spec.method === 'dbscan') return dbscan(points, m, dim, spec.eps, spec.minSamples);
  if (spec.method === 'single-linkage') return singleLinkage(points, m, dim, spec.cut);
  throw new Error(`mapper: unknown clustering method "${(spec as { method: string }).method}"`);
}
