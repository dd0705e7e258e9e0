/**
 * Layout of a Mapper graph of weight trajectories so that a tree reads as time: y is each node's mean
 * training step; x comes from a tidy layout of a spanning tree of each component, rooted at its earliest
 * node: leaves take consecutive slots in depth-first order (children visited in order of their mean step)
 * and an inner node sits at the mean x of its children. Components are laid side by side, the earliest
 * first. Deterministic and linear in the graph's size, so 5,000-node graphs lay out instantly; edges
 * outside the spanning tree (cycles) are still drawn, they just do not shape the layout.
 */
export interface LayoutNode { stepMean: number; size: number }
export interface LayoutLink { source: number; target: number }

export interface TreeLayout {
  /** x in slot units (0 .. slots - 1, one per leaf plus one between components), y = mean step. */
  x: Float64Array;
  y: Float64Array;
  slots: number;
  /** Component of each node, 0.. in order of their root's step. */
  component: Int32Array;
}

export function layoutTree(nodes: readonly LayoutNode[], links: readonly LayoutLink[]): TreeLayout {
  const n = nodes.length;
  const adj: number[][] = Array.from({ length: n }, () => []);
  for (const l of links) {
    adj[l.source].push(l.target);
    adj[l.target].push(l.source);
  }
  const byStep = (a: number, b: number) => nodes[a].stepMean - nodes[b].stepMean || a - b;
  for (const list of adj) list.sort(byStep);
  const x = new Float64Array(n);
  const y = Float64Array.from(nodes, (d) => d.stepMean);
  const component = new Int32Array(n).fill(-1);
  const order = Array.from({ length: n }, (_, i) => i).sort(byStep);
  let slot = 0;
  let comp = 0;
  for (const root of order) {
    if (component[root] >= 0) continue;
    // Iterative DFS building the spanning tree (parent pointers) and a post-order.
    const post: number[] = [];
    const stack: [number, number][] = [[root, 0]];
    component[root] = comp;
    const kids = new Map<number, number[]>();
    kids.set(root, []);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [v, i] = top;
      if (i < adj[v].length) {
        top[1]++;
        const w = adj[v][i];
        if (component[w] < 0) {
          component[w] = comp;
          (kids.get(v) as number[]).push(w);
          kids.set(w, []);
          stack.push([w, 0]);
        }
      } else {
        post.push(v);
        stack.pop();
      }
    }
    for (const v of post) {
      const ks = kids.get(v) as number[];
      if (ks.length === 0) x[v] = slot++;
      else x[v] = ks.reduce((a, k) => a + x[k], 0) / ks.length;
    }
    slot += 1; // a gap between components
    comp++;
  }
  return { x, y, slots: Math.max(1, slot - 1), component };
}
