/**
 * Ripser's working column: one heap holding every cofacet of every added simplex; equal entries are
 * summed when they reach the top. Serves sparse storage (and dense storage beyond the points where
 * coboundary streams pay off), and cross-checks the streams in tests.
 */
import type { RipsComplex } from './complex';
import { EntryHeap } from './entryHeap';
import { EMERGENT_PIVOT, HAS_PIVOT, NO_PIVOT, type EmergentTest, type WorkingColumn } from './workingColumn';

export class HeapColumn implements WorkingColumn {
  pr = 0;
  px = 0;
  pc = 0;
  readonly pxHi = -1;
  private readonly heap = new EntryHeap(4096);
  private dim = 1;

  constructor(
    private readonly complex: RipsComplex,
    private readonly modulus: number,
  ) {}

  start(x: number, r: number, dim: number, isEmergentPivot: EmergentTest): number {
    this.dim = dim;
    this.heap.clear();
    const emergent = this.complex.pushCoboundaryOrEmergent(this.heap, x, r, dim, this.modulus, isEmergentPivot);
    if (emergent !== -1) {
      this.pr = r;
      this.px = emergent;
      this.pc = this.complex.emergentCoef;
      return EMERGENT_PIVOT;
    }
    return this.getPivot() ? HAS_PIVOT : NO_PIVOT;
  }

  add(x: number, r: number, coef: number): void {
    this.complex.pushCoboundary(this.heap, x, r, coef, this.dim, this.modulus);
  }

  getPivot(): boolean {
    const heap = this.heap;
    if (this.modulus === 2) {
      for (;;) {
        const s = heap.size;
        if (s === 0) return false;
        const idx = heap.index;
        const x0 = idx[0];
        // A second copy of the minimum, if any, is a child of the root; over Z/2 the two cancel.
        if ((s > 1 && idx[1] === x0) || (s > 2 && idx[2] === x0)) {
          heap.pop();
          heap.pop();
          continue;
        }
        this.pr = heap.rank[0];
        this.px = x0;
        this.pc = 1;
        return true;
      }
    }
    for (;;) {
      if (heap.size === 0) return false;
      const r0 = heap.rank[0];
      const x0 = heap.index[0];
      const c = heap.popSummed(this.modulus);
      if (c !== 0) {
        heap.push(r0, x0, c);
        this.pr = r0;
        this.px = x0;
        this.pc = c;
        return true;
      }
    }
  }
}
