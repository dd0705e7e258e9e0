/**
 * What the reduction needs to know about the Rips complex, implemented twice (dense rank matrix,
 * sparse neighbour lists) with the same method names. Simplices are `(index, rank)`: their
 * combinatorial index and the rank of their longest edge (see edgeFiltration.ts). Because ranks are
 * distinct per edge, a simplex and a cofacet have the same rank exactly when they share the longest edge
 * — which turns Ripser's apparent-pair searches into checks on vertices instead of distance scans.
 *
 * Cofacets are produced in Ripser's order: by decreasing index, i.e. by decreasing added vertex.
 */
import type { EntryHeap } from './entryHeap';
import type { RankedEdges } from './edgeFiltration';

export interface RipsComplex {
  readonly edges: RankedEdges;
  /** Vertex scratch of the last simplex decoded by `decode`, largest first. */
  readonly verts: Int32Array;
  /** Decodes simplex `idx` of dimension `dim` into `verts`. */
  decode(idx: number, dim: number): void;
  /** Pushes every cofacet (within the threshold) of the simplex, coefficient-scaled, onto `heap`. */
  pushCoboundary(heap: EntryHeap, idx: number, rank: number, coef: number, dim: number, modulus: number): void;
  /**
   * Like `pushCoboundary`, but first looks for an emergent pair: when the first cofacet with the
   * simplex's own rank is not yet a pivot and has no apparent facet, it is the column's pivot and nothing
   * else is needed. Returns that cofacet's index (heap left empty), or -1 after pushing everything.
   */
  pushCoboundaryOrEmergent(
    heap: EntryHeap,
    idx: number,
    rank: number,
    dim: number,
    modulus: number,
    isPivot: (cofacetIndex: number) => boolean,
  ): number;
  /** Coefficient of the cofacet returned by the last successful `pushCoboundaryOrEmergent`. */
  emergentCoef: number;
  /** Index of the apparent cofacet of the simplex (zero-persistence pair as the younger member), or -1. */
  zeroApparentCofacet(idx: number, rank: number, dim: number): number;
  /** Index of the apparent facet of the simplex, or -1; its boundary coefficient sign in `facetSign`. */
  zeroApparentFacet(idx: number, rank: number, dim: number): number;
  /** Sign (+1/-1) of the facet returned by the last successful `zeroApparentFacet`. */
  facetSign: number;
  /** Appends the cofacets obtained by adding a vertex above the simplex's largest one (each once). */
  appendUpperCofacets(idx: number, rank: number, dim: number, out: SimplexList): void;
}

/** Growable list of simplices `(rank, index)`. */
export class SimplexList {
  rank = new Int32Array(1024);
  index = new Float64Array(1024);
  length = 0;

  push(r: number, x: number): void {
    if (this.length === this.rank.length) {
      const cap = this.rank.length * 2;
      const rr = new Int32Array(cap);
      rr.set(this.rank);
      const xx = new Float64Array(cap);
      xx.set(this.index);
      this.rank = rr;
      this.index = xx;
    }
    this.rank[this.length] = r;
    this.index[this.length++] = x;
  }
}

/** Largest vertex of the decoded simplex other than the two endpoints of edge (a, b); -1 if none. */
export function largestOffDiameterVertex(verts: Int32Array, dim: number, a: number, b: number): number {
  for (let i = 0; i <= dim; i++) {
    const w = verts[i];
    if (w !== a && w !== b) return w;
  }
  return -1;
}

