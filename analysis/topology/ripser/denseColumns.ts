/**
 * The reduction columns of every dimension 2..maxDim on dense storage, in one depth-first walk over
 * the simplices (each grown from its facet without its top vertex by adding a higher vertex).
 *
 * Assembling dimension by dimension (Ripser's way, and this engine's before) computes, for every
 * (d-1)-simplex and every vertex v above it, the longest edge from v to the simplex: d+1 rank reads per
 * vertex, and again for the apparent-cofacet test. Depth first, each simplex carries `reach[v]`, the
 * rank of the longest edge from v to it; a cofacet's reach is the elementwise max of its facet's and one
 * rank row, so every vertex costs one read and one max whatever the dimension (random50_16 --dim 7: most
 * of the time went to those reads).
 *
 * Returns, per dimension, the simplices that are not in a zero-persistence apparent pair, unsorted;
 * clearing (dropping the previous dimension's pivots) and sorting are the engine's, so the columns are
 * exactly the dimension-by-dimension ones.
 *
 * The walk starts once from every edge (its root); `claim` hands out the roots in chunks, so several
 * threads can share one walk (columnsThreads.ts), each taking the next chunk when done with its last.
 */
import type { BinomialTable } from './binomial';
import type { DenseComplex } from './denseComplex';
import { ROOT_CHUNK, serialRoots, type ClaimRoots } from './rootChunks';
import { SimplexList } from './simplexList';

export function denseColumnsByDimension(
  complex: DenseComplex,
  binom: BinomialTable,
  maxDim: number,
  checkCancelled: () => void,
  claim: ClaimRoots = serialRoots(),
): SimplexList[] {
  const { n, ranks, edgeCount: E, uOfRank, vOfRank } = complex.edges;
  const B = binom.rows;
  const found: SimplexList[] = [];
  for (let d = 0; d <= maxDim; d++) found.push(new SimplexList());
  // reach[d]: the reach of the d-simplex on the current path; verts: its vertices, largest first.
  const reach: Int32Array[] = [];
  for (let d = 0; d <= maxDim; d++) reach.push(new Int32Array(n));
  const verts = new Int32Array(maxDim + 2);
  const child = new Int32Array(maxDim + 2);
  let visited = 0;

  /** Visits the cofacets of the (d)-simplex (verts, idx, rank) adding a vertex above its top. */
  const grow = (d: number, idx: number, rank: number): void => {
    const r0 = reach[d];
    const top = verts[0];
    const cd = d + 1;
    const Bc = B[cd + 1];
    for (let v = n - 1; v > top; v--) {
      const rr = r0[v] > rank ? r0[v] : rank;
      if (rr >= E) continue;
      if ((++visited & 0xffff) === 0) checkCancelled();
      const cofacet = idx + Bc[v];
      const row = v * n;
      // Apparent cofacet: a vertex w above the largest vertex off the diameter edge, with every edge
      // to the cofacet shorter than its diameter (the cofacet's own vertices have reach NO_EDGE).
      const a = uOfRank[rr];
      const b = vOfRank[rr];
      let floor = -1;
      if (v !== a && v !== b) floor = v;
      else {
        for (let i = 0; i <= d; i++) {
          if (verts[i] !== a && verts[i] !== b) {
            floor = verts[i];
            break;
          }
        }
      }
      let apparent = false;
      for (let w = n - 1; w > floor; w--) {
        const t = ranks[row + w];
        if (t < rr && r0[w] < rr) {
          apparent = true;
          break;
        }
      }
      if (!apparent) {
        child[0] = v;
        for (let i = 0; i <= d; i++) child[i + 1] = verts[i];
        if (complex.zeroApparentFacetOfVertices(child, rr, cd) === -1) found[cd].push(rr, cofacet);
      }
      if (cd < maxDim) {
        const rc = reach[cd];
        for (let w = 0; w < n; w++) {
          const t = ranks[row + w];
          const s = r0[w];
          rc[w] = t > s ? t : s;
        }
        for (let i = d + 1; i > 0; i--) verts[i] = verts[i - 1];
        verts[0] = v;
        grow(cd, cofacet, rr);
        for (let i = 0; i <= d; i++) verts[i] = verts[i + 1];
      }
    }
  };

  /** Walks every simplex grown from edge r (its root): the edge's reach, then its cofacets. */
  const walkFromEdge = (r: number, r1: Int32Array): void => {
    const u = uOfRank[r];
    const w = vOfRank[r];
    const ru = u * n;
    const rw = w * n;
    for (let x = 0; x < n; x++) {
      const s = ranks[ru + x];
      const t = ranks[rw + x];
      r1[x] = s > t ? s : t;
    }
    verts[0] = u;
    verts[1] = w;
    grow(1, B[2][u] + w, r);
  };

  if (maxDim >= 2) {
    for (let chunk = claim(); chunk < E; chunk = claim()) {
      for (let r = chunk, end = Math.min(E, chunk + ROOT_CHUNK); r < end; r++) walkFromEdge(r, reach[1]);
    }
  }
  return found;
}
