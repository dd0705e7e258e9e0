/**
 * The reduction matrix V of the cohomology reduction without its diagonal, stored column after column
 * (compressed sparse columns in growable typed arrays). When a column is added during reduction, its
 * coboundary is recomputed from these few simplices instead of storing the (much longer) reduced
 * coboundary — Ripser's time/memory trade.
 */
import { grown } from './grown';

export class ReductionMatrix {
  /** `ends[c]` = end offset of column c (its start is `ends[c - 1]`, or 0). */
  private ends: Int32Array;
  rank: Int32Array;
  index: Float64Array;
  coef: Int32Array;
  private entries = 0;
  private columns = 0;

  constructor(columnCapacity: number) {
    this.ends = new Int32Array(Math.max(1, columnCapacity));
    this.rank = new Int32Array(1024);
    this.index = new Float64Array(1024);
    this.coef = new Int32Array(1024);
  }

  start(c: number): number {
    return c === 0 ? 0 : this.ends[c - 1];
  }

  end(c: number): number {
    return this.ends[c];
  }

  /** Opens a new (empty) column; columns are appended in order 0, 1, 2, ... */
  appendColumn(): void {
    if (this.columns === this.ends.length) this.ends = grown(this.ends, this.columns * 2);
    this.ends[this.columns++] = this.entries;
  }

  /** Appends an entry to the last column. */
  push(r: number, x: number, c: number): void {
    if (this.entries === this.rank.length) {
      const cap = this.entries * 2;
      this.rank = grown(this.rank, cap);
      this.index = grown(this.index, cap);
      this.coef = grown(this.coef, cap);
    }
    this.rank[this.entries] = r;
    this.index[this.entries] = x;
    this.coef[this.entries] = c;
    this.entries++;
    this.ends[this.columns - 1] = this.entries;
  }
}
