/**
 * Rips complex over a full n x n edge-rank matrix: a coboundary is a scan over all vertices v, reading
 * row w of the rank matrix for each vertex w of the simplex (contiguous memory).
 *
 * The vertex scan is written out in each of its uses (narrow and wide coboundary walks, apparent-pair
 * search), with a two-row version for edges, on purpose: these are the innermost loops on dense inputs
 * and differ in what they compute per vertex and when they stop. The columns themselves are assembled
 * depth first in denseColumns.ts.
 */
import type { BinomialTable } from './binomial';
import { RipsComplex } from './complex';
import type { DenseRanks } from './edgeFiltration';
import type { EntryHeap } from './entryHeap';
import type { WideEntryHeap } from './wideEntryHeap';
import type { EmergentTest } from './workingColumn';

export class DenseComplex extends RipsComplex {
  /** Row offsets `verts[i] * n` of the decoded simplex. */
  private readonly rows: Int32Array;
  /** Row offsets of the vertices given to `highestVertexBelowRank`. */
  private readonly searchRows: Int32Array;
  private readonly n: number;
  private readonly ranks: Int32Array;
  private readonly edgeCount: number;

  constructor(
    override readonly edges: DenseRanks,
    binom: BinomialTable,
    maxDim: number,
  ) {
    super(edges, binom, maxDim);
    this.n = edges.n;
    this.ranks = edges.ranks;
    this.edgeCount = edges.edgeCount;
    this.rows = new Int32Array(maxDim + 3);
    this.searchRows = new Int32Array(maxDim + 3);
  }

  override decode(idx: number, dim: number): void {
    this.binom.vertices(idx, dim, this.verts);
    for (let i = 0; i <= dim; i++) this.rows[i] = this.verts[i] * this.n;
  }

  /**
   * Every vertex v not in the simplex, from the top, gives the cofacet adding v, whose rank is the
   * largest of the simplex's rank and the ranks of v's edges to it.
   */
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
    const { ranks, rows, verts } = this;
    const E = this.edgeCount;
    const B = this.binom.rows;
    const r0 = rows[0];
    const r1 = rows[1];
    let idxBelow = idx;
    let idxAbove = 0;
    let k = dim + 1;
    let pos = 0;
    let checkEmergent = isEmergentPivot !== null;
    const negCoef = (modulus - coef) % modulus;
    for (let v = this.n - 1; v >= 0; v--) {
      if (pos <= dim && v === verts[pos]) {
        idxBelow -= B[k][v];
        idxAbove += B[k + 1][v];
        k--;
        pos++;
        continue;
      }
      let r = rank;
      if (dim === 1) {
        // Edges, the H1 columns (most of the work): two rows, no inner loop.
        const t0 = ranks[r0 + v];
        const t1 = ranks[r1 + v];
        if (t0 > r) r = t0;
        if (t1 > r) r = t1;
      } else {
        for (let i = 0; i <= dim; i++) {
          const t = ranks[rows[i] + v];
          if (t > r) r = t;
        }
      }
      if (r >= E) continue;
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

  /**
   * `walkCoboundary` for wide cofacets: above the simplex's top vertex t the cofacet adding v is
   * (v, idx); below it, (t, index of the rest plus v), the rest's index summed without t's binomial.
   */
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
    const { ranks, rows, verts } = this;
    const E = this.edgeCount;
    const B = this.binom.rows;
    const top = verts[0];
    let idxBelow = idx;
    let idxAbove = 0;
    let k = dim + 1;
    let pos = 0;
    let checkEmergent = isEmergentPivot !== null;
    const negCoef = (modulus - coef) % modulus;
    for (let v = this.n - 1; v >= 0; v--) {
      if (pos <= dim && v === verts[pos]) {
        idxBelow -= B[k][v];
        if (pos > 0) idxAbove += B[k + 1][v];
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
      const hi = pos === 0 ? v : top;
      const lo = pos === 0 ? idx : idxAbove + B[k + 1][v] + idxBelow;
      if (checkEmergent && r === rank) {
        checkEmergent = false;
        if (isEmergentPivot!(hi, lo, r)) {
          heap.clear();
          this.emergentCoef = k & 1 ? negCoef : coef;
          this.emergentHi = hi;
          return lo;
        }
      }
      heap.push(r, hi, lo, k & 1 ? negCoef : coef);
    }
    return -1;
  }

  protected highestVertexBelowRank(vs: Int32Array, count: number, rank: number, floor: number): number {
    const { ranks, n } = this;
    const rows = this.searchRows;
    for (let i = 0; i < count; i++) rows[i] = vs[i] * n;
    if (count === 2) {
      // An edge: two rows, no inner loop (every H1 column's apparent-pair test).
      const r0 = rows[0];
      const r1 = rows[1];
      for (let v = n - 1; v > floor; v--) {
        if (ranks[r0 + v] < rank && ranks[r1 + v] < rank) return v;
      }
      return -1;
    }
    for (let v = n - 1; v > floor; v--) {
      let ok = true;
      for (let i = 0; i < count; i++) {
        if (ranks[rows[i] + v] >= rank) {
          ok = false;
          break;
        }
      }
      if (ok) return v;
    }
    return -1;
  }

}
