/**
 * Interval covers of a lens's range, in the two KeplerMapper conventions. Both split the range
 * [m, M] of each lens dimension into n intervals with an overlap fraction p; a multi-dimensional lens
 * is covered by the products of the per-dimension intervals (first dimension slowest, as
 * `itertools.product`). They differ in what "overlap p" means:
 *
 * - `keplermapper-1.1` (the version used by Gabella 2019, and hence SPEC section A): with c = (M - m)/n,
 *   interval i (i = 0..n-1) is the half-open [m + i c, m + (i+1) c + p c): it starts on the regular grid
 *   and is widened to the right by p c, so each is (1 + p) c wide and p = 0.99 makes neighbours overlap
 *   almost entirely. With p = 0 the maximum M falls in no interval (as in KeplerMapper 1.1).
 * - `kepler-mapper` (kmapper >= 1.2 `Cover(n_cubes, perc_overlap)`): n closed intervals
 *   [ctr - r, ctr + r] with centres evenly spaced from m + c/2 to M - c/2 and radius
 *   r = (M - m) / (2 n (1 - p)), so adjacent intervals share exactly the fraction p of their length;
 *   requires 0 <= p < 1.
 *
 * A lens dimension with zero range (all values equal) is covered by a single interval holding every
 * point (both conventions would otherwise degenerate: empty intervals in 1.1, n identical ones later).
 */
import { columnRange } from '../../linalg/columnRange';

export type CoverKind = 'keplermapper-1.1' | 'kepler-mapper';

export interface CoverSpec {
  kind: CoverKind;
  /** Intervals per lens dimension (a number, or one per dimension). */
  intervals: number | readonly number[];
  /** Overlap fraction p (see the kinds above). */
  overlap: number;
}

export interface Interval {
  lo: number;
  hi: number;
  /** Whether `hi` itself belongs to the interval (closed for kepler-mapper, open for 1.1). */
  hiClosed: boolean;
}

export interface CoverElement {
  /** Interval index per lens dimension. */
  coords: number[];
  /** Point indices in the element, ascending. */
  members: Uint32Array;
}

/** The intervals covering one lens dimension with values in [min, max]. */
export function coverIntervals(min: number, max: number, intervals: number, overlap: number, kind: CoverKind): Interval[] {
  if (!Number.isInteger(intervals) || intervals < 1) throw new Error(`cover: number of intervals must be a positive integer, got ${intervals}`);
  if (!Number.isFinite(overlap) || overlap < 0) throw new Error(`cover: overlap must be >= 0, got ${overlap}`);
  if (kind !== 'keplermapper-1.1' && kind !== 'kepler-mapper') throw new Error(`cover: unknown kind "${kind as string}"`);
  if (kind === 'kepler-mapper' && overlap >= 1) throw new Error(`cover: kepler-mapper overlap must be < 1, got ${overlap}`);
  const range = max - min;
  if (!(range > 0)) return [{ lo: min, hi: max, hiClosed: true }];
  const out: Interval[] = [];
  if (kind === 'keplermapper-1.1') {
    const c = range / intervals;
    for (let i = 0; i < intervals; i++) {
      const lo = min + i * c;
      out.push({ lo, hi: lo + c + overlap * c, hiClosed: false });
    }
    return out;
  }
  const inset = (range - ((intervals - 1) / intervals) * range) / 2;
  const radius = range / (2 * intervals * (1 - overlap));
  const first = min + inset;
  const last = max - inset;
  for (let i = 0; i < intervals; i++) {
    // numpy.linspace(first, last, n): first + i * step, with the last point exactly `last`
    const centre = intervals === 1 ? first : i === intervals - 1 ? last : first + i * ((last - first) / (intervals - 1));
    out.push({ lo: centre - radius, hi: centre + radius, hiClosed: true });
  }
  return out;
}

function inInterval(x: number, iv: Interval): boolean {
  return x >= iv.lo && (iv.hiClosed ? x <= iv.hi : x < iv.hi);
}

/**
 * Cover elements of a lens given row-major (n x dims). Empty elements are dropped; the others keep their
 * position in the product order.
 */
export function coverElements(lens: Float64Array, n: number, dims: number, spec: CoverSpec): CoverElement[] {
  if (lens.length !== n * dims) throw new Error(`cover: lens has ${lens.length} values for ${n} points x ${dims} dimensions`);
  const counts = typeof spec.intervals === 'number' ? new Array<number>(dims).fill(spec.intervals) : [...spec.intervals];
  if (counts.length !== dims) throw new Error(`cover: ${counts.length} interval counts for a ${dims}-dimensional lens`);
  const perDim: Interval[][] = [];
  for (let j = 0; j < dims; j++) {
    const { lo, hi } = columnRange(lens, n, dims, j);
    perDim.push(coverIntervals(lo, hi, counts[j], spec.overlap, spec.kind));
  }
  // Membership per dimension, then intersect along the product.
  const memberOf: Uint32Array[][] = perDim.map((ivs, j) =>
    ivs.map((iv) => {
      const list: number[] = [];
      for (let i = 0; i < n; i++) if (inInterval(lens[i * dims + j], iv)) list.push(i);
      return Uint32Array.from(list);
    }),
  );
  const out: CoverElement[] = [];
  const coords = new Array<number>(dims).fill(0);
  const total = perDim.reduce((a, ivs) => a * ivs.length, 1);
  for (let e = 0; e < total; e++) {
    let rest = e;
    for (let j = dims - 1; j >= 0; j--) {
      coords[j] = rest % perDim[j].length;
      rest = Math.floor(rest / perDim[j].length);
    }
    let members = memberOf[0][coords[0]];
    for (let j = 1; j < dims && members.length > 0; j++) {
      const other = memberOf[j][coords[j]];
      const keep: number[] = [];
      let a = 0;
      let b = 0;
      while (a < members.length && b < other.length) {
        if (members[a] === other[b]) {
          keep.push(members[a]);
          a++;
          b++;
        } else if (members[a] < other[b]) a++;
        else b++;
      }
      members = Uint32Array.from(keep);
    }
    if (members.length > 0) out.push({ coords: [...coords], members });
  }
  return out;
}
