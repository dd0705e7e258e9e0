/**
 * One layer's weight tree (SPEC A): the trajectory cloud reduced by PCA, the norm lens, the cover, DBSCAN
 * in the PCA space, the nerve; then the graph's tree shape, branch events and the capacity curve. Pure:
 * takes a cloud (checkpoint-major rows, see trajectoryCloud.ts) so tests can feed synthetic trajectories.
 */
import { pcaTopK } from '../../linalg/pca';
import { normLens } from '../../topology/mapper/lens';
import { mapper } from '../../topology/mapper/mapper';
import type { LayerTree, ResolvedMapperSettings, TreeNode } from '../../worker/protocol/weightTrees';
import { DEFAULT_CAPACITY_SCALE } from '../../worker/protocol/weightTrees';
import { capacityJumps, clustersPerCheckpoint, spreadOf } from './capacity';
import { fitEps } from './fitEps';
import { branchEvents, longestPath } from './treeMeasures';
import type { TrajectoryCloud } from './trajectoryCloud';

export interface ReducedCloud {
  /** PCA scores, row-major points x k. */
  scores: Float64Array;
  k: number;
  /** Variance share of each axis. */
  variance: number[];
  /** Norm of each reduced point: its distance to the cloud's centroid. */
  lens: Float64Array;
}

export function reduceCloud(cloud: TrajectoryCloud, components: number): ReducedCloud {
  const n = cloud.checkpoints * cloud.neurons;
  const pca = pcaTopK(cloud.data, n, cloud.fanIn, components, { seed: 0 });
  return { scores: pca.scores, k: pca.k, variance: Array.from(pca.explainedVarianceRatio), lens: normLens(pca.scores, n, pca.k) };
}

export interface LayerTreeOptions {
  /** Test accuracy per checkpoint, for the capacity curve. */
  accuracy?: (number | null)[];
  capacityScale?: number;
  /** Class per neuron (neuronClass.ts); empty when unknown. */
  neuronClass?: number[];
  /** Called between units of work; throws to abandon (CancelledError). */
  checkpoint?: (fraction: number, message: string) => void;
}

export function layerTree(
  cloud: TrajectoryCloud,
  steps: readonly number[],
  settings: Omit<ResolvedMapperSettings, 'eps' | 'epsFitted'> & { eps: number | 'fit' },
  options: LayerTreeOptions = {},
): LayerTree {
  const t0 = performance.now();
  const { checkpoints, neurons } = cloud;
  if (steps.length !== checkpoints) throw new Error(`layer ${cloud.layer}: ${steps.length} steps for ${checkpoints} checkpoints`);
  const n = checkpoints * neurons;
  const tick = options.checkpoint ?? (() => undefined);
  tick(0, `${cloud.layer}: PCA of ${n} points in R^${cloud.fanIn}`);
  const reduced = reduceCloud(cloud, settings.pca);
  const { scores, k, lens } = reduced;
  const epsFitted = settings.eps === 'fit';
  const eps = settings.eps === 'fit' ? fitEps(scores, n, k).eps : settings.eps;
  const stepOf = new Float64Array(n);
  for (let p = 0; p < n; p++) stepOf[p] = steps[Math.floor(p / neurons)];
  tick(0.3, `${cloud.layer}: Mapper`);
  const graph = mapper(scores, n, k, {
    lens,
    cover: { kind: settings.cover, intervals: settings.intervals, overlap: settings.overlap },
    clusterer: { method: 'dbscan', eps, minSamples: settings.minSamples },
    minIntersection: settings.minIntersection,
    colorBy: stepOf,
    onElement: (done, total) => tick(0.3 + (0.5 * done) / total, `${cloud.layer}: interval ${done + 1}/${total}`),
  });
  const nodes: TreeNode[] = graph.nodes.map((node) => ({
    id: `cube${node.cover[0]}_cluster${node.cluster}`,
    interval: node.cover[0],
    size: node.size,
    members: node.members,
    stepMean: node.color?.mean ?? 0,
    stepMin: node.color?.min ?? 0,
    stepMax: node.color?.max ?? 0,
    lensMean: node.lens.mean,
  }));
  const links = graph.links.map((l) => ({ source: l.source, target: l.target, shared: l.shared }));
  const s = graph.shape;
  tick(0.8, `${cloud.layer}: capacity curve`);
  const scale = options.capacityScale ?? DEFAULT_CAPACITY_SCALE;
  if (!(scale >= 0) || !Number.isFinite(scale)) throw new Error(`weight trees: capacityScale must be a number >= 0, got ${scale}`);
  const cut = scale * spreadOf(lens);
  const clusters = clustersPerCheckpoint(scores, checkpoints, neurons, k, cut, (c) => { if (c % 20 === 0) tick(0.8 + (0.2 * c) / checkpoints, `${cloud.layer}: capacity ${c + 1}/${checkpoints}`); });
  return {
    layer: cloud.layer,
    neurons,
    fanIn: cloud.fanIn,
    checkpoints,
    points: n,
    settings: { ...settings, eps, epsFitted },
    pcaVariance: reduced.variance,
    nodes,
    links,
    shape: {
      nodes: s.nodes,
      edges: s.edges,
      components: s.components,
      cycles: s.cycles,
      forest: s.isForest,
      tree: s.isTree,
      leaves: s.leaves.length,
      branchPoints: s.branchPoints.length,
      longestPath: longestPath(s.nodes, links, s.isForest),
    },
    branchEvents: branchEvents(nodes, links),
    capacity: {
      steps: [...steps],
      clusters,
      accuracy: options.accuracy ?? steps.map(() => null),
      cut,
      scale,
      jumps: capacityJumps(steps, clusters),
    },
    neuronClass: options.neuronClass ?? [],
    computeMs: performance.now() - t0,
  };
}
