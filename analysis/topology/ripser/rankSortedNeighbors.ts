/**
 * Every vertex's neighbours sorted by edge rank (dense storage): the entries of row w with rank < r are
 * a prefix, w's neighbours along the edges that enter before the r-th. Coboundary streams merge these rows
 * to enumerate cofacets in filtration order, and the H0 pass reads the prefixes to find apparent pairs
 * of edges. Costs 8 n^2 bytes, which is why both are limited to a few thousand points.
 */
import type { DenseRanks } from './edgeFiltration';

export interface RankSortedNeighbors {
  /** Row w (`byRankV[w * n ..]`): w's neighbours in increasing edge rank. */
  byRankV: Int32Array;
  /** The ranks of those edges, same layout. */
  byRankR: Int32Array;
  /** Number of neighbours of each vertex (the used length of its row). */
  degree: Int32Array;
}

export function rankSortedNeighbors(edges: DenseRanks): RankSortedNeighbors {
  const { n, edgeCount, uOfRank, vOfRank } = edges;
  const byRankV = new Int32Array(n * n);
  const byRankR = new Int32Array(n * n);
  const degree = new Int32Array(n);
  for (let r = 0; r < edgeCount; r++) {
    const u = uOfRank[r];
    const v = vOfRank[r];
    let p = u * n + degree[u]++;
    byRankV[p] = v;
    byRankR[p] = r;
    p = v * n + degree[v]++;
    byRankV[p] = u;
    byRankR[p] = r;
  }
  return { byRankV, byRankR, degree };
}
