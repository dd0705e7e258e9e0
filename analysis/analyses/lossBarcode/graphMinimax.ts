/**
 * Barriers on a sampled graph (SPEC B step 5 applied to chosen vertices, the minima). Every edge carries a
 * level: the highest loss seen on it. With the lower-star filtration that is max(f(u), f(v)); the sampled
 * method also evaluates points inside each edge (sampledBarriers.ts), i.e. it runs the lower-star filtration
 * of the graph with every edge subdivided, so a long edge that jumps over a ridge is not taken for free. The
 * barrier between two vertices is the level at which their sublevel components first join: the minimax
 * path value, min over graph paths of the highest edge level on the path. One union-find pass over the
 * edges in increasing order gives it for every pair of sources at once: when an edge joins two components,
 * each source of one meets each source of the other at that edge's level. An edge's level is never below
 * its endpoints' values, so a barrier is never below either endpoint's value.
 */
import { UnionFind } from '../../topology/unionFind';

/** Lower-star level of every edge: max(f(u), f(v)). */
export function lowerStarLevels(values: Float64Array, edges: Uint32Array): Float64Array {
  const m = edges.length >> 1;
  const level = new Float64Array(m);
  for (let e = 0; e < m; e++) level[e] = Math.max(values[edges[2 * e]], values[edges[2 * e + 1]]);
  return level;
}

/**
 * The minimax matrix between `sources` (vertex indices of a graph on n vertices): `out[s][t]` the level at
 * which sources s and t join, the diagonal `diagonal[s]` (the source's own value), null for sources the
 * graph never connects. Edges are taken in increasing level, ties by index (deterministic).
 */
export function sourceMinimax(n: number, edges: Uint32Array, level: Float64Array, sources: readonly number[], diagonal: ArrayLike<number>): (number | null)[][] {
  const K = sources.length;
  const m = edges.length >> 1;
  if (level.length !== m) throw new Error(`graph minimax: ${level.length} levels for ${m} edges`);
  for (const v of level) if (Number.isNaN(v)) throw new Error('graph minimax: an edge level is NaN');
  const out: (number | null)[][] = Array.from({ length: K }, (_, s) => Array.from({ length: K }, (_, t) => (s === t ? diagonal[s] : null)));
  const uf = new UnionFind(n);
  // Sources held by each component root (none for most vertices): K is small, the lists are short.
  const held = new Map<number, number[]>();
  for (let s = 0; s < K; s++) {
    const list = held.get(sources[s]);
    if (list) {
      // Two sources on one vertex: joined at once, at their own value.
      for (const t of list) out[s][t] = out[t][s] = Math.max(diagonal[s], diagonal[t]);
      list.push(s);
    } else held.set(sources[s], [s]);
  }
  let groups = held.size;
  const order = Uint32Array.from({ length: m }, (_, e) => e).sort((a, b) => level[a] - level[b] || a - b);
  for (let q = 0; q < m && groups > 1; q++) {
    const e = order[q];
    const a = uf.find(edges[2 * e]);
    const b = uf.find(edges[2 * e + 1]);
    if (a === b) continue;
    const la = held.get(a);
    const lb = held.get(b);
    const root = uf.linkRoots(a, b);
    if (!la && !lb) continue;
    if (la && lb) {
      for (const s of la) for (const t of lb) out[s][t] = out[t][s] = level[e];
      groups--;
    }
    held.delete(a);
    held.delete(b);
    held.set(root, la && lb ? la.concat(lb) : (la ?? lb) as number[]);
  }
  return out;
}

/** Compressed adjacency of an undirected edge list: vertex v's neighbours `to[p]` through edge `edge[p]`, p in start[v] .. start[v + 1] - 1. */
export interface Adjacency { start: Int32Array; to: Int32Array; edge: Int32Array }

export function adjacency(n: number, edges: Uint32Array): Adjacency {
  const start = new Int32Array(n + 1);
  for (const v of edges) start[v + 1]++;
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const fill = start.slice(0, n);
  const to = new Int32Array(edges.length);
  const edge = new Int32Array(edges.length);
  for (let e = 0; 2 * e < edges.length; e++) {
    const u = edges[2 * e];
    const v = edges[2 * e + 1];
    edge[fill[u]] = e;
    to[fill[u]++] = v;
    edge[fill[v]] = e;
    to[fill[v]++] = u;
  }
  return { start, to, edge };
}

/**
 * A path that realises the minimax value `level` between `from` and `to`: the shortest (Euclidean, through
 * the samples `points`, n x d row-major) among the paths whose edges all have level <= `level`. Dijkstra
 * with a binary heap. Returns the vertices and the edges between them, or undefined when `to` cannot be
 * reached at that level.
 */
export function minimaxPath(adj: Adjacency, edgeLevel: Float64Array, points: Float64Array, d: number, from: number, to: number, level: number): { vertices: number[]; edges: number[] } | undefined {
  const n = adj.start.length - 1;
  const dist = new Float64Array(n).fill(Infinity);
  const prev = new Int32Array(n).fill(-1);
  const via = new Int32Array(n).fill(-1);
  const done = new Uint8Array(n);
  const heap = new MinHeap();
  dist[from] = 0;
  heap.push(0, from);
  while (heap.size > 0) {
    const v = heap.pop();
    if (done[v]) continue;
    done[v] = 1;
    if (v === to) break;
    for (let p = adj.start[v]; p < adj.start[v + 1]; p++) {
      const w = adj.to[p];
      if (done[w] || edgeLevel[adj.edge[p]] > level) continue;
      let s = 0;
      for (let c = 0; c < d; c++) {
        const x = points[v * d + c] - points[w * d + c];
        s += x * x;
      }
      const alt = dist[v] + Math.sqrt(s);
      if (alt < dist[w]) {
        dist[w] = alt;
        prev[w] = v;
        via[w] = adj.edge[p];
        heap.push(alt, w);
      }
    }
  }
  if (!done[to]) return undefined;
  const vertices = [to];
  const edges: number[] = [];
  while (vertices[vertices.length - 1] !== from) {
    const v = vertices[vertices.length - 1];
    edges.push(via[v]);
    vertices.push(prev[v]);
  }
  return { vertices: vertices.reverse(), edges: edges.reverse() };
}

/** Binary min-heap of (key, vertex) with lazy deletion (stale entries are skipped by the caller). */
class MinHeap {
  private keys: number[] = [];
  private items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(key: number, item: number): void {
    let i = this.items.length;
    this.keys.push(key);
    this.items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent] <= key) break;
      this.keys[i] = this.keys[parent];
      this.items[i] = this.items[parent];
      i = parent;
    }
    this.keys[i] = key;
    this.items[i] = item;
  }
  pop(): number {
    const top = this.items[0];
    const key = this.keys.pop() as number;
    const item = this.items.pop() as number;
    const n = this.items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && this.keys[c + 1] < this.keys[c]) c++;
        if (this.keys[c] >= key) break;
        this.keys[i] = this.keys[c];
        this.items[i] = this.items[c];
        i = c;
      }
      this.keys[i] = key;
      this.items[i] = item;
    }
    return top;
  }
}
