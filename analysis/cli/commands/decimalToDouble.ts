/**
 * Exact conversion of decimal numbers with 16 to 19 significant digits (what shortest round-trip
 * output such as JavaScript's `String(x)`, NumPy's `repr` or `%.17g` writes) to the nearest float64,
 * without strings: the number scanner (numberScanner.ts) calls it for tokens that fall off Clinger's
 * fast path (at most 15 digits), which is almost every coordinate of a machine-written point cloud.
 *
 * The value is w / 10^p with w = a * 10^j + r < 10^19 and 0 <= p <= 22, so 10^p is an exact double.
 * w is held exactly as a double-double (H + L), q1 = fl(H / 10^p) is within an ulp of the quotient, and
 * the remainder w - q1 * 10^p is formed exactly up to two roundings (Dekker's product, Sterbenz's lemma),
 * giving the correction q2 with an error below 2^-50 (|t1| / 10^p + |q2|) (t1: the remainder before
 * L is added). The answer is round(q1 + q2) unless a rounding boundary (a midpoint between two doubles)
 * lies within 2^-45 times that, 32 times the error bound: then the caller falls back to `Number`. Since
 * rounding is monotone, fl(q1 + (q2 - E)) === fl(q1 + (q2 + E)) proves that every value in the error
 * interval, the true one included, rounds to the same double. Exact ties never pass the test
 * (E > 0 unless the quotient is exact), so round-half-even is always `Number`'s own.
 */

/** Exact powers of ten 10^0 .. 10^22 (the largest exact in float64). */
export const POW10 = Float64Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Dekker's splitter 2^27 + 1: c = SPLIT * x; hi = c - (c - x) keeps x's top 26 bits, x - hi the rest. */
export const SPLIT = 134217729;
/** The high and low halves of each 10^p, split once. */
export const POW10_HIGH = POW10.map((p) => SPLIT * p - (SPLIT * p - p));
export const POW10_LOW = POW10.map((p, i) => p - POW10_HIGH[i]);
/** fl(1 / 10^p): the quotients below are multiplications (see the error bound above). */
export const INV_POW10 = POW10.map((p) => 1 / p);
export const MARGIN = 2 ** -45;

/**
 * The double nearest to (a * 10^j + r) / 10^p, or NaN where this method cannot prove which double that
 * is (about one token in 10^10, and exact ties): the caller then asks `Number`.
 * Requires: a an integer < 10^9, 0 <= j <= 10, r an integer < 10^j, 0 <= p <= 22.
 */
export function exactDecimal(a: number, j: number, r: number, p: number): number {
  // w = a * 10^j + r exactly as H + L: a = ah + al with al its low 14 bits; ah * 10^j (16 + 24 + j bits
  // of which j are trailing zeros) and al * 10^j + r (< 2^48) are exact, and their TwoSum is exact.
  const scale = POW10[j];
  const al = a & 0x3fff;
  const x = (a - al) * scale;
  const y = al * scale + r;
  const H = x + y;
  const yv = H - x;
  const L = x - (H - yv) + (y - yv);
  // q1 = fl(H / D); P + Pe = q1 * D exactly (Dekker's product); H - P is exact (Sterbenz).
  const D = POW10[p];
  const R = INV_POW10[p];
  const q1 = H * R;
  const cq = SPLIT * q1;
  const qh = cq - (cq - q1);
  const ql = q1 - qh;
  const P = q1 * D;
  const Dh = POW10_HIGH[p];
  const Dl = POW10_LOW[p];
  const Pe = qh * Dh - P + qh * Dl + ql * Dh + ql * Dl;
  const t1 = H - P - Pe;
  const q2 = (t1 + L) * R;
  const e = (Math.abs(t1) * R + Math.abs(q2)) * MARGIN;
  const below = q1 + (q2 - e);
  return below === q1 + (q2 + e) ? below : NaN;
}
