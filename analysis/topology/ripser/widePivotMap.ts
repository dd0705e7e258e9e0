/**
 * `PivotMap` for wide pivots (top vertex, rest index): open addressing on both parts. Used only for the
 * top dimension of a wide binomial table; the narrow map keeps single float64 keys.
 */
import { MAX_LOAD } from './pivotMap';

export class WidePivotMap {
  private his: Int32Array;
  private los: Float64Array;
  private columns: Int32Array;
  /** Pivot coefficients (moduli are below 46337, so 16 bits hold them). */
  private coefs: Uint16Array;
  private mask: number;
  private count = 0;
  private slot = -1;

  constructor(expected = 16) {
    let cap = 16;
    while (cap * MAX_LOAD < expected) cap *= 2;
    this.his = new Int32Array(cap).fill(-1);
    this.los = new Float64Array(cap);
    this.columns = new Int32Array(cap);
    this.coefs = new Uint16Array(cap);
    this.mask = cap - 1;
  }

  private static hash(hi: number, lo: number): number {
    const a = lo >>> 0;
    const b = (lo / 4294967296) >>> 0;
    let h = Math.imul(a ^ Math.imul(b ^ Math.imul(hi, 0x27d4eb2f), 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** Column whose pivot is (hi, lo), or -1. On success `lastCoef()` gives the pivot's coefficient. */
  find(hi: number, lo: number): number {
    const { his, los, mask } = this;
    let i = WidePivotMap.hash(hi, lo) & mask;
    for (;;) {
      const h = his[i];
      if (h === -1) return -1;
      if (h === hi && los[i] === lo) {
        this.slot = i;
        return this.columns[i];
      }
      i = (i + 1) & mask;
    }
  }

  lastCoef(): number {
    return this.coefs[this.slot];
  }

  set(hi: number, lo: number, column: number, coef: number): void {
    if (this.count + 1 > MAX_LOAD * this.his.length) this.rehash();
    const { his, los, mask } = this;
    let i = WidePivotMap.hash(hi, lo) & mask;
    while (his[i] !== -1 && !(his[i] === hi && los[i] === lo)) i = (i + 1) & mask;
    if (his[i] === -1) this.count++;
    his[i] = hi;
    los[i] = lo;
    this.columns[i] = column;
    this.coefs[i] = coef;
  }

  private rehash(): void {
    const { his, los, columns, coefs } = this;
    const cap = his.length * 2;
    this.his = new Int32Array(cap).fill(-1);
    this.los = new Float64Array(cap);
    this.columns = new Int32Array(cap);
    this.coefs = new Uint16Array(cap);
    this.mask = cap - 1;
    this.count = 0;
    for (let i = 0; i < his.length; i++) if (his[i] !== -1) this.set(his[i], los[i], columns[i], coefs[i]);
  }
}
