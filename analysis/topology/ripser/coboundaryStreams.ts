/**
 * The working coboundary of one column as a heap of lazy, sorted coboundary streams (dense storage).
 *
 * Ripser pushes the whole coboundary (~n entries) of every simplex it adds into one big heap, then pops
 * entries until the pivot survives; most of those entries are never looked at, or cancel in pairs. Here
 * each added simplex contributes a *stream* that yields its cofacets in filtration order on demand, and
 * the column is a small heap of streams keyed by their current heads. Only the entries up to the pivot
 * are ever produced.
 *
 * A simplex of rank r (rank of its longest edge) has two kinds of cofacets:
 * 1. rank == r: adding a vertex v whose edges to the simplex are all shorter — produced by scanning v
 *    downwards (index order descending, which is the filtration tie-break);
 * 2. rank > r: at most one cofacet per longer edge {w, v} with w in the simplex — produced by merging
 *    the neighbour lists of the simplex's vertices, each pre-sorted by rank, keeping v when the edge
 *    {w, v} is the longest from v to the simplex.
 * Both phases emit in strictly increasing (rank, -index) order, so streams merge like sorted lists.
 */
import type { BinomialTable } from './binomial';
import type { DenseRanks } from './edgeFiltration';
import { grown } from './grown';
import type { RankSortedNeighbors } from './rankSortedNeighbors';
import { EMERGENT_PIVOT, HAS_PIVOT, NO_PIVOT, type EmergentTest, type WorkingColumn } from './workingColumn';

/** Stream modes: phase 1 by scanning all vertices, phase 1 from a candidate list, phase 2. */
const SCAN = 0;
const LIST = 1;
const PHASE2 = 2;

export class StreamColumn implements WorkingColumn {
  // Stream storage (a pool reset per column).
  private cap = 0;
  private width: number;
  private sVerts = new Int32Array(0);
  private sPos = new Int32Array(0);
  private sRank = new Int32Array(0);
  private sCoef = new Int32Array(0);
  /** Phase-1 state: next vertex to scan (SCAN), or next index into `pool`, going down (LIST). */
  private sScan = new Int32Array(0);
  private sMode = new Uint8Array(0);
  /** LIST mode: the stream's candidates are pool[sListStart[s] .. sScan[s]], ascending. */
  private sListStart = new Int32Array(0);
  private pool = new Int32Array(1024);
  private poolSize = 0;
  private hRank = new Int32Array(0);
  private hIdx = new Float64Array(0);
  private hCoef = new Int32Array(0);
  private count = 0;
  // Heap of stream ids.
  private heap = new Int32Array(0);
  private size = 0;
  /** Dimension of the simplices whose coboundaries are streamed. */
  private dim = 1;
  private readonly n: number;
  private readonly ranks: Int32Array;
  private readonly byRankV: Int32Array;
  private readonly byRankR: Int32Array;
  private readonly degree: Int32Array;
  private readonly B: Float64Array[];
  /** Vertices of the simplex being added, largest first. */
  private readonly simplexVerts: Int32Array;
  // Pivot found by getPivot.
  pr = 0;
  px = 0;
  pc = 0;
  readonly pxHi = -1;

  constructor(
    edges: DenseRanks,
    neighbors: RankSortedNeighbors,
    private readonly binom: BinomialTable,
    maxDim: number,
    private readonly modulus: number,
  ) {
    this.n = edges.n;
    this.ranks = edges.ranks;
    this.byRankV = neighbors.byRankV;
    this.byRankR = neighbors.byRankR;
    this.degree = neighbors.degree;
    this.B = binom.rows;
    this.width = maxDim + 2;
    this.simplexVerts = new Int32Array(maxDim + 2);
    this.grow(64);
  }

  /** Room for `cap` streams (the per-stream vertex and list-position arrays hold `width` each). */
  private grow(cap: number): void {
    const w = this.width;
    this.sVerts = grown(this.sVerts, cap * w);
    this.sPos = grown(this.sPos, cap * w);
    this.sRank = grown(this.sRank, cap);
    this.sCoef = grown(this.sCoef, cap);
    this.sScan = grown(this.sScan, cap);
    this.sListStart = grown(this.sListStart, cap);
    this.sMode = grown(this.sMode, cap);
    this.hRank = grown(this.hRank, cap);
    this.hCoef = grown(this.hCoef, cap);
    this.hIdx = grown(this.hIdx, cap);
    this.heap = grown(this.heap, cap);
    this.cap = cap;
  }

  start(x: number, r: number, dim: number, isEmergentPivot: EmergentTest): number {
    this.dim = dim;
    this.count = 0;
    this.size = 0;
    this.poolSize = 0;
    if (!this.addStream(x, r, 1)) return NO_PIVOT;
    // The single stream's head is the smallest cofacet: the emergent candidate when it has rank r.
    const head = this.heap[0];
    if (this.hRank[head] === r && isEmergentPivot(-1, this.hIdx[head], r)) {
      this.getPivot();
      return EMERGENT_PIVOT;
    }
    return this.getPivot() ? HAS_PIVOT : NO_PIVOT;
  }

  add(x: number, r: number, coef: number): void {
    this.addStream(x, r, coef);
  }

  /**
   * Adds coef * coboundary(simplex x of rank `rank`) to the column as a new stream. Returns false if the
   * coboundary is empty (within the threshold).
   */
  private addStream(x: number, rank: number, coef: number): boolean {
    const verts = this.simplexVerts;
    this.binom.vertices(x, this.dim, verts);
    if (this.count === this.cap) this.grow(this.cap * 2);
    const s = this.count++;
    const d = this.dim;
    const w = this.width;
    for (let i = 0; i <= d; i++) this.sVerts[s * w + i] = verts[i];
    this.sRank[s] = rank;
    this.sCoef[s] = coef;
    this.startPhase1(s);
    if (!this.advance(s)) {
      this.count--;
      return false;
    }
    this.heapPush(s);
    return true;
  }

  /**
   * Positions stream s's neighbour lists after its rank (for phase 2) and chooses how to enumerate its
   * same-rank cofacets: they are vertices w with every edge to the simplex shorter than rank r, so they
   * all lie in the rank-sorted prefix (ranks < r) of each simplex vertex. When the shortest prefix is
   * small, those candidates are filtered and sorted once (LIST); otherwise all vertices are scanned
   * lazily from the top (SCAN), which stops at the first hit.
   */
  private startPhase1(s: number): void {
    const d = this.dim;
    const n = this.n;
    const base = s * this.width;
    const sv = this.sVerts;
    const r = this.sRank[s];
    const byRankR = this.byRankR;
    let best = 0;
    let bestLen = 0x7fffffff;
    for (let i = 0; i <= d; i++) {
      const u = sv[base + i];
      const start = u * n;
      // first entry with rank >= r, then skip the (at most one) entry equal to r
      let lo = start;
      let hi = start + this.degree[u];
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (byRankR[mid] < r) lo = mid + 1;
        else hi = mid;
      }
      const len = lo - start;
      this.sPos[base + i] = lo < start + this.degree[u] && byRankR[lo] === r ? lo + 1 : lo;
      if (len < bestLen) {
        bestLen = len;
        best = i;
      }
    }
    if (bestLen * 8 >= n) {
      this.sMode[s] = SCAN;
      this.sScan[s] = n - 1;
      return;
    }
    // Candidates from the shortest prefix, kept if all their edges to the simplex are shorter than r.
    const byRankV = this.byRankV;
    const u0 = sv[base + best];
    if (this.poolSize + bestLen > this.pool.length) {
      this.pool = grown(this.pool, Math.max(this.pool.length * 2, this.poolSize + bestLen));
    }
    const pool = this.pool;
    const start = this.poolSize;
    let end = start;
    for (let k = u0 * n, stop = k + bestLen; k < stop; k++) {
      const w = byRankV[k];
      if (this.edgesBelow(base, best, w, r)) {
        // insertion into the ascending run (candidate lists are short)
        let t = end++;
        while (t > start && pool[t - 1] > w) {
          pool[t] = pool[t - 1];
          t--;
        }
        pool[t] = w;
      }
    }
    this.poolSize = end;
    this.sMode[s] = LIST;
    this.sListStart[s] = start;
    this.sScan[s] = end - 1;
  }

  /** Moves stream s to its next cofacet; false when exhausted. */
  private advance(s: number): boolean {
    const d = this.dim;
    const w = this.width;
    const base = s * w;
    const ranks = this.ranks;
    const n = this.n;
    const sv = this.sVerts;
    const r = this.sRank[s];
    const mode = this.sMode[s];
    if (mode === LIST) {
      const t = this.sScan[s];
      if (t >= this.sListStart[s]) {
        this.sScan[s] = t - 1;
        this.setHead(s, r, this.pool[t]);
        return true;
      }
      this.sMode[s] = PHASE2;
    } else if (mode === SCAN) {
      // Phase 1: cofacets of the same rank, vertex descending.
      let v = this.sScan[s];
      if (d === 1) {
        // Edges (the H1 columns, most of the work): two rows, no per-vertex call or inner loop.
        const a = sv[base] * n;
        const b = sv[base + 1] * n;
        while (v >= 0 && (ranks[a + v] >= r || ranks[b + v] >= r)) v--;
      } else if (d === 2) {
        // Triangles (the H2 columns: most of sphere_3_192's time): three rows, likewise.
        const a = sv[base] * n;
        const b = sv[base + 1] * n;
        const c = sv[base + 2] * n;
        while (v >= 0 && (ranks[a + v] >= r || ranks[b + v] >= r || ranks[c + v] >= r)) v--;
      } else {
        while (v >= 0 && !this.edgesBelow(base, -1, v, r)) v--;
      }
      if (v >= 0) {
        this.sScan[s] = v - 1;
        this.setHead(s, r, v);
        return true;
      }
      this.sMode[s] = PHASE2;
    }
    // Phase 2: merge the rank-sorted neighbour lists.
    const byRankR = this.byRankR;
    const byRankV = this.byRankV;
    const pos = this.sPos;
    const degree = this.degree;
    for (;;) {
      let best = -1;
      let bestR = 0x7fffffff;
      for (let i = 0; i <= d; i++) {
        const p = pos[base + i];
        const u = sv[base + i];
        if (p < u * n + degree[u]) {
          const rr = byRankR[p];
          if (rr < bestR) {
            bestR = rr;
            best = i;
          }
        }
      }
      if (best < 0) return false;
      const p = pos[base + best]++;
      const x = byRankV[p];
      if (this.edgesBelow(base, best, x, bestR)) {
        this.setHead(s, bestR, x);
        return true;
      }
    }
  }

  /**
   * Whether the edges from vertex w to the stream's simplex (vertices at `base`), except the one at
   * position `skip` (already known, or -1), all have rank < r: then adding w gives a cofacet of rank r.
   */
  private edgesBelow(base: number, skip: number, w: number, r: number): boolean {
    const { ranks, n } = this;
    const sv = this.sVerts;
    for (let i = 0, d = this.dim; i <= d; i++) {
      if (i !== skip && ranks[sv[base + i] * n + w] >= r) return false;
    }
    return true;
  }

  /** Sets stream s's head to the cofacet adding vertex v, with the given rank. */
  private setHead(s: number, rank: number, v: number): void {
    const d = this.dim;
    const base = s * this.width;
    const sv = this.sVerts;
    const B = this.B;
    let idx = 0;
    let m = 0;
    while (m <= d && sv[base + m] > v) {
      idx += B[d + 2 - m][sv[base + m]];
      m++;
    }
    idx += B[d + 2 - m][v];
    for (let i = m; i <= d; i++) idx += B[d + 1 - i][sv[base + i]];
    this.hRank[s] = rank;
    this.hIdx[s] = idx;
    const c = this.sCoef[s];
    this.hCoef[s] = (d + 1 - m) & 1 ? (this.modulus - c) % this.modulus : c;
  }

  private less(a: number, b: number): boolean {
    const ra = this.hRank[a];
    const rb = this.hRank[b];
    return ra < rb || (ra === rb && this.hIdx[a] > this.hIdx[b]);
  }

  private heapPush(s: number): void {
    const heap = this.heap;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(s, heap[p])) break;
      heap[i] = heap[p];
      i = p;
    }
    heap[i] = s;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = this.size;
    const s = heap[i];
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(heap[c + 1], heap[c])) c++;
      if (!this.less(heap[c], s)) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = s;
  }

  /** Advances the stream at heap position i (a child of the root or the root itself). */
  private advanceAt(i: number): void {
    const s = this.heap[i];
    if (this.advance(s)) {
      this.siftDown(i);
    } else {
      const last = this.heap[--this.size];
      if (i < this.size) {
        this.heap[i] = last;
        this.siftDown(i);
      }
    }
  }

  /** Finds the column's pivot (summing equal heads); false if the column is zero. */
  getPivot(): boolean {
    const heap = this.heap;
    const hIdx = this.hIdx;
    if (this.modulus === 2) {
      for (;;) {
        if (this.size === 0) return false;
        const x0 = hIdx[heap[0]];
        let twin = -1;
        if (this.size > 1 && hIdx[heap[1]] === x0) twin = 1;
        else if (this.size > 2 && hIdx[heap[2]] === x0) twin = 2;
        if (twin < 0) {
          this.pr = this.hRank[heap[0]];
          this.px = x0;
          this.pc = 1;
          return true;
        }
        // Advance the twin first: advancing the root could move the twin.
        this.advanceAt(twin);
        this.advanceAt(0);
      }
    }
    const p = this.modulus;
    for (;;) {
      if (this.size === 0) return false;
      const s0 = heap[0];
      const r0 = this.hRank[s0];
      const x0 = hIdx[s0];
      if (!this.hasTwinAtTop(x0)) {
        // Coefficients of stream heads are never 0 mod p, so a lone head is the pivot.
        this.pr = r0;
        this.px = x0;
        this.pc = this.hCoef[s0];
        return true;
      }
      // Several streams share the minimum: sum and consume them all, re-insert the sum if non-zero.
      let c = 0;
      while (this.size > 0 && hIdx[heap[0]] === x0) {
        c = (c + this.hCoef[heap[0]]) % p;
        this.advanceAt(0);
      }
      if (c !== 0) {
        this.pushSingle(r0, x0, c);
        this.pr = r0;
        this.px = x0;
        this.pc = c;
        return true;
      }
    }
  }

  private hasTwinAtTop(x0: number): boolean {
    const heap = this.heap;
    return (this.size > 1 && this.hIdx[heap[1]] === x0) || (this.size > 2 && this.hIdx[heap[2]] === x0);
  }

  /** A stream holding exactly one entry (used for summed Z/p pivots). */
  private pushSingle(rank: number, idx: number, coef: number): void {
    if (this.count === this.cap) this.grow(this.cap * 2);
    const s = this.count++;
    // Phase 1 done and every list pointer at the end of vertex 0's list: advancing ends the stream.
    this.sMode[s] = PHASE2;
    const base = s * this.width;
    for (let i = 0; i <= this.dim; i++) {
      this.sVerts[base + i] = 0;
      this.sPos[base + i] = this.degree[0];
    }
    this.hRank[s] = rank;
    this.hIdx[s] = idx;
    this.hCoef[s] = coef;
    this.heapPush(s);
  }
}
