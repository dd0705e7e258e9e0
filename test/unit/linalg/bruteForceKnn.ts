/**
 * The reference k-NN graph for the tests: every distance, a full sort per point by (distance, index),
 * symmetrised (u-v is an edge when v is among u's k nearest or u among v's). O(n^2 log n), obviously right;
 * analysis/linalg/knnGraph.ts (kd-tree / k-best brute force) must give the same edge set.
 */
export function bruteForceKnnGraphEdges(data: Float64Array, n: number, d: number, k: number): Uint32Array {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k-NN graph: k must be a positive integer, got ${k}`);
  if (data.length !== n * d) throw new Error(`k-NN graph: ${data.length} numbers for ${n} points of dimension ${d}`);
  const kk = Math.min(k, n - 1);
  const seen = new Set<number>();
  const out: number[] = [];
  const dist = new Float64Array(n);
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const x = data[i * d + t] - data[j * d + t];
        s += x * x;
      }
      dist[j] = j === i ? Infinity : s;
      idx[j] = j;
    }
    // Partial selection: sort indices by (distance, index) and take the first kk.
    const cand = Array.from(idx).sort((a, b) => dist[a] - dist[b] || a - b);
    for (let t = 0; t < kk; t++) {
      const j = cand[t];
      const u = Math.min(i, j);
      const v = Math.max(i, j);
      const key = u * n + v;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(u, v);
      }
    }
  }
  return Uint32Array.from(out);
}
