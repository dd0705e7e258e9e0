/**
 * The sampling method of SPEC B step 5 (BarcodeCalc, grag90/BarcodeCalc): sample points, join each to its
 * k nearest neighbours, and take the 0-dimensional sublevel persistence of the sampled values on that graph
 * with the topology engine (topology/sublevel.ts: a point with no lower neighbour starts a bar, merging two
 * components kills the one with the higher minimum). Each bar also gets the size of its basin: the number of
 * samples in the dying component just below its death value (for the global minimum: every sample).
 *
 * An approximation of the function's barcode: sampling noise adds short bars (spurious local minima of the
 * k-NN graph); real minima show as long bars.
 */
import { sublevelPersistence0 } from '../../topology/sublevel';
import { UnionFind } from '../../topology/unionFind';
import { knnGraphEdges } from '../../linalg/knnGraph';

export interface SublevelBar {
  birth: number;
  /** Infinity for the component of the global minimum. */
  death: number;
  /** Sample index of the bar's minimum. */
  minimum: number;
  /** Samples in the basin when it dies. */
  basinSize: number;
}

/**
 * The edges in lower-star order (by max(f(u), f(v)), ties by the higher vertex's rank): an edge enters with its
 * higher vertex, so a counting sort by that vertex's rank does it in O(n + m) after one sort of the n
 * vertices. Handing the engine presorted edges also makes its own (stable, adaptive) sort nearly linear.
 */
function lowerStarOrder(values: Float64Array, edges: Uint32Array): Uint32Array {
  const n = values.length;
  const m = edges.length >> 1;
  const byValue = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[byValue[r]] = r;
  const start = new Int32Array(n + 1);
  const top = new Int32Array(m);
  for (let e = 0; e < m; e++) {
    top[e] = Math.max(rank[edges[2 * e]], rank[edges[2 * e + 1]]);
    start[top[e] + 1]++;
  }
  for (let r = 0; r < n; r++) start[r + 1] += start[r];
  const sorted = new Uint32Array(2 * m);
  for (let e = 0; e < m; e++) {
    const at = start[top[e]]++;
    sorted[2 * at] = edges[2 * e];
    sorted[2 * at + 1] = edges[2 * e + 1];
  }
  return sorted;
}

/** Basin size of each finite bar: edges (in lower-star order) strictly below the death value joined, size of the minimum's component. */
function basinSizes(values: Float64Array, edges: Uint32Array, bars: { minimum: number; death: number }[]): number[] {
  const n = values.length;
  const m = edges.length >> 1;
  const uf = new UnionFind(n);
  const size = new Int32Array(n).fill(1);
  const byDeath = bars.map((_, i) => i).sort((a, b) => bars[a].death - bars[b].death);
  const out = new Array<number>(bars.length).fill(n);
  let e = 0;
  for (const bi of byDeath) {
    const { death, minimum } = bars[bi];
    if (death === Infinity) continue;
    while (e < m && Math.max(values[edges[2 * e]], values[edges[2 * e + 1]]) < death) {
      const a = uf.find(edges[2 * e]);
      const b = uf.find(edges[2 * e + 1]);
      if (a !== b) {
        const r = uf.linkRoots(a, b);
        size[r] = size[a] + size[b];
      }
      e++;
    }
    out[bi] = size[uf.find(minimum)];
  }
  return out;
}

/** Bars sorted by birth; `points` is n x d row-major, `values[i]` the function at point i. */
export function knnSublevelBarcode(points: Float64Array, values: Float64Array, n: number, d: number, k: number): SublevelBar[] {
  if (values.length !== n) throw new Error(`k-NN sublevel: ${values.length} values for ${n} samples`);
  if (n < 1) throw new Error('k-NN sublevel: no samples');
  const edges = lowerStarOrder(values, knnGraphEdges(points, n, d, k));
  const raw = sublevelPersistence0(values, edges).map((b) => ({ birth: b.birth, death: b.death, minimum: b.birthSimplex[0] }));
  const sizes = basinSizes(values, edges, raw);
  return raw.map((b, i) => ({ ...b, basinSize: sizes[i] })).sort((a, b) => a.birth - b.birth || a.minimum - b.minimum);
}
