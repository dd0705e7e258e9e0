/**
 * A layer's graph in KeplerMapper's graph dictionary shape (`mapper.map(...)` returns it; `kmapper`'s
 * visualize and networkx adapters read it): `nodes` maps a node id to its member point indices, `links`
 * maps a node id to the ids it is linked to (each edge listed once, from its first node), `meta_data`
 * records how the graph was made. Our node ids are already `cube<i>_cluster<k>` as KeplerMapper names them.
 */
import type { LayerTree } from '../../worker/protocol/weightTrees';

export interface KeplerMapperGraph {
  nodes: Record<string, number[]>;
  links: Record<string, string[]>;
  simplices: string[][];
  meta_data: Record<string, unknown>;
  meta_nodes: Record<string, unknown>;
}

export function toKeplerMapperGraph(tree: LayerTree): KeplerMapperGraph {
  const nodes: Record<string, number[]> = {};
  for (const node of tree.nodes) nodes[node.id] = node.members;
  const links: Record<string, string[]> = {};
  for (const l of tree.links) (links[tree.nodes[l.source].id] ??= []).push(tree.nodes[l.target].id);
  const s = tree.settings;
  return {
    nodes,
    links,
    simplices: [...tree.nodes.map((n) => [n.id]), ...tree.links.map((l) => [tree.nodes[l.source].id, tree.nodes[l.target].id])],
    meta_data: {
      projection: `norm of PCA-${s.pca} point`,
      n_cubes: s.intervals,
      perc_overlap: s.overlap,
      cover: s.cover,
      clusterer: `DBSCAN(eps=${s.eps}, min_samples=${s.minSamples})`,
      layer: tree.layer,
      point_order: 'checkpoint-major: point = checkpoint * neurons + neuron',
      neurons: tree.neurons,
      checkpoints: tree.checkpoints,
    },
    meta_nodes: Object.fromEntries(tree.nodes.map((n) => [n.id, { step_mean: n.stepMean, step_min: n.stepMin, step_max: n.stepMax, lens_mean: n.lensMean }])),
  };
}
