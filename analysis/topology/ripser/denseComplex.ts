/**
 * Rips complex over a full n x n edge-rank matrix: a coboundary is a scan over all vertices v, reading
 * row w of the rank matrix for each vertex w of the simplex (contiguous memory).
 */
import type { BinomialTable } from './binomial';
import { largestOffDiameterVertex, type RipsComplex, type SimplexList } from './complex';
import type { DenseRanks } from './edgeFiltration';
import type { EntryHeap } from './entryHeap';

export class DenseComplex implements RipsComplex {
  readonly verts: Int32Array;
  private readonly rows: Int32Array;
  facetSign = 1;
  emergentCoef = 1;
  private readonly n: number;
  private readonly ranks: Int32Array;
  private readonly edgeCount: number;

  constructor(
    readonly edges: DenseRanks,
    private readonly binom: BinomialTable,
    maxDim: number,
  ) {
    this.n = edges.n;
    this.ranks = edges.ranks;
    this.edgeCount = edges.edgeCount;
    this.verts = new Int32Array(maxDim + 3);
    this.rows = new Int32Array(maxDim + 3);
  }

  decode(idx: number, dim: number): void {
    this.binom.vertices(idx, dim, this.verts);
    for (let i = 0; i <= dim; i++) this.rows[i] = this.verts[i] * this.n;
  }

  pushCoboundary(heap: EntryHeap, idx: number, rank: number, coef: number, dim: number, modulus: number): void {
    this.decode(idx, dim);
    const { ranks, rows, verts } = this;
    const E = this.edgeCount;
    const B = this.binom.rows;
    let idxBelow = idx;
    let idxAbove = 0;
    let k = dim + 1;
    let pos = 0;
    const negCoef = (modulus - coef) % modulus;
    if (dim === 1) {
      const r0 = rows[0];
      const r1 = rows[1];
      for (let v = this.n - 1; v >= 0; v--) {
        if (pos <= dim && v === verts[pos]) {
          idxBelow -= B[k][v];
          idxAbove += B[k + 1][v];
          k--;
          pos++;
          continue;
        }
        let r = ranks[r0 + v];
        const t = ranks[r1 + v];
        if (t > r) r = t;
        if (r < rank) r = rank;
        if (r < E) heap.push(r, idxAbove + B[k + 1][v] + idxBelow, k & 1 ? negCoef : coef);
      }
      return;
    }
    for (let v = this.n - 1; v >= 0; v--) {
      if (pos <= dim && v === verts[pos]) {
        idxBelow -= B[k][v];
        idxAbove += B[k + 1][v];
        k--;
        pos++;
        continue;
      }
      let r = rank;
      for (let i = 0; i <= dim; i++) {
        const t = ranks[rows[i] + v];
        if (t > r) r = t;
      }
      if (r < E) heap.push(r, idxAbove + B[k + 1][v] + idxBelow, k & 1 ? negCoef : coef);
    }
  }

  pushCoboundaryOrEmergent(
    heap: EntryHeap,
    idx: number,
    rank: number,
    dim: number,
    modulus: number,
    isPivot: (cofacetIndex: number) => boolean,
  ): number {
    this.decode(idx, dim);
    const { ranks, rows, verts } = this;
    const E = this.edgeCount;
    const B = this.binom.rows;
    let idxBelow = idx;
    let idxAbove = 0;
    let k = dim + 1;
    let pos = 0;
    let checkEmergent = true;
    const negCoef = modulus - 1;
    for (let v = this.n - 1; v >= 0; v--) {
      if (pos <= dim && v === verts[pos]) {
        idxBelow -= B[k][v];
        idxAbove += B[k + 1][v];
        k--;
        pos++;
        continue;
      }
      let r = rank;
      for (let i = 0; i <= dim; i++) {
        const t = ranks[rows[i] + v];
        if (t > r) r = t;
      }
      if (r >= E) continue;
      const cofacet = idxAbove + B[k + 1][v] + idxBelow;
      if (checkEmergent && r === rank) {
        checkEmergent = false;
        if (!isPivot(cofacet) && this.zeroApparentFacet(cofacet, r, dim + 1) === -1) {
          heap.clear();
          this.emergentCoef = k & 1 ? negCoef : 1;
          return cofacet;
        }
        // zeroApparentFacet decoded another simplex: restore ours.
        this.decode(idx, dim);
      }
      heap.push(r, cofacet, k & 1 ? negCoef : 1);
    }
    return -1;
  }

  zeroApparentCofacet(idx: number, rank: number, dim: number): number {
    this.decode(idx, dim);
    const a = this.edges.uOfRank[rank];
    const b = this.edges.vOfRank[rank];
    const m = largestOffDiameterVertex(this.verts, dim, a, b);
    const v = this.highestVertexBelowRank(dim, rank, m);
    if (v < 0) return -1;
    return this.cofacetIndex(idx, dim, v);
  }

  zeroApparentFacet(idx: number, rank: number, dim: number): number {
    if (dim < 2) return -1;
    this.decode(idx, dim);
    const a = this.edges.uOfRank[rank];
    const b = this.edges.vOfRank[rank];
    const verts = this.verts;
    // The pivot facet drops the largest vertex w off the longest edge; it is apparent if no vertex above
    // w could be added to the facet without lengthening it.
    let wPos = -1;
    for (let i = 0; i <= dim; i++) {
      if (verts[i] !== a && verts[i] !== b) {
        wPos = i;
        break;
      }
    }
    const w = verts[wPos];
    const B = this.binom.rows;
    // Facet vertices: all but position wPos (still descending).
    let facet = 0;
    let j = 0;
    for (let i = 0; i <= dim; i++) {
      if (i === wPos) continue;
      this.rows[j] = verts[i] * this.n;
      facet += B[dim - j][verts[i]];
      j++;
    }
    const { ranks, rows } = this;
    for (let v = this.n - 1; v > w; v--) {
      let ok = true;
      for (let i = 0; i < dim; i++) {
        if (ranks[rows[i] + v] >= rank) {
          ok = false;
          break;
        }
      }
      if (ok) return -1;
    }
    // Boundary sign (-1)^(number of vertices below w). Note: `rows` now describe the facet.
    this.facetSign = (dim - wPos) & 1 ? -1 : 1;
    return facet;
  }

  /** Largest vertex v > floor with every edge from v to the decoded simplex of rank < `rank`; -1 if none. */
  private highestVertexBelowRank(dim: number, rank: number, floor: number): number {
    const { ranks, rows } = this;
    if (dim === 1) {
      const r0 = rows[0];
      const r1 = rows[1];
      for (let v = this.n - 1; v > floor; v--) {
        if (ranks[r0 + v] < rank && ranks[r1 + v] < rank) return v;
      }
      return -1;
    }
    for (let v = this.n - 1; v > floor; v--) {
      let ok = true;
      for (let i = 0; i <= dim; i++) {
        if (ranks[rows[i] + v] >= rank) {
          ok = false;
          break;
        }
      }
      if (ok) return v;
    }
    return -1;
  }

  /** Index of the decoded simplex plus vertex v (not one of its vertices). */
  private cofacetIndex(idx: number, dim: number, v: number): number {
    const B = this.binom.rows;
    const verts = this.verts;
    let idxBelow = idx;
    let idxAbove = 0;
    let k = dim + 1;
    for (let pos = 0; pos <= dim && verts[pos] > v; pos++) {
      idxBelow -= B[k][verts[pos]];
      idxAbove += B[k + 1][verts[pos]];
      k--;
    }
    return idxAbove + B[k + 1][v] + idxBelow;
  }

  appendUpperCofacets(idx: number, rank: number, dim: number, out: SimplexList): void {
    this.decode(idx, dim);
    const { ranks, rows } = this;
    const E = this.edgeCount;
    const top = this.verts[0];
    const B = this.binom.rows;
    for (let v = this.n - 1; v > top; v--) {
      let r = rank;
      for (let i = 0; i <= dim; i++) {
        const t = ranks[rows[i] + v];
        if (t > r) r = t;
      }
      if (r < E) out.push(r, idx + B[dim + 2][v]);
    }
  }
}
