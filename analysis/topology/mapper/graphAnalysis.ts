/**
 * Shape of a Mapper graph, the quantities SPEC section A uses to say "the weights form trees":
 * connected components, independent cycles (first Betti number E - V + C), whether it is a forest or a
 * tree, its leaves (degree 1) and branch points (degree >= 3).
 */
import { UnionFind } from '../unionFind';

export interface GraphShape {
  nodes: number;
  edges: number;
  components: number;
  /** Number of independent cycles: edges - nodes + components. */
  cycles: number;
  isForest: boolean;
  /** A single connected component without cycles. */
  isTree: boolean;
  leaves: number[];
  branchPoints: number[];
  isolated: number[];
  /** Component id of every node (0, 1, ... in order of first node). */
  componentOf: number[];
}

export function analyzeGraph(nodeCount: number, edges: ReadonlyArray<{ source: number; target: number }>): GraphShape {
  const uf = new UnionFind(nodeCount);
  const degree = new Int32Array(nodeCount);
  for (const e of edges) {
    if (e.source < 0 || e.source >= nodeCount || e.target < 0 || e.target >= nodeCount) {
      throw new Error(`graph: edge ${e.source}-${e.target} refers to a node outside 0..${nodeCount - 1}`);
    }
    degree[e.source]++;
    degree[e.target]++;
    uf.linkRoots(uf.find(e.source), uf.find(e.target));
  }
  const { labelOf, count: components } = uf.componentLabels();
  const componentOf = Array.from(labelOf);
  const cycles = edges.length - nodeCount + components;
  const leaves: number[] = [];
  const branchPoints: number[] = [];
  const isolated: number[] = [];
  for (let v = 0; v < nodeCount; v++) {
    if (degree[v] === 0) isolated.push(v);
    else if (degree[v] === 1) leaves.push(v);
    else if (degree[v] >= 3) branchPoints.push(v);
  }
  return {
    nodes: nodeCount,
    edges: edges.length,
    components,
    cycles,
    isForest: cycles === 0,
    isTree: cycles === 0 && components === 1,
    leaves,
    branchPoints,
    isolated,
    componentOf,
  };
}
