/**
 * Exact k-nearest-neighbour graph (Euclidean) for the sampling method of SPEC B step 5, fast enough for
 * 100,000 samples: a kd-tree (median splits on the widest coordinate, leaves of <= 16 points, best-first
 * descent with pruning by the distance to the splitting plane) in low dimension, and in high dimension
 * (d > KD_TREE_MAX_DIM, e.g. samples in weight space, where kd-trees degenerate) an exact brute force that
 * keeps only the k best per point (O(n^2 d) time, O(n k) memory, no sort). Both are exact: ties at the k-th
 * distance are broken by the smaller index, so the graph equals the sort-everything brute force the tests
 * check it against (test/unit/linalg/bruteForceKnn.ts).
 *
 * The graph is symmetrised (u-v is an edge when either is among the other's k nearest), as in
 * topology/sublevel.ts's knnSublevelPersistence0 and BarcodeCalc.
 */

export const KD_TREE_MAX_DIM = 12;
const LEAF = 16;

/** Neighbour lists: `neighbours[i*k .. i*k+k-1]` sorted by (distance, index). */
export interface KnnLists { k: number; neighbours: Int32Array }

/** Keeps the k best (distance, index) in sorted arrays; insertion is O(k), fine for the small k used here. */
function insert(dist: Float64Array, idx: Int32Array, base: number, k: number, d: number, j: number): void {
  let p = base + k - 1;
  if (d > dist[p] || (d === dist[p] && j > idx[p])) return;
  while (p > base && (d < dist[p - 1] || (d === dist[p - 1] && j < idx[p - 1]))) {
    dist[p] = dist[p - 1];
    idx[p] = idx[p - 1];
    p--;
  }
  dist[p] = d;
  idx[p] = j;
}

function bruteForce(data: Float64Array, n: number, d: number, k: number): KnnLists {
  const dist = new Float64Array(n * k).fill(Infinity);
  const idx = new Int32Array(n * k).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const x = data[i * d + t] - data[j * d + t];
        s += x * x;
      }
      // Most pairs lose to both current k-th bests: test before the calls.
      const wi = dist[i * k + k - 1];
      if (s < wi || (s === wi && j < idx[i * k + k - 1])) insert(dist, idx, i * k, k, s, j);
      const wj = dist[j * k + k - 1];
      if (s < wj || (s === wj && i < idx[j * k + k - 1])) insert(dist, idx, j * k, k, s, i);
    }
  }
  return { k, neighbours: idx };
}

interface KdTree {
  /** Point indices, permuted so every node owns a contiguous range. */
  perm: Int32Array;
  /** Per node: range [lo, hi), split dimension (-1 for a leaf), split value, children. */
  lo: Int32Array; hi: Int32Array; dim: Int32Array; split: Float64Array; left: Int32Array; right: Int32Array;
}

function buildTree(data: Float64Array, n: number, d: number): KdTree {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const cap = 2 * Math.ceil(n / (LEAF / 2)) + 2;
  const t: KdTree = { perm, lo: new Int32Array(cap), hi: new Int32Array(cap), dim: new Int32Array(cap), split: new Float64Array(cap), left: new Int32Array(cap), right: new Int32Array(cap) };
  let count = 0;
  const stack: number[] = [];
  const make = (lo: number, hi: number) => {
    const id = count++;
    t.lo[id] = lo;
    t.hi[id] = hi;
    t.dim[id] = -1;
    stack.push(id);
    return id;
  };
  make(0, n);
  while (stack.length > 0) {
    const id = stack.pop() as number;
    const lo = t.lo[id];
    const hi = t.hi[id];
    if (hi - lo <= LEAF) continue;
    let best = 0;
    let spread = -1;
    for (let c = 0; c < d; c++) {
      let mn = Infinity;
      let mx = -Infinity;
      for (let p = lo; p < hi; p++) {
        const v = data[perm[p] * d + c];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      if (mx - mn > spread) { spread = mx - mn; best = c; }
    }
    if (spread <= 0) continue; // all points equal: a leaf, however large
    const mid = (lo + hi) >> 1;
    select(perm, data, d, best, lo, hi - 1, mid);
    t.dim[id] = best;
    t.split[id] = data[perm[mid] * d + best];
    t.left[id] = make(lo, mid);
    t.right[id] = make(mid, hi);
  }
  return t;
}

/** Quickselect: after it, perm[lo..hi] has the k-th smallest (by coordinate c) at k, smaller before, larger after. */
function select(perm: Int32Array, data: Float64Array, d: number, c: number, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const pivot = data[perm[(lo + hi) >> 1] * d + c];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (data[perm[i] * d + c] < pivot) i++;
      while (data[perm[j] * d + c] > pivot) j--;
      if (i <= j) {
        const s = perm[i]; perm[i] = perm[j]; perm[j] = s;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function kdTreeSearch(data: Float64Array, n: number, d: number, k: number): KnnLists {
  const tree = buildTree(data, n, d);
  const dist = new Float64Array(n * k).fill(Infinity);
  const idx = new Int32Array(n * k).fill(-1);
  const q = new Float64Array(d);
  const stack = new Int32Array(256);
  const stackGap = new Float64Array(256);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) q[c] = data[i * d + c];
    const base = i * k;
    let top = 0;
    stack[top] = 0;
    stackGap[top++] = 0;
    while (top > 0) {
      const node = stack[--top];
      const gap = stackGap[top];
      // Prune: the squared gap to this node's region bounds its points' distance (ties kept: index order).
      if (gap > dist[base + k - 1]) continue;
      const c = tree.dim[node];
      if (c < 0) {
        for (let p = tree.lo[node]; p < tree.hi[node]; p++) {
          const j = tree.perm[p];
          if (j === i) continue;
          let s = 0;
          for (let t = 0; t < d; t++) {
            const x = q[t] - data[j * d + t];
            s += x * x;
          }
          // Most candidates lose to the current k-th best: test before the call.
          const worst = dist[base + k - 1];
          if (s < worst || (s === worst && j < idx[base + k - 1])) insert(dist, idx, base, k, s, j);
        }
        continue;
      }
      const diff = q[c] - tree.split[node];
      const below = diff < 0;
      // Far side first on the stack, so the near side is searched first.
      stack[top] = below ? tree.right[node] : tree.left[node];
      stackGap[top++] = Math.max(gap, diff * diff);
      stack[top] = below ? tree.left[node] : tree.right[node];
      stackGap[top++] = gap;
    }
  }
  return { k, neighbours: idx };
}

/** The k nearest neighbours of every point (k capped at n - 1). */
export function knnLists(data: Float64Array, n: number, d: number, k: number): KnnLists {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k-NN graph: k must be a positive integer, got ${k}`);
  if (data.length !== n * d) throw new Error(`k-NN graph: ${data.length} numbers for ${n} points of dimension ${d}`);
  const kk = Math.min(k, n - 1);
  if (kk < 1) return { k: 0, neighbours: new Int32Array(0) };
  return d <= KD_TREE_MAX_DIM ? kdTreeSearch(data, n, d, kk) : bruteForce(data, n, d, kk);
}

/** Symmetrised k-NN graph as flat (u, v) pairs with u < v, each edge once. */
export function knnGraphEdges(data: Float64Array, n: number, d: number, k: number): Uint32Array {
  const { k: kk, neighbours } = knnLists(data, n, d, k);
  const out = new Uint32Array(2 * n * kk);
  let m = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < kk; t++) {
      const j = neighbours[i * kk + t];
      if (j > i) {
        out[m++] = i;
        out[m++] = j;
      } else {
        // j < i: emitted from j's side already when i is among j's neighbours.
        let listed = false;
        for (let s = 0; s < kk; s++) if (neighbours[j * kk + s] === i) { listed = true; break; }
        if (!listed) {
          out[m++] = j;
          out[m++] = i;
        }
      }
    }
  }
  return out.slice(0, m);
}
