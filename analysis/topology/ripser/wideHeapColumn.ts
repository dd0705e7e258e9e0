/**
 * `HeapColumn` for the top dimension of a wide binomial table: the same Ripser heap, holding cofacets as
 * (top vertex, rest index) pairs (see binomial.ts). The pivot is (`pxHi`, `px`).
 */
import type { RipsComplex } from './complex';
import { WideEntryHeap } from './wideEntryHeap';
import { EMERGENT_PIVOT, HAS_PIVOT, NO_PIVOT, type EmergentTest, type WorkingColumn } from './workingColumn';

export class WideHeapColumn implements WorkingColumn {
  pr = 0;
  pxHi = 0;
  px = 0;
  pc = 0;
  private readonly heap = new WideEntryHeap(4096);
  private dim = 1;

  constructor(
    private readonly complex: RipsComplex,
    private readonly modulus: number,
  ) {}

  start(x: number, r: number, dim: number, isEmergentPivot: EmergentTest): number {
    this.dim = dim;
    this.heap.clear();
    const emergent = this.complex.pushCoboundaryOrEmergentWide(this.heap, x, r, dim, this.modulus, isEmergentPivot);
    if (emergent !== -1) {
      this.pr = r;
      this.pxHi = this.complex.emergentHi;
      this.px = emergent;
      this.pc = this.complex.emergentCoef;
      return EMERGENT_PIVOT;
    }
    return this.getPivot() ? HAS_PIVOT : NO_PIVOT;
  }

  add(x: number, r: number, coef: number): void {
    this.complex.pushCoboundaryWide(this.heap, x, r, coef, this.dim, this.modulus);
  }

  getPivot(): boolean {
    const heap = this.heap;
    if (this.modulus === 2) {
      for (;;) {
        const s = heap.size;
        if (s === 0) return false;
        // A second copy of the minimum, if any, is a child of the root; over Z/2 the two cancel.
        if ((s > 1 && heap.sameAsTop(1)) || (s > 2 && heap.sameAsTop(2))) {
          heap.pop();
          heap.pop();
          continue;
        }
        this.pr = heap.rank[0];
        this.pxHi = heap.hi[0];
        this.px = heap.index[0];
        this.pc = 1;
        return true;
      }
    }
    for (;;) {
      if (heap.size === 0) return false;
      const r0 = heap.rank[0];
      const h0 = heap.hi[0];
      const x0 = heap.index[0];
      const c = heap.popSummed(this.modulus);
      if (c !== 0) {
        heap.push(r0, h0, x0, c);
        this.pr = r0;
        this.pxHi = h0;
        this.px = x0;
        this.pc = c;
        return true;
      }
    }
  }
}
