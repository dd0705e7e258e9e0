/**
 * The minima barcode (SPEC B step 4): 0-dimensional persistence of the loss restricted to the minima and
 * the paths between them. Kruskal over the complete graph whose edge weights are the pair barriers, in
 * increasing order; when an edge joins two components, the component whose lowest minimum is higher dies
 * at the edge's weight (elder rule) and merges into the other. Exact for multi-hop merges: a minimum dies at
 * the minimax barrier to any lower minimum, whatever chain of pairs realises it (the authors' notebook takes
 * one hop; SPEC B asks for the MST version).
 *
 * Ties: equal losses are ordered by index (the smaller index is the elder), equal barriers by (i, j), so
 * the result is a deterministic function of the inputs.
 */
import { UnionFind } from '../../topology/unionFind';

export interface MinimaBarcode {
  /** [birth, death] per minimum, death Infinity for the global minimum. */
  bars: [number, number][];
  /** Index of the minimum whose component absorbed this one; -1 for the global minimum. */
  mergedInto: number[];
  /** The pair (i < j) whose barrier killed this minimum; undefined for the global minimum. */
  mergedVia: ([number, number] | undefined)[];
}

/**
 * `losses[i]` is f(m_i); `barrier(i, j)` the barrier of pair i < j (undefined: not computed, edge skipped;
 * a barrier below either endpoint's loss is an error, as no path can go below its own endpoints).
 */
export function minimaBarcode(losses: ArrayLike<number>, barrier: (i: number, j: number) => number | undefined): MinimaBarcode {
  const n = losses.length;
  for (let i = 0; i < n; i++) if (!Number.isFinite(losses[i])) throw new Error(`loss barcode: the loss of minimum ${i} is ${losses[i]} (the run diverged?)`);
  const edges: { i: number; j: number; w: number }[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const w = barrier(i, j);
      if (w === undefined) continue;
      if (!Number.isFinite(w)) throw new Error(`loss barcode: the barrier between minima ${i} and ${j} is ${w}`);
      if (w < Math.max(losses[i], losses[j])) throw new Error(`loss barcode: the barrier between minima ${i} and ${j} (${w}) is below an endpoint's loss`);
      edges.push({ i, j, w });
    }
  }
  edges.sort((a, b) => a.w - b.w || a.i - b.i || a.j - b.j);
  const older = (a: number, b: number) => losses[a] < losses[b] || (losses[a] === losses[b] && a < b);
  const uf = new UnionFind(n);
  const lowest = Int32Array.from({ length: n }, (_, i) => i);
  const bars: [number, number][] = Array.from({ length: n }, (_, i) => [losses[i], Infinity]);
  const mergedInto = new Array<number>(n).fill(-1);
  const mergedVia = new Array<[number, number] | undefined>(n).fill(undefined);
  for (const { i, j, w } of edges) {
    const ri = uf.find(i);
    const rj = uf.find(j);
    if (ri === rj) continue;
    const a = lowest[ri];
    const b = lowest[rj];
    const [elder, younger] = older(a, b) ? [a, b] : [b, a];
    bars[younger][1] = w;
    mergedInto[younger] = elder;
    mergedVia[younger] = [i, j];
    lowest[uf.linkRoots(ri, rj)] = elder;
  }
  return { bars, mergedInto, mergedVia };
}

/** Barrier lookup over a full symmetric matrix (null = not computed). */
export function matrixBarrier(m: readonly (readonly (number | null)[])[]): (i: number, j: number) => number | undefined {
  return (i, j) => m[i][j] ?? undefined;
}
