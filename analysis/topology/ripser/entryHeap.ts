/**
 * Binary min-heap of coboundary entries `(rank, index, coefficient)` in parallel typed arrays, ordered
 * as Ripser's column pivots: smallest diameter rank first, ties by larger simplex index. This is the
 * "working coboundary" of the reduction: columns are added by pushing entries, and equal indices are
 * summed lazily when they reach the top.
 *
 * Entries are not objects (millions are pushed per dimension), so sift-up and sift-down move the
 * three fields by hand and compare (rank, index) inline.
 */
import { grown } from './grown';

export class EntryHeap {
  rank: Int32Array;
  index: Float64Array;
  coef: Int32Array;
  size = 0;

  constructor(capacity = 1024) {
    this.rank = new Int32Array(capacity);
    this.index = new Float64Array(capacity);
    this.coef = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  private grow(): void {
    const cap = this.rank.length * 2;
    this.rank = grown(this.rank, cap);
    this.index = grown(this.index, cap);
    this.coef = grown(this.coef, cap);
  }

  push(r: number, x: number, c: number): void {
    if (this.size === this.rank.length) this.grow();
    const rank = this.rank;
    const index = this.index;
    const coef = this.coef;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pr = rank[p];
      if (pr < r || (pr === r && index[p] >= x)) break;
      rank[i] = pr;
      index[i] = index[p];
      coef[i] = coef[p];
      i = p;
    }
    rank[i] = r;
    index[i] = x;
    coef[i] = c;
  }

  /**
   * Removes every entry with the top's index (the caller has read `rank[0]`, `index[0]`) and returns
   * their coefficients summed mod p: one entry of the summed column.
   */
  popSummed(p: number): number {
    const x0 = this.index[0];
    let c = 0;
    while (this.size > 0 && this.index[0] === x0) {
      c = (c + this.coef[0]) % p;
      this.pop();
    }
    return c;
  }

  /** Removes the top entry (the caller has read `rank[0]`, `index[0]`, `coef[0]`). */
  pop(): void {
    const n = --this.size;
    if (n === 0) return;
    const rank = this.rank;
    const index = this.index;
    const coef = this.coef;
    const r = rank[n];
    const x = index[n];
    const c = coef[n];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n) {
        const lr = rank[child];
        const rr = rank[right];
        if (rr < lr || (rr === lr && index[right] > index[child])) child = right;
      }
      const cr = rank[child];
      if (r < cr || (r === cr && x >= index[child])) break;
      rank[i] = cr;
      index[i] = index[child];
      coef[i] = coef[child];
      i = child;
    }
    rank[i] = r;
    index[i] = x;
    coef[i] = c;
  }
}
