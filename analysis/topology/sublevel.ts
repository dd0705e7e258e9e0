/**
 * 0-dimensional sublevel-set persistence of a function on a graph (lower-star filtration): vertex v
 * enters at f(v), edge uv at max(f(u), f(v)). Components are tracked with union-find; when an edge
 * joins two components the younger one (larger minimum — the elder rule) dies at the edge's value.
 *
 * This is the barcode of a loss landscape's minima (SPEC section B): each local minimum is born at its
 * value and dies at the lowest saddle connecting it to a deeper minimum; the global minimum of each
 * connected component lives forever. Zero-length pairs are omitted, as in GUDHI's output.
 */
import type { PersistenceBar } from './diagram';
import { UnionFind } from './unionFind';
import { knnGraphEdges } from '../linalg/knnGraph';

function validate(values: Float64Array, edges: Uint32Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`sublevel persistence: value of vertex ${i} is ${values[i]} (must be finite)`);
  }
  if (edges.length % 2 !== 0) throw new Error(`sublevel persistence: edges must be flat (u, v) pairs, got an odd length ${edges.length}`);
  for (let k = 0; k < edges.length; k++) {
    if (edges[k] >= values.length) {
      throw new Error(`sublevel persistence: edge ${k >> 1} refers to vertex ${edges[k]} but there are only ${values.length} vertices`);
    }
  }
}

/**
 * Barcode of H0 of the lower-star filtration of `values` on the graph `edges` (flat u,v pairs).
 * Representatives: `birthSimplex` = [the minimum vertex of the dying component], `deathSimplex` = [u, v]
 * of the edge that merged it (the saddle); essential bars have `deathSimplex = []`.
 */
export function sublevelPersistence0(values: Float64Array, edges: Uint32Array): PersistenceBar[] {
  validate(values, edges);
  const n = values.length;
  const m = edges.length >> 1;
  const edgeValue = new Float64Array(m);
  for (let e = 0; e < m; e++) {
    const a = values[edges[2 * e]];
    const b = values[edges[2 * e + 1]];
    edgeValue[e] = a > b ? a : b;
  }
  const order = new Uint32Array(m);
  for (let e = 0; e < m; e++) order[e] = e;
  order.sort((a, b) => edgeValue[a] - edgeValue[b] || a - b);
  const uf = new UnionFind(n);
  // Minimum vertex of each component (ties: smaller index is older).
  const oldest = new Int32Array(n);
  for (let i = 0; i < n; i++) oldest[i] = i;
  const older = (a: number, b: number): boolean => values[a] < values[b] || (values[a] === values[b] && a < b);
  const bars: PersistenceBar[] = [];
  for (let k = 0; k < m; k++) {
    const e = order[k];
    const u = edges[2 * e];
    const v = edges[2 * e + 1];
    const ru = uf.find(u);
    const rv = uf.find(v);
    if (ru === rv) continue;
    const a = oldest[ru];
    const b = oldest[rv];
    const [elder, younger] = older(a, b) ? [a, b] : [b, a];
    const death = edgeValue[e];
    if (death > values[younger]) {
      bars.push({ dim: 0, birth: values[younger], death, birthSimplex: [younger], deathSimplex: u < v ? [u, v] : [v, u] });
    }
    oldest[uf.linkRoots(ru, rv)] = elder;
  }
  for (let i = 0; i < n; i++) {
    if (uf.find(i) === i) bars.push({ dim: 0, birth: values[oldest[i]], death: Infinity, birthSimplex: [oldest[i]], deathSimplex: [] });
  }
  return bars;
}

/** Edges of an H x W grid (vertex id = row * W + col), 4- or 8-connected (8 adds both diagonals). */
export function gridEdges(height: number, width: number, connectivity: 4 | 8): Uint32Array {
  const out: number[] = [];
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const v = r * width + c;
      if (c + 1 < width) out.push(v, v + 1);
      if (r + 1 < height) out.push(v, v + width);
      if (connectivity === 8 && r + 1 < height) {
        if (c + 1 < width) out.push(v, v + width + 1);
        if (c > 0) out.push(v, v + width - 1);
      }
    }
  }
  return Uint32Array.from(out);
}

/** Sublevel persistence of an image / height field given row-major as `values` (H x W). */
export function gridSublevelPersistence0(values: Float64Array, height: number, width: number, connectivity: 4 | 8 = 4): PersistenceBar[] {
  if (values.length !== height * width) {
    throw new Error(`grid sublevel persistence: ${values.length} values for a ${height} x ${width} grid`);
  }
  return sublevelPersistence0(values, gridEdges(height, width, connectivity));
}

/**
 * Sublevel persistence of a function sampled at scattered points (e.g. loss values at sampled weight
 * vectors): the graph is the symmetrised k-nearest-neighbour graph of the samples (Euclidean).
 */
export function knnSublevelPersistence0(values: Float64Array, points: Float64Array, n: number, d: number, k: number): PersistenceBar[] {
  if (values.length !== n) throw new Error(`k-NN sublevel persistence: ${values.length} values for ${n} points`);
  return sublevelPersistence0(values, knnGraphEdges(points, n, d, k));
}
