/**
 * Bottleneck distance between two persistence diagrams of one dimension: the smallest eps such that
 * the bars can be matched, each bar to a bar of the other diagram or to the diagonal, with every
 * matched pair within eps in the L-infinity norm (a bar (b, d) is (d - b) / 2 from the diagonal).
 *
 * Exact: binary search over the finite set of candidate distances, each tested by a maximum bipartite
 * matching (Hopcroft-Karp) on the usual doubled graph (each side's bars plus the other side's diagonal
 * projections). Essential bars can only match essential bars; the optimal matching of their births
 * is the sorted one. O(m^2 log m) memory-free candidate tests; meant for diagrams up to a few thousand
 * bars.
 */
import type { PersistenceBar } from './diagram';

interface Pt {
  b: number;
  d: number;
}

function linf(p: Pt, q: Pt): number {
  return Math.max(Math.abs(p.b - q.b), Math.abs(p.d - q.d));
}

function diag(p: Pt): number {
  return (p.d - p.b) / 2;
}

/** Can the finite points be matched with every cost <= eps? (Hopcroft-Karp on the doubled graph.) */
function matchable(A: Pt[], B: Pt[], eps: number): boolean {
  const m = A.length;
  const k = B.length;
  const size = m + k;
  // Left: A[0..m) then diagonal copies of B (m..m+k). Right: B[0..k) then diagonal copies of A.
  const adj: number[][] = [];
  for (let i = 0; i < size; i++) {
    const list: number[] = [];
    if (i < m) {
      for (let j = 0; j < k; j++) if (linf(A[i], B[j]) <= eps) list.push(j);
      if (diag(A[i]) <= eps) list.push(k + i);
    } else {
      const j = i - m;
      if (diag(B[j]) <= eps) list.push(j);
      for (let a = 0; a < m; a++) list.push(k + a); // diagonal to diagonal is free
    }
    adj.push(list);
  }
  const matchL = new Int32Array(size).fill(-1);
  const matchR = new Int32Array(size).fill(-1);
  const dist = new Int32Array(size);
  const queue = new Int32Array(size);
  const INF = 0x3fffffff;
  const bfs = (): boolean => {
    let head = 0;
    let tail = 0;
    let found = false;
    for (let i = 0; i < size; i++) {
      if (matchL[i] === -1) {
        dist[i] = 0;
        queue[tail++] = i;
      } else dist[i] = INF;
    }
    while (head < tail) {
      const u = queue[head++];
      for (const v of adj[u]) {
        const w = matchR[v];
        if (w === -1) found = true;
        else if (dist[w] === INF) {
          dist[w] = dist[u] + 1;
          queue[tail++] = w;
        }
      }
    }
    return found;
  };
  const dfs = (u: number): boolean => {
    for (const v of adj[u]) {
      const w = matchR[v];
      if (w === -1 || (dist[w] === dist[u] + 1 && dfs(w))) {
        matchL[u] = v;
        matchR[v] = u;
        return true;
      }
    }
    dist[u] = INF;
    return false;
  };
  let matched = 0;
  while (bfs()) {
    for (let i = 0; i < size; i++) if (matchL[i] === -1 && dfs(i)) matched++;
  }
  return matched === size;
}

/** Bottleneck distance between the finite parts of two point sets (exact). */
export function bottleneckFinite(A: Pt[], B: Pt[]): number {
  const cand = new Set<number>([0]);
  for (const p of A) cand.add(diag(p));
  for (const q of B) cand.add(diag(q));
  for (const p of A) for (const q of B) cand.add(linf(p, q));
  const values = [...cand].sort((x, y) => x - y);
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (matchable(A, B, values[mid])) hi = mid;
    else lo = mid + 1;
  }
  return values[lo];
}

/**
 * Bottleneck distance between the bars of dimension `dim` of two diagrams. Returns `Infinity` when the
 * numbers of essential bars differ (no finite matching exists).
 */
export function bottleneckDistance(a: readonly PersistenceBar[], b: readonly PersistenceBar[], dim: number): number {
  const A = splitBars(a, dim);
  const B = splitBars(b, dim);
  if (A.essentialBirths.length !== B.essentialBirths.length) return Infinity;
  let ess = 0;
  for (let i = 0; i < A.essentialBirths.length; i++) ess = Math.max(ess, Math.abs(A.essentialBirths[i] - B.essentialBirths[i]));
  return Math.max(ess, bottleneckFinite(A.finite, B.finite));
}

/** The non-empty bars of `dim`: finite ones as points, essential ones by birth (sorted ascending). */
function splitBars(bars: readonly PersistenceBar[], dim: number): { finite: Pt[]; essentialBirths: number[] } {
  const finite: Pt[] = [];
  const essentialBirths: number[] = [];
  for (const x of bars) {
    if (x.dim !== dim || !(x.death > x.birth)) continue;
    if (x.death === Infinity) essentialBirths.push(x.birth);
    else finite.push({ b: x.birth, d: x.death });
  }
  essentialBirths.sort((x, y) => x - y);
  return { finite, essentialBirths };
}
