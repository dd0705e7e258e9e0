/**
 * What makes a Mapper graph of weight trajectories "a tree that grows" (SPEC A, derived measures, our
 * choice): its longest path and its branch events. Edges are read as pointing forward in training time:
 * from the node with the lower mean step to the one with the higher (ties broken by mean lens, then node
 * index, so the orientation is a total order and never cyclic). A node's children are its forward
 * neighbours; a branch event is a node with two or more children, dated at the node's mean step (the
 * height the panel draws it at).
 */
import type { BranchEvent } from '../../worker/protocol/weightTrees';

export interface OrientedNode { stepMean: number; lensMean: number }

function adjacency(nodeCount: number, links: ReadonlyArray<{ source: number; target: number }>): number[][] {
  const adj: number[][] = Array.from({ length: nodeCount }, () => []);
  for (const l of links) {
    adj[l.source].push(l.target);
    adj[l.target].push(l.source);
  }
  return adj;
}

/** BFS distances (in edges) from `source`; -1 for unreachable nodes. */
function bfs(adj: number[][], source: number, dist: Int32Array, queue: Int32Array): void {
  dist.fill(-1);
  dist[source] = 0;
  let head = 0;
  let tail = 0;
  queue[tail++] = source;
  while (head < tail) {
    const v = queue[head++];
    for (const w of adj[v]) {
      if (dist[w] < 0) {
        dist[w] = dist[v] + 1;
        queue[tail++] = w;
      }
    }
  }
}

/**
 * The graph's diameter: the longest shortest path, in edges, over all components. On a forest this is
 * the longest path, found with two BFS per component (farthest node from any node is an end of a
 * longest path); with cycles every node is a BFS source.
 */
export function longestPath(nodeCount: number, links: ReadonlyArray<{ source: number; target: number }>, isForest: boolean): number {
  const adj = adjacency(nodeCount, links);
  const dist = new Int32Array(nodeCount);
  const queue = new Int32Array(nodeCount);
  let best = 0;
  const farthest = (): { node: number; d: number } => {
    let node = -1;
    let d = -1;
    for (let v = 0; v < nodeCount; v++) if (dist[v] > d) { d = dist[v]; node = v; }
    return { node, d };
  };
  if (isForest) {
    const seen = new Uint8Array(nodeCount);
    for (let s = 0; s < nodeCount; s++) {
      if (seen[s]) continue;
      bfs(adj, s, dist, queue);
      for (let v = 0; v < nodeCount; v++) if (dist[v] >= 0) seen[v] = 1;
      const end = farthest();
      bfs(adj, end.node, dist, queue);
      best = Math.max(best, farthest().d);
    }
    return best;
  }
  for (let s = 0; s < nodeCount; s++) {
    bfs(adj, s, dist, queue);
    best = Math.max(best, farthest().d);
  }
  return best;
}

/** Whether node a comes before node b along training time. */
function before(nodes: readonly OrientedNode[], a: number, b: number): boolean {
  const x = nodes[a];
  const y = nodes[b];
  if (x.stepMean !== y.stepMean) return x.stepMean < y.stepMean;
  if (x.lensMean !== y.lensMean) return x.lensMean < y.lensMean;
  return a < b;
}

/** Nodes with >= 2 forward neighbours, by step (then node index). */
export function branchEvents(nodes: readonly OrientedNode[], links: ReadonlyArray<{ source: number; target: number }>): BranchEvent[] {
  const adj = adjacency(nodes.length, links);
  const events: BranchEvent[] = [];
  adj.forEach((neighbours, v) => {
    const children = neighbours.filter((w) => before(nodes, v, w)).sort((a, b) => a - b);
    if (children.length >= 2) events.push({ node: v, step: nodes[v].stepMean, children });
  });
  return events.sort((a, b) => a.step - b.step || a.node - b.node);
}
