/**
 * The edges of a Rips filtration, ranked. Every edge with length <= threshold gets a rank: its position
 * in the order (length ascending, ties by edge index descending — Ripser's reverse-colexicographic
 * tie-break). The engine then measures every simplex by the rank of its longest edge instead of by a
 * float length: comparisons become integer comparisons, the threshold test becomes `rank < edgeCount`,
 * and since ranks refine lengths the barcode is unchanged (any total order compatible with the
 * filtration gives the same persistence pairs' values; deaths/births are read back as `lengthOfRank`).
 *
 * Dense inputs keep ranks in a full n x n `Int32Array` (4 n^2 bytes): a coboundary scan then reads
 * whole rows contiguously. Sparse (thresholded) inputs keep sorted neighbour lists in CSR form. The
 * arrays the column threads read are on shared memory (sharedArrays.ts), so they are not copied to them.
 */
import type { DistanceRows } from './distanceRows';
import { radixSortKeysWithPayload } from './radixSort';
import { sharedInt32Array } from './sharedArrays';

/** Rank of a pair that is not an edge (longer than the threshold, or infinite). */
export const NO_EDGE = 0x7fffffff;

export interface RankedEdges {
  n: number;
  edgeCount: number;
  /** Length of the edge of each rank. */
  lengthOfRank: Float64Array;
  /** Endpoints (u > v) of the edge of each rank. */
  uOfRank: Int32Array;
  vOfRank: Int32Array;
}

export interface DenseRanks extends RankedEdges {
  kind: 'dense';
  /** `ranks[i * n + j]` = rank of edge {i, j}, NO_EDGE if absent or i == j. */
  ranks: Int32Array;
}

export interface SparseRanks extends RankedEdges {
  kind: 'sparse';
  /** Neighbours of vertex i: `neighbors[offsets[i] .. offsets[i+1])`, ascending, with `neighborRanks`. */
  offsets: Int32Array;
  neighbors: Int32Array;
  neighborRanks: Int32Array;
}

/** Number of pairs with distance <= threshold (the edges of the complex). */
export function countEdgesWithin(rows: DistanceRows, threshold: number): number {
  let m = 0;
  for (let u = 1; u < rows.n; u++) m += countRowWithin(rows.row(u), threshold);
  return m;
}

function countRowWithin(row: Float64Array, threshold: number): number {
  let m = 0;
  for (let v = 0; v < row.length; v++) if (row[v] <= threshold) m++;
  return m;
}

/** Largest n for which the dense n x n rank matrix is allowed (256 MiB). */
export const MAX_DENSE_POINTS = 8192;

/**
 * Ranks the edges of length <= threshold. Edges are collected by decreasing index (rows from the
 * bottom, each row right to left; index p = C(u, 2) + v with u > v) so the stable sort breaks ties by
 * index descending, with their endpoints packed in the sort payload (u * 65536 + v; for n > 65536 the
 * payload is the collection position instead).
 */
function rankEdges(rows: DistanceRows, threshold: number, m: number): RankedEdges {
  const { n } = rows;
  const keys = new Float64Array(m);
  const packed = n <= 65536;
  const pay = new Uint32Array(m);
  let q = 0;
  for (let u = n - 1; u >= 1; u--) q = collectRow(rows.row(u), u, threshold, packed, keys, pay, q);
  if (q !== m) throw new Error(`rips: ${q} edges within the threshold, counted ${m}`);
  let unpackedU: Int32Array | null = null;
  let unpackedV: Int32Array | null = null;
  if (!packed) {
    // Rare (sparse inputs with more than 65536 points): remember endpoints by collection position.
    unpackedU = new Int32Array(m);
    unpackedV = new Int32Array(m);
    let t = 0;
    for (let u = n - 1; u >= 1; u--) {
      const row = rows.row(u);
      for (let v = u - 1; v >= 0; v--) {
        if (row[v] <= threshold) {
          unpackedU[t] = u;
          unpackedV[t++] = v;
        }
      }
    }
  }
  radixSortKeysWithPayload(keys, pay);
  const lengthOfRank = keys;
  const uOfRank = sharedInt32Array(m);
  const vOfRank = sharedInt32Array(m);
  if (packed) unpackEndpoints(pay, uOfRank, vOfRank);
  else gatherEndpoints(pay, unpackedU!, unpackedV!, uOfRank, vOfRank);
  return { n, edgeCount: m, lengthOfRank, uOfRank, vOfRank };
}

// The loops below each have a function of their own: they run once per input, and V8 compiles a hot
// loop with the type feedback its function has gathered so far (a later loop in the same function would
// have none, and the compiled code would be thrown away on reaching it).

function unpackEndpoints(pay: Uint32Array, uOfRank: Int32Array, vOfRank: Int32Array): void {
  for (let r = 0; r < pay.length; r++) {
    const x = pay[r];
    uOfRank[r] = x >>> 16;
    vOfRank[r] = x & 0xffff;
  }
}

function gatherEndpoints(pay: Uint32Array, us: Int32Array, vs: Int32Array, uOfRank: Int32Array, vOfRank: Int32Array): void {
  for (let r = 0; r < pay.length; r++) {
    uOfRank[r] = us[pay[r]];
    vOfRank[r] = vs[pay[r]];
  }
}

function fillRankMatrix(n: number, uOfRank: Int32Array, vOfRank: Int32Array, ranks: Int32Array): void {
  for (let r = 0; r < uOfRank.length; r++) {
    const u = uOfRank[r];
    const v = vOfRank[r];
    ranks[u * n + v] = r;
    ranks[v * n + u] = r;
  }
}

/** Appends row u's edges within the threshold (v descending) at position q; returns the new end. */
function collectRow(row: Float64Array, u: number, threshold: number, packed: boolean, keys: Float64Array, pay: Uint32Array, q: number): number {
  for (let v = u - 1; v >= 0; v--) {
    const d = row[v];
    if (d <= threshold) {
      keys[q] = d + 0; // + 0 turns -0 into +0 for the bitwise sort
      pay[q] = packed ? u * 65536 + v : q;
      q++;
    }
  }
  return q;
}

/** `edgeCount`: countEdgesWithin(rows, threshold), when the caller has it already. */
export function denseEdgeRanks(rows: DistanceRows, threshold: number, edgeCount = countEdgesWithin(rows, threshold)): DenseRanks {
  const { n } = rows;
  if (n > MAX_DENSE_POINTS) {
    throw new Error(`rips: ${n} points is too many for a dense Rips filtration (max ${MAX_DENSE_POINTS}); give a threshold`);
  }
  const base = rankEdges(rows, threshold, edgeCount);
  const ranks = sharedInt32Array(n * n).fill(NO_EDGE);
  fillRankMatrix(n, base.uOfRank, base.vOfRank, ranks);
  return { kind: 'dense', ...base, ranks };
}

export function sparseEdgeRanks(rows: DistanceRows, threshold: number, edgeCount = countEdgesWithin(rows, threshold)): SparseRanks {
  const { n } = rows;
  const base = rankEdges(rows, threshold, edgeCount);
  const degree = new Int32Array(n + 1);
  for (let r = 0; r < base.edgeCount; r++) {
    degree[base.uOfRank[r] + 1]++;
    degree[base.vOfRank[r] + 1]++;
  }
  const offsets = sharedInt32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + degree[i + 1];
  const fill = offsets.slice(0, n);
  const neighbors = sharedInt32Array(2 * base.edgeCount);
  const neighborRanks = sharedInt32Array(2 * base.edgeCount);
  for (let r = 0; r < base.edgeCount; r++) {
    const u = base.uOfRank[r];
    const v = base.vOfRank[r];
    neighbors[fill[u]] = v;
    neighborRanks[fill[u]++] = r;
    neighbors[fill[v]] = u;
    neighborRanks[fill[v]++] = r;
  }
  // Each list ascending by neighbour: sort (neighbour, rank) pairs packed into one float64.
  let scratch = new Float64Array(16);
  for (let i = 0; i < n; i++) {
    const a = offsets[i];
    const len = offsets[i + 1] - a;
    if (len < 2) continue;
    if (scratch.length < len) scratch = new Float64Array(len);
    const seg = scratch.subarray(0, len);
    for (let t = 0; t < len; t++) seg[t] = neighbors[a + t] * 4294967296 + neighborRanks[a + t];
    seg.sort();
    for (let t = 0; t < len; t++) {
      const x = seg[t];
      const nb = Math.floor(x / 4294967296);
      neighbors[a + t] = nb;
      neighborRanks[a + t] = x - nb * 4294967296;
    }
  }
  return { kind: 'sparse', ...base, offsets, neighbors, neighborRanks };
}
