/**
 * The nerve of the clusters: a Mapper node per cluster, an edge between two nodes whose clusters share
 * at least `minIntersection` points (1 = KeplerMapper's default: any shared point).
 */
export interface NerveEdge {
  source: number;
  target: number;
  /** Number of shared points. */
  shared: number;
}

/** Edges between node member lists (each ascending) that share >= minIntersection points. */
export function nerveEdges(members: readonly Uint32Array[], n: number, minIntersection = 1): NerveEdge[] {
  if (!Number.isInteger(minIntersection) || minIntersection < 1) {
    throw new Error(`nerve: min_intersection must be a positive integer, got ${minIntersection}`);
  }
  // Nodes containing each point, then count co-occurrences per node pair.
  const nodesOf: number[][] = Array.from({ length: n }, () => []);
  members.forEach((list, node) => {
    for (const p of list) nodesOf[p].push(node);
  });
  const N = members.length;
  const shared = new Map<number, number>();
  for (const nodes of nodesOf) {
    for (let a = 0; a < nodes.length; a++) {
      for (let b = a + 1; b < nodes.length; b++) {
        const key = nodes[a] * N + nodes[b];
        shared.set(key, (shared.get(key) ?? 0) + 1);
      }
    }
  }
  const edges: NerveEdge[] = [];
  for (const [key, count] of shared) {
    if (count >= minIntersection) edges.push({ source: Math.floor(key / N), target: key % N, shared: count });
  }
  edges.sort((x, y) => x.source - y.source || x.target - y.target);
  return edges;
}
