/**
 * Rips complex over sorted neighbour lists (edges within the threshold only): the cofacets of a simplex
 * are the common neighbours of its vertices, found by walking their lists downwards in lockstep
 * (Ripser's sparse coboundary enumerator). Memory and time scale with the number of edges, not n^2.
 *
 * The lockstep walk is written out in each of its uses (narrow and wide coboundary, apparent-pair
 * search) on purpose: it is the innermost loop on sparse inputs, and each use does different work per
 * common neighbour and stops differently, which a shared callback or iterator object would slow down.
 * The columns themselves are assembled depth first in sparseColumns.ts.
 */
import type { BinomialTable } from './binomial';
import { RipsComplex } from './complex';
import type { SparseRanks } from './edgeFiltration';
import type { EntryHeap } from './entryHeap';
import type { WideEntryHeap } from './wideEntryHeap';
import type { EmergentTest } from './workingColumn';

export class SparseComplex extends RipsComplex {
  private readonly it: Int32Array;
  private readonly lo: Int32Array;
  /** Iterators of the searches that may run while `walkCoboundary` holds `it`/`lo`. */
  private readonly it2: Int32Array;
  private readonly offsets: Int32Array;
  private readonly nbr: Int32Array;
  private readonly nrank: Int32Array;

  constructor(
    override readonly edges: SparseRanks,
    binom: BinomialTable,
    maxDim: number,
  ) {
    super(edges, binom, maxDim);
    this.it = new Int32Array(maxDim + 3);
    this.lo = new Int32Array(maxDim + 3);
    this.it2 = new Int32Array(maxDim + 3);
    this.offsets = edges.offsets;
    this.nbr = edges.neighbors;
    this.nrank = edges.neighborRanks;
  }

  /** Points the list iterators at the top of the neighbour lists of `vs[0..count)`. */
  private startLists(vs: Int32Array, count: number): void {
    for (let i = 0; i < count; i++) {
      this.it[i] = this.offsets[vs[i] + 1] - 1;
      this.lo[i] = this.offsets[vs[i]];
    }
  }

  /** The common neighbours v of the simplex's vertices, from the top, give the cofacets adding v. */
  protected walkCoboundary(
    heap: EntryHeap,
    idx: number,
    rank: number,
    coef: number,
    dim: number,
    modulus: number,
    isEmergentPivot: EmergentTest | null,
  ): number {
    this.decode(idx, dim);
    const { verts, it, lo, nbr, nrank } = this;
    const B = this.binom.rows;
    this.startLists(verts, dim + 1);
    let idxBelow = idx;
    let idxAbove = 0;
    let k = dim + 1;
    let pos = 0;
    let checkEmergent = isEmergentPivot !== null;
    const negCoef = (modulus - coef) % modulus;
    const lo0 = lo[0];
    outer: for (let p0 = it[0]; p0 >= lo0; p0--) {
      const v = nbr[p0];
      let r = nrank[p0];
      if (r < rank) r = rank;
      for (let i = 1; i <= dim; i++) {
        let q = it[i];
        const l = lo[i];
        while (q >= l && nbr[q] > v) q--;
        it[i] = q;
        if (q < l) break outer;
        if (nbr[q] !== v) continue outer;
        if (nrank[q] > r) r = nrank[q];
      }
      while (pos <= dim && verts[pos] > v) {
        idxBelow -= B[k][verts[pos]];
        idxAbove += B[k + 1][verts[pos]];
        k--;
        pos++;
      }
      const cofacet = idxAbove + B[k + 1][v] + idxBelow;
      if (checkEmergent && r === rank) {
        checkEmergent = false;
        if (isEmergentPivot!(-1, cofacet, r)) {
          heap.clear();
          this.emergentCoef = k & 1 ? negCoef : coef;
          return cofacet;
        }
      }
      heap.push(r, cofacet, k & 1 ? negCoef : coef);
    }
    return -1;
  }

  /** `walkCoboundary` for wide cofacets (see DenseComplex.walkCoboundaryWide). */
  protected walkCoboundaryWide(
    heap: WideEntryHeap,
    idx: number,
    rank: number,
    coef: number,
    dim: number,
    modulus: number,
    isEmergentPivot: EmergentTest | null,
  ): number {
    this.decode(idx, dim);
    const { verts, it, lo, nbr, nrank } = this;
    const B = this.binom.rows;
    this.startLists(verts, dim + 1);
    const top = verts[0];
    let idxBelow = idx;
    let idxAbove = 0;
    let k = dim + 1;
    let pos = 0;
    let checkEmergent = isEmergentPivot !== null;
    const negCoef = (modulus - coef) % modulus;
    const lo0 = lo[0];
    outer: for (let p0 = it[0]; p0 >= lo0; p0--) {
      const v = nbr[p0];
      let r = nrank[p0];
      if (r < rank) r = rank;
      for (let i = 1; i <= dim; i++) {
        let q = it[i];
        const l = lo[i];
        while (q >= l && nbr[q] > v) q--;
        it[i] = q;
        if (q < l) break outer;
        if (nbr[q] !== v) continue outer;
        if (nrank[q] > r) r = nrank[q];
      }
      while (pos <= dim && verts[pos] > v) {
        idxBelow -= B[k][verts[pos]];
        if (pos > 0) idxAbove += B[k + 1][verts[pos]];
        k--;
        pos++;
      }
      const hi = pos === 0 ? v : top;
      const rest = pos === 0 ? idx : idxAbove + B[k + 1][v] + idxBelow;
      if (checkEmergent && r === rank) {
        checkEmergent = false;
        if (isEmergentPivot!(hi, rest, r)) {
          heap.clear();
          this.emergentCoef = k & 1 ? negCoef : coef;
          this.emergentHi = hi;
          return rest;
        }
      }
      heap.push(r, hi, rest, k & 1 ? negCoef : coef);
    }
    return -1;
  }

  /** The largest common neighbour of `vs[0..count)` above `floor` whose edges to them are all shorter. */
  protected highestVertexBelowRank(vs: Int32Array, count: number, rank: number, floor: number): number {
    const { nbr, nrank, offsets } = this;
    const it = this.it2;
    for (let i = 0; i < count; i++) it[i] = offsets[vs[i] + 1] - 1;
    const lo0 = offsets[vs[0]];
    outer: for (let p0 = it[0]; p0 >= lo0; p0--) {
      const v = nbr[p0];
      if (v <= floor) return -1;
      if (nrank[p0] >= rank) continue;
      for (let i = 1; i < count; i++) {
        let q = it[i];
        const l = offsets[vs[i]];
        while (q >= l && nbr[q] > v) q--;
        it[i] = q;
        if (q < l) return -1;
        if (nbr[q] !== v || nrank[q] >= rank) continue outer;
      }
      return v;
    }
    return -1;
  }

}
