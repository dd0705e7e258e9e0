/**
 * Ripser's algorithm (Bauer 2021, "Ripser: efficient computation of Vietoris-Rips persistence
 * barcodes") on ranked edges:
 * - H0 by union-find over edges in filtration order; edges that close a cycle become the H1 columns,
 *   except those in an apparent pair;
 * - for d >= 1, cohomology: columns are d-simplices in reverse filtration order, coboundaries are
 *   enumerated on the fly from the combinatorial index (never stored), only the reduction matrix V is
 *   kept;
 * - clearing: a d-simplex that was a pivot (a death) in dimension d-1 is never reduced;
 * - apparent pairs (a simplex and its cofacet sharing the longest edge, each the other's pivot) are
 *   skipped entirely, and "emergent" pairs are recognised before the coboundary is even built;
 * - when the binomial table is wide (the top dimension's cofacet indices exceed 2^53, see binomial.ts),
 *   the last dimension's reduction holds its cofacets as (top vertex, rest) pairs: `WideHeapColumn`
 *   and `WidePivotMap`, the same loop; every other dimension is unchanged.
 *
 * Each bar carries its representative: the simplex whose column gave the birth and the pivot simplex
 * that killed it (for H0: the younger component's oldest vertex and the merging edge).
 */
import { checkCancelled } from '../cancel';
import type { PersistenceBar } from '../diagram';
import { UnionFind } from '../unionFind';
import type { BinomialTable } from './binomial';
import { StreamColumn } from './coboundaryStreams';
import { appendLists, type ColumnHelpers } from './columnsThreads';
import type { RipsComplex } from './complex';
import { DenseComplex } from './denseComplex';
import { denseColumnsByDimension } from './denseColumns';
import type { SparseComplex } from './sparseComplex';
import { sparseColumnsByDimension } from './sparseColumns';
import { EntryHeap } from './entryHeap';
import { HeapColumn } from './heapColumn';
import { PivotMap } from './pivotMap';
import { WideHeapColumn } from './wideHeapColumn';
import { WidePivotMap } from './widePivotMap';
import { rankSortedNeighbors, type RankSortedNeighbors } from './rankSortedNeighbors';
import { ReductionMatrix } from './reductionMatrix';
import { SimplexList } from './simplexList';
import { EMERGENT_PIVOT, HAS_PIVOT, type EmergentTest, type WorkingColumn } from './workingColumn';

export interface EngineOptions {
  maxDim: number;
  modulus: number;
  /**
   * How a column's working coboundary is held: `streams` (lazy sorted streams, dense storage only) or
   * `heap` (Ripser's heap of every cofacet). Default: streams when dense. Both give identical pairs;
   * the heap path serves sparse storage and cross-checks the streams in tests.
   */
  workingColumn?: 'streams' | 'heap';
  onProgress?: (p: { dim: number; done: number; total: number }) => void;
  isCancelled?: () => boolean;
  /**
   * Helper threads that share the column assembly of dimensions >= 2 (columnsThreads.ts); they are sent
   * the complex before H0, so they walk while this thread reduces dimensions 0 and 1. The caller closes them.
   */
  helpers?: ColumnHelpers;
}

/**
 * Coboundary streams keep rank-sorted neighbour lists (8 n^2 bytes); above this many points the heap
 * working column (no extra memory) is used instead.
 */
const MAX_STREAM_POINTS = 4096;

/** Columns between two cancellation/progress checks. */
const CHECK_EVERY = 1024;

/**
 * Index of edge {u, v}, u > v: C(u, 2) + C(v, 1), which is also its position in the condensed distance
 * matrix. Kept local: the H0 pass calls it once per edge, and under the tsx/CommonJS loader every use
 * of a function imported from another module goes through an export getter.
 */
function edgeIndex(u: number, v: number): number {
  return (u * (u - 1)) / 2 + v;
}

/**
 * Multiplicative inverses mod p of 1..p-1 (for scaling a column to cancel a pivot), by the recurrence
 * inv(a) = -(p div a) inv(p mod a), in O(p).
 */
function inverses(p: number): Int32Array {
  const inv = new Int32Array(p);
  inv[1] = 1;
  for (let a = 2; a < p; a++) inv[a] = p - Math.floor(((inv[p % a] * Math.floor(p / a)) % p));
  return inv;
}

export class RipserEngine {
  private readonly bars: PersistenceBar[] = [];
  /** Simplices added to the column being reduced (its column of V), summed on the way. */
  private readonly red = new EntryHeap(256);
  private readonly p: number;
  private readonly inverse: Int32Array;
  private readonly length: Float64Array;
  private readonly scratch: Int32Array;
  /** Rank-sorted neighbour lists (dense storage, up to MAX_STREAM_POINTS), built on first use. */
  private neighbors: RankSortedNeighbors | null = null;

  constructor(
    private readonly complex: RipsComplex,
    private readonly binom: BinomialTable,
    private readonly opts: EngineOptions,
  ) {
    this.p = opts.modulus;
    this.inverse = inverses(opts.modulus);
    this.length = complex.edges.lengthOfRank;
    this.scratch = new Int32Array(opts.maxDim + 3);
  }

  run(): PersistenceBar[] {
    const { maxDim } = this.opts;
    const n = this.complex.edges.n;
    const dimMax = Math.min(maxDim, n - 2);
    if (dimMax >= 2) this.opts.helpers?.share(this.complex, this.binom, dimMax);
    let columns = this.computeDim0(dimMax > 0);
    // The candidate columns of every dimension >= 2, from one depth-first pass when first needed.
    let found: SimplexList[] | null = null;
    const working = dimMax > 0 ? this.workingColumn() : null;
    for (let dim = 1; dim <= dimMax; dim++) {
      this.checkCancelled();
      if (dim === dimMax && this.binom.wide) {
        // Only the top dimension's cofacets can be wide (binomial.ts); no clearing needs its pivots.
        this.computePairs(columns, dim, new WideHeapColumn(this.complex, this.p), new WidePivotMap(columns.length));
        break;
      }
      const pivots = new PivotMap(columns.length);
      this.computePairs(columns, dim, working!, pivots);
      if (dim < dimMax) {
        found ??= this.candidateColumns(dimMax);
        columns = clearedAndSorted(found[dim + 1], pivots, this.complex.edges.edgeCount);
        found[dim + 1] = new SimplexList(); // consumed: its memory can go before the next reduction
      }
    }
    return this.bars;
  }

  /**
   * Columns of dimensions 2..dimMax before clearing (not in apparent pairs), per dimension, unsorted: this
   * thread's walk over the roots the helpers (if any) have not taken, then theirs appended.
   */
  private candidateColumns(dimMax: number): SimplexList[] {
    const cancelled = (): void => this.checkCancelled();
    const { complex } = this;
    const { helpers } = this.opts;
    const claim = helpers?.claim;
    const found =
      complex instanceof DenseComplex
        ? denseColumnsByDimension(complex, this.binom, dimMax, cancelled, claim)
        : sparseColumnsByDimension(complex as SparseComplex, this.binom, dimMax, cancelled, claim);
    if (helpers) for (const more of helpers.join(dimMax)) appendLists(found, more);
    return found;
  }

  /** Coboundary streams on dense storage up to MAX_STREAM_POINTS (unless told otherwise), else the heap. */
  private workingColumn(): WorkingColumn {
    const { complex, opts } = this;
    const streams =
      complex instanceof DenseComplex &&
      (opts.workingColumn === 'streams' || (opts.workingColumn === undefined && complex.edges.n <= MAX_STREAM_POINTS));
    if (!streams) return new HeapColumn(complex, this.p);
    return new StreamColumn(complex.edges, this.rankLists(complex), this.binom, opts.maxDim, this.p);
  }

  private checkCancelled(): void {
    checkCancelled(this.opts.isCancelled);
  }

  private progress(dim: number, done: number, total: number): void {
    this.opts.onProgress?.({ dim, done, total });
  }

  /** Vertices of simplex (hi, idx) ascending; hi is its top vertex when wide, else -1. */
  private verticesOf(hi: number, idx: number, dim: number): number[] {
    if (hi < 0) this.binom.vertices(idx, dim, this.scratch);
    else this.binom.verticesWide(hi, idx, dim, this.scratch);
    const out: number[] = [];
    for (let i = dim; i >= 0; i--) out.push(this.scratch[i]);
    return out;
  }

  /** H0 by Kruskal; returns the H1 columns (cycle-closing edges not in apparent pairs), newest first. */
  private computeDim0(wantColumns: boolean): SimplexList {
    const { n, edgeCount, uOfRank, vOfRank } = this.complex.edges;
    const useLists = n <= MAX_STREAM_POINTS;
    const uf = new UnionFind(n);
    const oldest = new Int32Array(n);
    for (let i = 0; i < n; i++) oldest[i] = i;
    const cols = new SimplexList();
    const dense = wantColumns && useLists && this.complex instanceof DenseComplex ? this.rankLists(this.complex) : null;
    // Edges seen so far at each vertex = length of its rank-sorted neighbour prefix below the current edge.
    const degree = dense ? new Int32Array(n) : null;
    for (let r = 0; r < edgeCount; r++) {
      if ((r & 0xffff) === 0) {
        this.checkCancelled();
        this.progress(0, r, edgeCount);
      }
      const u = uOfRank[r];
      const v = vOfRank[r];
      const ru = uf.find(u);
      const rv = uf.find(v);
      if (ru !== rv) {
        const a = oldest[ru];
        const b = oldest[rv];
        if (this.length[r] > 0) {
          this.bars.push({ dim: 0, birth: 0, death: this.length[r], birthSimplex: [Math.max(a, b)], deathSimplex: [v, u] });
        }
        oldest[uf.linkRoots(ru, rv)] = Math.min(a, b);
      } else if (wantColumns) {
        const idx = edgeIndex(u, v);
        const apparent = dense && degree ? this.edgeHasApparentCofacet(dense, u, v, r, degree) : this.complex.hasZeroApparentCofacet(idx, r, 1);
        if (!apparent) cols.push(r, idx);
      }
      if (degree) {
        degree[u]++;
        degree[v]++;
      }
    }
    this.essentialComponents(uf, oldest);
    this.progress(0, edgeCount, edgeCount);
    // Reverse to (rank descending): cohomology reduces in reverse filtration order.
    cols.rank.subarray(0, cols.length).reverse();
    cols.index.subarray(0, cols.length).reverse();
    return cols;
  }

  /** One essential H0 bar per component, born at its oldest vertex (a loop of its own: see radixSort.ts). */
  private essentialComponents(uf: UnionFind, oldest: Int32Array): void {
    for (let i = 0; i < oldest.length; i++) {
      if (uf.find(i) === i) this.bars.push({ dim: 0, birth: 0, death: Infinity, birthSimplex: [oldest[i]], deathSimplex: [] });
    }
  }

  private rankLists(complex: DenseComplex): RankSortedNeighbors {
    this.neighbors ??= rankSortedNeighbors(complex.edges);
    return this.neighbors;
  }

  /**
   * Is edge {u, v} (rank r) the facet of an apparent pair, i.e. is there a vertex w with both edges
   * {u, w}, {v, w} shorter? (The cofacet found is then the edge's pivot, and its pivot facet is the edge,
   * since ranks are distinct.) Scans the shorter rank-sorted prefix when it is short, otherwise all
   * vertices from the top (hits are dense for long edges, so that stops early).
   */
  private edgeHasApparentCofacet(nb: RankSortedNeighbors, u: number, v: number, r: number, degree: Int32Array): boolean {
    const { n, ranks } = (this.complex as DenseComplex).edges;
    let a = u;
    let b = v;
    if (degree[b] < degree[a]) {
      a = v;
      b = u;
    }
    const len = degree[a];
    if (len * 16 < n) {
      const base = a * n;
      const rowB = b * n;
      const byRankV = nb.byRankV;
      for (let k = 0; k < len; k++) if (ranks[rowB + byRankV[base + k]] < r) return true;
      return false;
    }
    const rowU = u * n;
    const rowV = v * n;
    for (let w = n - 1; w >= 0; w--) if (ranks[rowU + w] < r && ranks[rowV + w] < r) return true;
    return false;
  }

  /** Empties the reduction heap into column `V`'s storage, summing equal entries. */
  private flushReductionColumn(V: ReductionMatrix): void {
    const heap = this.red;
    while (heap.size > 0) {
      const r0 = heap.rank[0];
      const x0 = heap.index[0];
      const c = heap.popSummed(this.p);
      if (c !== 0) V.push(r0, x0, c);
    }
  }

  /**
   * Reduces the coboundary columns of dimension `dim` (newest first) with the working column given,
   * filling `pivots` (for clearing). Only V is stored: adding an earlier column re-adds the
   * coboundaries of its simplices. Wide working columns (pxHi >= 0) come with a `WidePivotMap`.
   */
  private computePairs(cols: SimplexList, dim: number, working: WorkingColumn, pivots: PivotMap | WidePivotMap): void {
    const { complex, red, p } = this;
    const count = cols.length;
    const V = new ReductionMatrix(count);
    const isEmergentPivot: EmergentTest = (hi, cofacet, rank) =>
      pivots.find(hi, cofacet) === -1 && this.apparentFacet(hi, cofacet, rank, dim + 1) === -1;
    for (let c = 0; c < count; c++) {
      if ((c & (CHECK_EVERY - 1)) === 0) {
        this.checkCancelled();
        this.progress(dim, c, count);
      }
      const r = cols.rank[c];
      const x = cols.index[c];
      V.appendColumn();
      red.clear();
      const start = working.start(x, r, dim, isEmergentPivot);
      if (start === EMERGENT_PIVOT) {
        // A zero-length pair whose column needs no reduction (V's column stays empty).
        pivots.set(working.pxHi, working.px, c, working.pc);
        continue;
      }
      let has = start === HAS_PIVOT;
      for (;;) {
        if (!has) {
          this.bars.push({ dim, birth: this.length[r], death: Infinity, birthSimplex: this.verticesOf(-1, x, dim), deathSimplex: [] });
          break;
        }
        const other = pivots.find(working.pxHi, working.px);
        if (other !== -1) {
          // Add the column that owns this pivot, scaled to cancel it: its simplex and its V entries.
          const factor = p === 2 ? 1 : p - ((working.pc * this.inverse[pivots.lastCoef()]) % p);
          const cr = cols.rank[other];
          const cx = cols.index[other];
          red.push(cr, cx, factor);
          working.add(cx, cr, factor);
          const end = V.end(other);
          for (let e = V.start(other); e < end; e++) {
            const ec = (V.coef[e] * factor) % p;
            red.push(V.rank[e], V.index[e], ec);
            working.add(V.index[e], V.rank[e], ec);
          }
          has = working.getPivot();
          continue;
        }
        const facet = this.apparentFacet(working.pxHi, working.px, working.pr, dim + 1);
        if (facet !== -1) {
          // The pivot is the younger half of an apparent pair whose column was never reduced: add the
          // apparent facet's coboundary (that column's reduced form) to cancel it.
          const ec = cancellingCoefficient(working.pc, complex.facetSign, p);
          red.push(working.pr, facet, ec);
          working.add(facet, working.pr, ec);
          has = working.getPivot();
          continue;
        }
        this.recordPair(dim, r, x, working.pr, working.pxHi, working.px);
        pivots.set(working.pxHi, working.px, c, working.pc);
        this.flushReductionColumn(V);
        break;
      }
    }
    this.progress(dim, count, count);
  }

  /** The complex's apparent facet of cofacet (hi, idx): wide when hi >= 0. */
  private apparentFacet(hi: number, idx: number, rank: number, dim: number): number {
    return hi < 0 ? this.complex.zeroApparentFacet(idx, rank, dim) : this.complex.zeroApparentFacetWide(hi, idx, rank, dim);
  }

  /**
   * A pair (birth simplex x of rank r, death simplex (pxHi, px) of rank pr) becomes a bar unless it has
   * zero length.
   */
  private recordPair(dim: number, r: number, x: number, pr: number, pxHi: number, px: number): void {
    if (this.length[pr] <= this.length[r]) return;
    this.bars.push({ dim, birth: this.length[r], death: this.length[pr], birthSimplex: this.verticesOf(-1, x, dim), deathSimplex: this.verticesOf(pxHi, px, dim + 1) });
  }
}

/**
 * The columns of a dimension: the candidates minus the previous dimension's pivots (clearing; null when
 * already done), newest first (rank descending, ties by index ascending). A counting sort by rank, then
 * each run of one rank (simplices sharing their longest edge) by index: a comparison sort of the 542k
 * columns of o3_4096's dimension 3 took longer than reducing many of them.
 */
function clearedAndSorted(found: SimplexList, pivots: PivotMap | null, edgeCount: number): SimplexList {
  const kept = keptPositions(found, pivots);
  const count = new Int32Array(edgeCount + 1);
  countRanks(found.rank, kept, count);
  const columns = new SimplexList();
  columns.rank = new Int32Array(kept.length);
  columns.index = new Float64Array(kept.length);
  columns.length = kept.length;
  placeByRank(found, kept, count, columns);
  sortRunsByIndex(columns);
  return columns;
}

// One loop per function below, so each is compiled with its own type feedback on its single call.

function keptPositions(found: SimplexList, pivots: PivotMap | null): Uint32Array {
  const kept = new Uint32Array(found.length);
  let m = 0;
  for (let i = 0; i < found.length; i++) if (pivots === null || !pivots.has(found.index[i])) kept[m++] = i;
  return kept.subarray(0, m);
}

/** Start offsets of each rank's run, highest rank first: count[r] = number of kept columns of rank > r. */
function countRanks(rank: Int32Array, kept: Uint32Array, count: Int32Array): void {
  for (let i = 0; i < kept.length; i++) count[rank[kept[i]]]++;
  let sum = 0;
  for (let r = count.length - 1; r >= 0; r--) {
    const c = count[r];
    count[r] = sum;
    sum += c;
  }
}

function placeByRank(found: SimplexList, kept: Uint32Array, count: Int32Array, out: SimplexList): void {
  for (let i = 0; i < kept.length; i++) {
    const k = kept[i];
    const dst = count[found.rank[k]]++;
    out.rank[dst] = found.rank[k];
    out.index[dst] = found.index[k];
  }
}

function sortRunsByIndex(cols: SimplexList): void {
  const { rank, index, length } = cols;
  for (let a = 0; a < length; ) {
    let b = a + 1;
    while (b < length && rank[b] === rank[a]) b++;
    if (b - a > 16) index.subarray(a, b).sort();
    else {
      for (let i = a + 1; i < b; i++) {
        const x = index[i];
        let j = i - 1;
        while (j >= a && index[j] > x) {
          index[j + 1] = index[j];
          j--;
        }
        index[j + 1] = x;
      }
    }
    a = b;
  }
}

/** Coefficient that cancels a pivot of coefficient `pc` when the apparent facet's coboundary is added
 *  (its own pivot coefficient is the facet sign); always 1 over Z/2. */
function cancellingCoefficient(pc: number, facetSign: number, p: number): number {
  return p === 2 ? 1 : (p - ((facetSign === 1 ? pc : p - pc) % p)) % p;
}
