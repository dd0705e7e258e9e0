/**
 * Open-addressing hash map from a simplex index (a float64 integer < 2^53) to the reduction column whose
 * pivot it is, plus the pivot's coefficient. Ripser's `pivot_column_index`; a `Map<number, number>` would
 * box large keys and be several times slower. `find` and `set` take the pivot as (hi, key) like
 * `WidePivotMap`, so the reduction is written once for both; here hi is always -1 and ignored.
 */
/**
 * Largest share of slots in use before the table doubles (linear probing: about 2 probes per hit and
 * 6 per miss at 0.7). Sized for the expected count up front, so a dimension with 542k columns (o3_4096,
 * dimension 3) takes 1M slots, not 2M.
 */
export const MAX_LOAD = 0.7;

export class PivotMap {
  private keys: Float64Array;
  private columns: Int32Array;
  /** Pivot coefficients (moduli are below 46337, so 16 bits hold them). */
  private coefs: Uint16Array;
  private mask: number;
  private count = 0;
  /** Result slot of the last successful `find`. */
  private slot = -1;

  constructor(expected = 16) {
    let cap = 16;
    while (cap * MAX_LOAD < expected) cap *= 2;
    this.keys = new Float64Array(cap).fill(-1);
    this.columns = new Int32Array(cap);
    this.coefs = new Uint16Array(cap);
    this.mask = cap - 1;
  }

  private static hash(key: number): number {
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** Column whose pivot is `key`, or -1. On success `lastCoef()` gives the pivot's coefficient. */
  find(_hi: number, key: number): number {
    const keys = this.keys;
    const mask = this.mask;
    let i = PivotMap.hash(key) & mask;
    for (;;) {
      const k = keys[i];
      if (k === key) {
        this.slot = i;
        return this.columns[i];
      }
      if (k === -1) return -1;
      i = (i + 1) & mask;
    }
  }

  lastCoef(): number {
    return this.coefs[this.slot];
  }

  has(key: number): boolean {
    return this.find(-1, key) !== -1;
  }

  set(_hi: number, key: number, column: number, coef: number): void {
    if (this.count + 1 > MAX_LOAD * this.keys.length) this.rehash();
    const keys = this.keys;
    const mask = this.mask;
    let i = PivotMap.hash(key) & mask;
    while (keys[i] !== -1 && keys[i] !== key) i = (i + 1) & mask;
    if (keys[i] === -1) this.count++;
    keys[i] = key;
    this.columns[i] = column;
    this.coefs[i] = coef;
  }

  private rehash(): void {
    const oldKeys = this.keys;
    const oldColumns = this.columns;
    const oldCoefs = this.coefs;
    const cap = oldKeys.length * 2;
    this.keys = new Float64Array(cap).fill(-1);
    this.columns = new Int32Array(cap);
    this.coefs = new Uint16Array(cap);
    this.mask = cap - 1;
    this.count = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== -1) this.set(-1, oldKeys[i], oldColumns[i], oldCoefs[i]);
  }
}
