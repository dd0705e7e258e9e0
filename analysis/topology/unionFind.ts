/**
 * Disjoint sets over 0..n-1 with path compression and union by rank, in typed arrays. Shared by the
 * Rips H0 pass and sublevel-set persistence.
 */
export class UnionFind {
  private readonly parent: Int32Array;
  private readonly rank: Uint8Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.rank = new Uint8Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  find(x: number): number {
    const parent = this.parent;
    let root = x;
    while (parent[root] !== root) root = parent[root];
    while (parent[x] !== root) {
      const next = parent[x];
      parent[x] = root;
      x = next;
    }
    return root;
  }

  /**
   * Label of every element's set, 0, 1, ... in order of each set's first element, and the number of
   * sets (connected components, single-linkage clusters).
   */
  componentLabels(): { labelOf: Int32Array; count: number } {
    const n = this.parent.length;
    const labelOf = new Int32Array(n);
    const labelOfRoot = new Int32Array(n).fill(-1);
    let count = 0;
    for (let i = 0; i < n; i++) {
      const r = this.find(i);
      if (labelOfRoot[r] < 0) labelOfRoot[r] = count++;
      labelOf[i] = labelOfRoot[r];
    }
    return { labelOf, count };
  }

  /** Links the sets of two roots (callers pass roots from `find`); returns the new root. */
  linkRoots(a: number, b: number): number {
    if (a === b) return a;
    if (this.rank[a] > this.rank[b]) {
      this.parent[b] = a;
      return a;
    }
    this.parent[a] = b;
    if (this.rank[a] === this.rank[b]) this.rank[b]++;
    return b;
  }
}
