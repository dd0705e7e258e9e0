/**
 * What the reduction needs to know about the Rips complex, implemented twice (dense rank matrix,
 * sparse neighbour lists). Simplices are `(index, rank)`: their combinatorial index and the rank of
 * their longest edge (see edgeFiltration.ts). Because ranks are distinct per edge, a simplex and a
 * cofacet have the same rank exactly when they share the longest edge — which turns Ripser's
 * apparent-pair searches into checks on vertices instead of distance scans.
 *
 * The apparent-pair tests are written once here; the storages only say how to find the vertices that
 * could be added to a simplex without lengthening it (`highestVertexBelowRank`) and how to walk
 * coboundaries.
 *
 * Cofacets are produced in Ripser's order: by decreasing index, i.e. by decreasing added vertex.
 */
import type { BinomialTable } from './binomial';
import type { RankedEdges } from './edgeFiltration';
import type { EntryHeap } from './entryHeap';
import type { WideEntryHeap } from './wideEntryHeap';
import type { EmergentTest } from './workingColumn';

export abstract class RipsComplex {
  /** Vertex scratch of the last simplex decoded by `decode`, largest first. */
  readonly verts: Int32Array;
  /** Sign (+1/-1) of the facet returned by the last successful `zeroApparentFacet`. */
  facetSign = 1;
  /** Coefficient of the cofacet returned by the last successful `pushCoboundaryOrEmergent`. */
  emergentCoef = 1;
  /**
   * Vertex scratch of the apparent-pair tests, separate from `verts` because they run in the middle of
   * a coboundary walk (the emergent-pair check) that still reads `verts`.
   */
  private readonly apparentVerts: Int32Array;

  constructor(
    readonly edges: RankedEdges,
    protected readonly binom: BinomialTable,
    maxDim: number,
  ) {
    this.verts = new Int32Array(maxDim + 3);
    this.apparentVerts = new Int32Array(maxDim + 3);
  }

  /** Decodes simplex `idx` of dimension `dim` into `verts`. */
  decode(idx: number, dim: number): void {
    this.binom.vertices(idx, dim, this.verts);
  }

  /** Pushes every cofacet (within the threshold) of the simplex, coefficient-scaled, onto `heap`. */
  pushCoboundary(heap: EntryHeap, idx: number, rank: number, coef: number, dim: number, modulus: number): void {
    this.walkCoboundary(heap, idx, rank, coef, dim, modulus, null);
  }

  /**
   * Like `pushCoboundary` with coefficient 1, but first looks for an emergent pair: when the first
   * cofacet with the simplex's own rank passes `isEmergentPivot` (not yet a pivot, no apparent facet),
   * it is the column's pivot and nothing else is needed. Returns that cofacet's index (heap left empty,
   * its coefficient in `emergentCoef`), or -1 after pushing everything.
   */
  pushCoboundaryOrEmergent(
    heap: EntryHeap,
    idx: number,
    rank: number,
    dim: number,
    modulus: number,
    isEmergentPivot: EmergentTest,
  ): number {
    return this.walkCoboundary(heap, idx, rank, 1, dim, modulus, isEmergentPivot);
  }

  /**
   * The two pushes above for the top dimension of a wide binomial table (cofacet indices beyond 2^53):
   * cofacets go onto `heap` as (top vertex, rest index) pairs; an emergent pivot is returned as its rest
   * index with its top vertex in `emergentHi` (-1: none found, everything pushed).
   */
  pushCoboundaryWide(heap: WideEntryHeap, idx: number, rank: number, coef: number, dim: number, modulus: number): void {
    this.walkCoboundaryWide(heap, idx, rank, coef, dim, modulus, null);
  }

  pushCoboundaryOrEmergentWide(heap: WideEntryHeap, idx: number, rank: number, dim: number, modulus: number, isEmergentPivot: EmergentTest): number {
    return this.walkCoboundaryWide(heap, idx, rank, 1, dim, modulus, isEmergentPivot);
  }

  /** Top vertex of the emergent cofacet found by the last successful `pushCoboundaryOrEmergentWide`. */
  emergentHi = -1;

  /**
   * Both pushes above: decodes the simplex and pushes its cofacets in decreasing index order; with
   * `isEmergentPivot`, stops at the first same-rank cofacet if it is the emergent pivot.
   */
  protected abstract walkCoboundary(
    heap: EntryHeap,
    idx: number,
    rank: number,
    coef: number,
    dim: number,
    modulus: number,
    isEmergentPivot: EmergentTest | null,
  ): number;

  /** `walkCoboundary` with cofacets as (top vertex, rest index) pairs; see `pushCoboundaryWide`. */
  protected abstract walkCoboundaryWide(
    heap: WideEntryHeap,
    idx: number,
    rank: number,
    coef: number,
    dim: number,
    modulus: number,
    isEmergentPivot: EmergentTest | null,
  ): number;

  /**
   * Largest vertex v > floor whose edges to every vertex of `vs[0..count)` have rank < `rank` (so adding
   * v does not lengthen a simplex of that rank), or -1. `vs` is descending and v is never one of them.
   */
  protected abstract highestVertexBelowRank(vs: Int32Array, count: number, rank: number, floor: number): number;

  /**
   * Whether the simplex has an apparent cofacet (is the older half of a zero-persistence apparent
   * pair): its largest same-rank cofacet (its pivot) adds a vertex above every vertex off the longest
   * edge, so that the simplex is in turn that cofacet's pivot facet. Only existence matters to the
   * callers (the cofacet's index may be wide).
   */
  hasZeroApparentCofacet(idx: number, rank: number, dim: number): boolean {
    this.binom.vertices(idx, dim, this.apparentVerts);
    return this.apparentCofacetOfDecoded(rank, dim);
  }

  /** `zeroApparentFacet` of the simplex with vertices `vs[0..dim]` (largest first), not decoded. */
  zeroApparentFacetOfVertices(vs: Int32Array, rank: number, dim: number): number {
    if (dim < 2) return -1;
    this.apparentVerts.set(vs.subarray(0, dim + 1));
    return this.apparentFacetOfDecoded(rank, dim);
  }

  /** The apparent-cofacet test on the simplex decoded into `apparentVerts`. */
  private apparentCofacetOfDecoded(rank: number, dim: number): boolean {
    const vs = this.apparentVerts;
    const pos = offDiameterPosition(vs, dim, this.edges.uOfRank[rank], this.edges.vOfRank[rank]);
    return this.highestVertexBelowRank(vs, dim + 1, rank, pos < 0 ? -1 : vs[pos]) >= 0;
  }

  /** Index of the apparent facet of the simplex, or -1; its boundary coefficient sign in `facetSign`. */
  zeroApparentFacet(idx: number, rank: number, dim: number): number {
    if (dim < 2) return -1;
    this.binom.vertices(idx, dim, this.apparentVerts);
    return this.apparentFacetOfDecoded(rank, dim);
  }

  /** `zeroApparentFacet` of a wide simplex (top vertex `hi`, rest index `lo`); the facet is not wide. */
  zeroApparentFacetWide(hi: number, lo: number, rank: number, dim: number): number {
    if (dim < 2) return -1;
    this.binom.verticesWide(hi, lo, dim, this.apparentVerts);
    return this.apparentFacetOfDecoded(rank, dim);
  }

  /** The apparent-facet test on the simplex decoded into `apparentVerts`. */
  private apparentFacetOfDecoded(rank: number, dim: number): number {
    const vs = this.apparentVerts;
    // The pivot facet drops the largest vertex w off the longest edge; it is apparent if no vertex above
    // w could be added to the facet without lengthening it.
    const wPos = offDiameterPosition(vs, dim, this.edges.uOfRank[rank], this.edges.vOfRank[rank]);
    const w = vs[wPos];
    for (let i = wPos; i < dim; i++) vs[i] = vs[i + 1]; // drop w, keep descending order
    if (this.highestVertexBelowRank(vs, dim, rank, w) >= 0) return -1;
    const B = this.binom.rows;
    let facet = 0;
    for (let j = 0; j < dim; j++) facet += B[dim - j][vs[j]];
    // Boundary sign (-1)^(number of vertices below w).
    this.facetSign = (dim - wPos) & 1 ? -1 : 1;
    return facet;
  }
}

/** Position in `verts[0..dim]` (descending) of the largest vertex other than a and b; -1 if none. */
function offDiameterPosition(verts: Int32Array, dim: number, a: number, b: number): number {
  for (let i = 0; i <= dim; i++) {
    const w = verts[i];
    if (w !== a && w !== b) return i;
  }
  return -1;
}
