/**
 * Pairwise distances in the condensed lower-triangular layout Ripser uses: `d(i, j)` for `i > j` lives
 * at `i * (i - 1) / 2 + j`. One flat `Float64Array` is half the memory of a full matrix and is what
 * the Rips engine reads.
 *
 * Euclidean distances are summed left to right in float64 (`s += d * d; Math.sqrt(s)`), exactly what
 * Ripser (with `value_t = double`) computes, so barcodes match the golden files bit for bit; large
 * clouds go through a WebAssembly SIMD kernel (wasmDistances.ts) with the same arithmetic per pair.
 */
import { wasmCondensedDistances } from './wasmDistances';

export type Metric = 'euclidean' | 'cosine';

/**
 * Pairs x coordinates from which the Euclidean matrix is computed by the WebAssembly SIMD kernel
 * (wasmDistances.ts, same bits, ~4x faster): below, building and compiling its module (~3 ms in a
 * fresh process) costs more than it saves.
 */
const WASM_MIN_WORK = 1 << 22;

/** Index of `d(i, j)` (i != j) in a condensed lower-triangular array. */
export function condensedIndex(i: number, j: number): number {
  return i > j ? (i * (i - 1)) / 2 + j : (j * (j - 1)) / 2 + i;
}

/** Number of entries of a condensed matrix for `n` points. */
export function condensedLength(n: number): number {
  return (n * (n - 1)) / 2;
}

/** Recovers `n` from a condensed length, or throws when the length is not triangular. */
export function pointsFromCondensedLength(len: number): number {
  const n = Math.round((1 + Math.sqrt(1 + 8 * len)) / 2);
  if ((n * (n - 1)) / 2 !== len) {
    throw new Error(`condensed distance matrix: length ${len} is not n(n-1)/2 for any n`);
  }
  return len === 0 ? 1 : n;
}

/** Euclidean distance between rows `i` and `j` of a row-major `n x d` matrix. */
export function euclideanDistance(data: Float64Array, d: number, i: number, j: number): number {
  let s = 0;
  const a = i * d;
  const b = j * d;
  for (let k = 0; k < d; k++) {
    const t = data[a + k] - data[b + k];
    s += t * t;
  }
  return Math.sqrt(s);
}

/** Euclidean norms of the rows (used by the cosine metric). */
export function rowNorms(data: Float64Array, n: number, d: number): Float64Array {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0, o = i * d; k < d; k++) s += data[o + k] * data[o + k];
    norms[i] = Math.sqrt(s);
  }
  return norms;
}

/**
 * Cosine distance `1 - <x, y> / (|x| |y|)`, clamped at 0 so that rounding never produces a negative
 * "distance" for (nearly) parallel vectors. Zero vectors have no direction: callers must reject them.
 */
export function cosineDistance(data: Float64Array, d: number, norms: Float64Array, i: number, j: number): number {
  let s = 0;
  const a = i * d;
  const b = j * d;
  for (let k = 0; k < d; k++) s += data[a + k] * data[b + k];
  const c = 1 - s / (norms[i] * norms[j]);
  return c > 0 ? c : 0;
}

/** Throws a clear error if any row has zero norm (cosine distance is undefined there). */
export function assertNoZeroRows(norms: Float64Array): void {
  for (let i = 0; i < norms.length; i++) {
    if (!(norms[i] > 0)) throw new Error(`cosine metric: point ${i} is the zero vector (or not finite); its direction is undefined`);
  }
}

/** Condensed lower-triangular distance matrix of a row-major `n x d` point cloud. */
export function condensedDistances(data: Float64Array, n: number, d: number, metric: Metric = 'euclidean'): Float64Array {
  const out = new Float64Array(condensedLength(n));
  if (metric === 'cosine') {
    const norms = rowNorms(data, n, d);
    assertNoZeroRows(norms);
    let p = 0;
    for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) out[p++] = cosineDistance(data, d, norms, i, j);
    return out;
  }
  if (condensedLength(n) * d >= WASM_MIN_WORK) {
    const fast = wasmCondensedDistances(data, n, d);
    if (fast) return fast;
  }
  for (let i = 1; i < n; i++) euclideanRow(data, d, i, out.subarray((i * (i - 1)) / 2, (i * (i + 1)) / 2));
  return out;
}

/**
 * out[v] = |x_u - x_v| for v < u (row u of the condensed matrix). Four pairs at a time: independent
 * accumulators keep the CPU busy while each pair's sum is still formed left to right over the coordinates,
 * exactly as `euclideanDistance` (and Ripser) would, then one square root. Also the Rips engine's on-demand
 * rows (topology/ripser/distanceRows.ts), which must be bit-identical to the stored matrix.
 */
export function euclideanRow(data: Float64Array, d: number, u: number, out: Float64Array): void {
  const a = u * d;
  let v = 0;
  for (; v + 4 <= u; v += 4) {
    const b0 = v * d;
    const b1 = b0 + d;
    const b2 = b1 + d;
    const b3 = b2 + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < d; k++) {
      const x = data[a + k];
      const t0 = x - data[b0 + k];
      const t1 = x - data[b1 + k];
      const t2 = x - data[b2 + k];
      const t3 = x - data[b3 + k];
      s0 += t0 * t0;
      s1 += t1 * t1;
      s2 += t2 * t2;
      s3 += t3 * t3;
    }
    out[v] = Math.sqrt(s0);
    out[v + 1] = Math.sqrt(s1);
    out[v + 2] = Math.sqrt(s2);
    out[v + 3] = Math.sqrt(s3);
  }
  for (; v < u; v++) out[v] = euclideanDistance(data, d, u, v);
}

/**
 * Enclosing radius `min_i max_j d(i, j)`: above it the Rips complex is a cone (contractible), so
 * Ripser uses it as the default threshold; it provably does not change the barcode except that
 * essential H0 bars stay essential.
 */
export function enclosingRadius(dist: Float64Array, n: number): number {
  if (n <= 1) return 0;
  const rowMax = new Float64Array(n).fill(-Infinity);
  let p = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const v = dist[p++];
      if (v > rowMax[i]) rowMax[i] = v;
      if (v > rowMax[j]) rowMax[j] = v;
    }
  }
  let r = Infinity;
  for (let i = 0; i < n; i++) if (rowMax[i] < r) r = rowMax[i];
  return r;
}

/**
 * Condensed lower-triangular form of a full symmetric n x n distance matrix (row-major), checking
 * symmetry and a zero diagonal so a transposed or non-distance matrix is reported, not silently used.
 */
export function condensedFromFull(full: Float64Array, n: number): Float64Array {
  if (full.length !== n * n) throw new Error(`distance matrix: ${full.length} entries for ${n} x ${n}`);
  const out = new Float64Array(condensedLength(n));
  let p = 0;
  for (let i = 0; i < n; i++) {
    if (full[i * n + i] !== 0) throw new Error(`distance matrix: diagonal entry (${i}, ${i}) is ${full[i * n + i]}, expected 0`);
    for (let j = 0; j < i; j++) {
      const a = full[i * n + j];
      if (a !== full[j * n + i]) throw new Error(`distance matrix: asymmetric at (${i}, ${j}): ${a} vs ${full[j * n + i]}`);
      out[p++] = a;
    }
  }
  return out;
}
