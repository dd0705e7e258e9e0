/**
 * `denseColumnsByDimension` for sparse storage: the same depth-first walk, where each simplex carries
 * its common neighbours (vertices joined to all its vertices within the threshold, ascending) with the
 * rank of the longest edge from each to the simplex. A cofacet adding x keeps the common neighbours that
 * are also x's neighbours (one merge of two sorted lists) instead of walking d+2 neighbour lists in
 * lockstep, for growing cofacets and for the apparent-cofacet test alike. Roots are claimed in chunks as
 * in denseColumns.ts.
 */
import type { BinomialTable } from './binomial';
import { ROOT_CHUNK, serialRoots, type ClaimRoots } from './rootChunks';
import type { SparseComplex } from './sparseComplex';
import { SimplexList } from './simplexList';

export function sparseColumnsByDimension(
  complex: SparseComplex,
  binom: BinomialTable,
  maxDim: number,
  checkCancelled: () => void,
  claim: ClaimRoots = serialRoots(),
): SimplexList[] {
  const { offsets, neighbors: nbr, neighborRanks: nrank, uOfRank, vOfRank, edgeCount: E } = complex.edges;
  const B = binom.rows;
  const found: SimplexList[] = [];
  for (let d = 0; d <= maxDim; d++) found.push(new SimplexList());
  let maxDegree = 0;
  for (let i = 0; i + 1 < offsets.length; i++) maxDegree = Math.max(maxDegree, offsets[i + 1] - offsets[i]);
  // Common neighbours of the d-simplex on the current path: vertex, rank of its longest edge to it.
  const cv: Int32Array[] = [];
  const cr: Int32Array[] = [];
  const len = new Int32Array(maxDim + 1);
  for (let d = 0; d <= maxDim; d++) {
    cv.push(new Int32Array(maxDegree));
    cr.push(new Int32Array(maxDegree));
  }
  const verts = new Int32Array(maxDim + 2);
  const child = new Int32Array(maxDim + 2);
  let visited = 0;

  const grow = (d: number, idx: number, rank: number): void => {
    const pv = cv[d];
    const pr = cr[d];
    const plen = len[d];
    const top = verts[0];
    const cd = d + 1;
    const Bc = B[cd + 1];
    for (let k = plen - 1; k >= 0 && pv[k] > top; k--) {
      const x = pv[k];
      const rr = pr[k] > rank ? pr[k] : rank;
      if (rr >= E) continue;
      if ((++visited & 0xffff) === 0) checkCancelled();
      const cofacet = idx + Bc[x];
      const a = uOfRank[rr];
      const b = vOfRank[rr];
      let floor = -1;
      if (x !== a && x !== b) floor = x;
      else {
        for (let i = 0; i <= d; i++) {
          if (verts[i] !== a && verts[i] !== b) {
            floor = verts[i];
            break;
          }
        }
      }
      // Apparent cofacet: a common neighbour w > floor of the simplex and x, all edges shorter than rr.
      // Walk the simplex's common neighbours and x's neighbours downwards together.
      let apparent = false;
      const lo = offsets[x];
      let q = offsets[x + 1] - 1;
      for (let j = plen - 1; j >= 0; j--) {
        const w = pv[j];
        if (w <= floor) break;
        if (pr[j] >= rr) continue;
        while (q >= lo && nbr[q] > w) q--;
        if (q < lo) break;
        if (nbr[q] === w && nrank[q] < rr) {
          apparent = true;
          break;
        }
      }
      if (!apparent) {
        child[0] = x;
        for (let i = 0; i <= d; i++) child[i + 1] = verts[i];
        if (complex.zeroApparentFacetOfVertices(child, rr, cd) === -1) found[cd].push(rr, cofacet);
      }
      if (cd < maxDim) {
        // The cofacet's common neighbours: the simplex's that are x's neighbours too (ascending merge).
        const ov = cv[cd];
        const or = cr[cd];
        let m = 0;
        let p = lo;
        const end = offsets[x + 1];
        for (let j = 0; j < plen && p < end; j++) {
          const w = pv[j];
          while (p < end && nbr[p] < w) p++;
          if (p < end && nbr[p] === w) {
            ov[m] = w;
            or[m++] = nrank[p] > pr[j] ? nrank[p] : pr[j];
          }
        }
        len[cd] = m;
        for (let i = d + 1; i > 0; i--) verts[i] = verts[i - 1];
        verts[0] = x;
        grow(cd, cofacet, rr);
        for (let i = 0; i <= d; i++) verts[i] = verts[i + 1];
      }
    }
  };

  /** Walks every simplex grown from edge r (its root): the edge's common neighbours, then its cofacets. */
  const walkFromEdge = (r: number, v1: Int32Array, r1: Int32Array): void => {
    const u = uOfRank[r];
    const w = vOfRank[r];
    // Common neighbours of edge {u, w}: merge of the two ascending lists.
    let m = 0;
    let p = offsets[u];
    const pe = offsets[u + 1];
    let q = offsets[w];
    const qe = offsets[w + 1];
    while (p < pe && q < qe) {
      const a = nbr[p];
      const b = nbr[q];
      if (a < b) p++;
      else if (b < a) q++;
      else {
        v1[m] = a;
        r1[m++] = nrank[p] > nrank[q] ? nrank[p] : nrank[q];
        p++;
        q++;
      }
    }
    len[1] = m;
    verts[0] = u;
    verts[1] = w;
    grow(1, B[2][u] + w, r);
  };

  if (maxDim >= 2) {
    for (let chunk = claim(); chunk < E; chunk = claim()) {
      for (let r = chunk, end = Math.min(E, chunk + ROOT_CHUNK); r < end; r++) walkFromEdge(r, cv[1], cr[1]);
    }
  }
  return found;
}
