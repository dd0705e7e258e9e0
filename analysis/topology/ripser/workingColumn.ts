/**
 * The working coboundary of the column being reduced: a sum of coefficient-scaled coboundaries of
 * simplices of one dimension, of which the reduction only ever needs the pivot — the entry with the
 * smallest (rank, -index) and a non-zero coefficient. Two implementations give identical pivots:
 * `HeapColumn` (Ripser's heap holding every cofacet; any storage) and `StreamColumn` (lazy sorted
 * coboundary streams; dense storage only, see coboundaryStreams.ts). `WideHeapColumn` is the heap for
 * the top dimension of a wide binomial table, whose cofacets are (top vertex, rest index) pairs.
 */

/**
 * Whether a same-rank cofacet can be the pivot without reduction (not a pivot yet, no apparent facet).
 * The cofacet is (hi, lo): its top vertex and rest index when wide, else hi = -1 and lo = its index.
 */
export type EmergentTest = (hi: number, lo: number, rank: number) => boolean;

/** `start` found no pivot: the column's coboundary is zero. */
export const NO_PIVOT = 0;
/** `start` found the pivot (in `pr`, `px`, `pc`); reduction goes on as usual. */
export const HAS_PIVOT = 1;
/**
 * `start` found an emergent pair: the first same-rank cofacet is the pivot outright (`pr`, `px`, `pc`
 * set), the pair has zero length and no other entry of the column is needed.
 */
export const EMERGENT_PIVOT = 2;

export interface WorkingColumn {
  /** Rank, index and coefficient of the pivot found by the last `start` or successful `getPivot`. */
  readonly pr: number;
  readonly px: number;
  readonly pc: number;
  /** Top vertex of the pivot when the column's cofacets are wide (`px` is then the rest index); else -1. */
  readonly pxHi: number;
  /**
   * Empties the column and adds the coboundary of simplex `x` (rank `r`, dimension `dim`) with
   * coefficient 1, unless the first same-rank cofacet passes `isEmergentPivot`.
   */
  start(x: number, r: number, dim: number, isEmergentPivot: EmergentTest): number;
  /** Adds coef * coboundary(simplex `x` of rank `r`), in the dimension given to `start`. */
  add(x: number, r: number, coef: number): void;
  /** Finds the pivot (summing equal entries); false if the column is zero. */
  getPivot(): boolean;
}
