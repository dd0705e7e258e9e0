/** Growable list of simplices `(rank, index)`: the columns of a dimension and the simplices they come from. */
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
