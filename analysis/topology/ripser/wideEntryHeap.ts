/**
 * `EntryHeap` for wide cofacets (the top dimension when its indices exceed 2^53, see binomial.ts): each
 * entry's index is the pair (top vertex `hi`, rest index `index`), compared lexicographically, which is
 * the order of the full 64-bit index. Same order as `EntryHeap`: smallest rank first, ties by larger
 * index. A separate class so the common (narrow) heap keeps its three fields and its comparisons.
 */
import { grown } from './grown';

export class WideEntryHeap {
  rank: Int32Array;
  hi: Int32Array;
  index: Float64Array;
  coef: Int32Array;
  size = 0;

  constructor(capacity = 1024) {
    this.rank = new Int32Array(capacity);
    this.hi = new Int32Array(capacity);
    this.index = new Float64Array(capacity);
    this.coef = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  private grow(): void {
    const cap = this.rank.length * 2;
    this.rank = grown(this.rank, cap);
    this.hi = grown(this.hi, cap);
    this.index = grown(this.index, cap);
    this.coef = grown(this.coef, cap);
  }

  push(r: number, h: number, x: number, c: number): void {
    if (this.size === this.rank.length) this.grow();
    const { rank, hi, index, coef } = this;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pr = rank[p];
      if (pr < r || (pr === r && (hi[p] > h || (hi[p] === h && index[p] >= x)))) break;
      rank[i] = pr;
      hi[i] = hi[p];
      index[i] = index[p];
      coef[i] = coef[p];
      i = p;
    }
    rank[i] = r;
    hi[i] = h;
    index[i] = x;
    coef[i] = c;
  }

  /** Whether the entry at position i is the same simplex as the top. */
  sameAsTop(i: number): boolean {
    return this.index[i] === this.index[0] && this.hi[i] === this.hi[0];
  }

  /** Removes every entry equal to the top and returns their coefficients summed mod p. */
  popSummed(p: number): number {
    const x0 = this.index[0];
    const h0 = this.hi[0];
    let c = 0;
    while (this.size > 0 && this.index[0] === x0 && this.hi[0] === h0) {
      c = (c + this.coef[0]) % p;
      this.pop();
    }
    return c;
  }

  /** Removes the top entry. */
  pop(): void {
    const n = --this.size;
    if (n === 0) return;
    const { rank, hi, index, coef } = this;
    const r = rank[n];
    const h = hi[n];
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
        if (rr < lr || (rr === lr && (hi[right] > hi[child] || (hi[right] === hi[child] && index[right] > index[child])))) child = right;
      }
      const cr = rank[child];
      if (r < cr || (r === cr && (h > hi[child] || (h === hi[child] && x >= index[child])))) break;
      rank[i] = cr;
      hi[i] = hi[child];
      index[i] = index[child];
      coef[i] = coef[child];
      i = child;
    }
    rank[i] = r;
    hi[i] = h;
    index[i] = x;
    coef[i] = c;
  }
}
