import { grown } from './grown';

/** Growable list of simplices `(rank, index)`: the columns of a dimension and the simplices they come from. */
export class SimplexList {
  rank = new Int32Array(1024);
  index = new Float64Array(1024);
  length = 0;

  push(r: number, x: number): void {
    if (this.length === this.rank.length) {
      this.rank = grown(this.rank, this.length * 2);
      this.index = grown(this.index, this.length * 2);
    }
    this.rank[this.length] = r;
    this.index[this.length++] = x;
  }
}
