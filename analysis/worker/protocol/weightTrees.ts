/**
 * Weight Trees (SPEC A): Mapper graphs of each layer's weight trajectories (one point per neuron and
 * checkpoint), their tree shape and branch events, the effective-capacity curve, the learning surface
 * (PCA of the first layer's cloud) and the "fit eps" helper. Results are plain JSON so webviews share them.
 */
import { analysisRequest, type AnalysisParams } from './analysis';

export type WeightTreesCover = 'keplermapper-1.1' | 'kepler-mapper';

/** Mapper settings; every field is optional and falls back to the paper's per-layer default. */
export interface WeightTreesMapperSettings {
  /** PCA components the cloud is reduced to before the lens and clustering (paper: 20). */
  pca?: number;
  cover?: WeightTreesCover;
  /** Intervals of the lens range (paper: 30, 25, 20 for hidden1, hidden2, output). */
  intervals?: number;
  /** Overlap fraction (paper: 0.99 in KeplerMapper 1.1 semantics). */
  overlap?: number;
  /** DBSCAN radius in the PCA space (paper: 0.1, 0.2, 0.5); `'fit'` uses the k-distance elbow of the run (fitEps.ts). */
  eps?: number | 'fit';
  /** DBSCAN min_samples (paper: 2). */
  minSamples?: number;
  /** Shared points needed for an edge (KeplerMapper: 1). */
  minIntersection?: number;
}

export interface WeightTreesParams extends AnalysisParams, WeightTreesMapperSettings {
  /** Layers to analyse; every dense layer when omitted. */
  layers?: string[];
  /**
   * Single-linkage cut of the capacity curve, as a fraction of the layer's spread (RMS distance of its
   * points to their centroid in the PCA space). Default {@link DEFAULT_CAPACITY_SCALE}.
   */
  capacityScale?: number;
}

export const DEFAULT_CAPACITY_SCALE = 0.05;

/** The settings a layer's graph was built with (defaults resolved, eps a number). */
export interface ResolvedMapperSettings {
  pca: number;
  cover: WeightTreesCover;
  intervals: number;
  overlap: number;
  eps: number;
  /** Whether eps came from the k-distance elbow. */
  epsFitted: boolean;
  minSamples: number;
  minIntersection: number;
}

export interface TreeNode {
  /** KeplerMapper-style id: `cube<i>_cluster<k>`. */
  id: string;
  /** Interval index of the cover element. */
  interval: number;
  size: number;
  /** Member points, ascending; point p is neuron `p % neurons` at checkpoint `floor(p / neurons)`. */
  members: number[];
  stepMean: number;
  stepMin: number;
  stepMax: number;
  lensMean: number;
}

export interface TreeLink { source: number; target: number; shared: number }

export interface TreeShape {
  nodes: number;
  edges: number;
  components: number;
  /** Independent cycles: edges - nodes + components. */
  cycles: number;
  forest: boolean;
  /** One component and no cycle. */
  tree: boolean;
  /** Nodes of degree 1. */
  leaves: number;
  /** Nodes of degree >= 3. */
  branchPoints: number;
  /** Longest shortest path, in edges (exact; for a forest, its longest path). */
  longestPath: number;
}

/** A node with two or more children along the step direction (edges point from lower to higher mean step). */
export interface BranchEvent { node: number; step: number; children: number[] }

export interface CapacityCurve {
  steps: number[];
  /** Distinct single-linkage clusters among the layer's neurons at each checkpoint. */
  clusters: number[];
  /** Test accuracy at each checkpoint (null where metrics.jsonl has none). */
  accuracy: (number | null)[];
  /** Absolute cut height in the PCA space, and the fraction of the spread it is. */
  cut: number;
  scale: number;
  /** Steps where the cluster count increases. */
  jumps: number[];
}

export interface LayerTree {
  layer: string;
  neurons: number;
  fanIn: number;
  checkpoints: number;
  /** checkpoints x neurons. */
  points: number;
  settings: ResolvedMapperSettings;
  /** Variance share of each PCA axis of the cloud. */
  pcaVariance: number[];
  nodes: TreeNode[];
  links: TreeLink[];
  shape: TreeShape;
  branchEvents: BranchEvent[];
  capacity: CapacityCurve;
  /**
   * Per neuron, the class its final outgoing weights favour (output layer: its own class; hidden layers:
   * argmax of the product of the later layers' final kernels, sigmoids ignored). Colours nodes by class.
   */
  neuronClass: number[];
  computeMs: number;
}

export interface LayerSummary { name: string; neurons: number; fanIn: number }

export interface WeightTrees {
  runDir: string;
  runName: string;
  /** Checkpoint steps, ascending (the rows' checkpoint index maps into this). */
  steps: number[];
  /** Every dense layer of the run, in model order. */
  allLayers: LayerSummary[];
  layers: LayerTree[];
}

export interface WeightSurfaceParams extends AnalysisParams {
  /** Layer (default: the first dense layer). */
  layer?: string;
  /** Step at which neurons are ordered along the leading axis (default: the last checkpoint). */
  step?: number;
  /** Neuron whose consecutive-checkpoint differences are shown (default: the first in the order). */
  neuron?: number;
  /** How many factor images of each kind (evenly spaced; default 12). */
  factors?: number;
}

export interface FactorImage {
  /** What the image is the difference of, e.g. "neuron 17 - neuron 4 at step 1000". */
  label: string;
  values: number[];
}

export interface WeightSurface {
  runDir: string;
  layer: string;
  neurons: number;
  fanIn: number;
  steps: number[];
  /** PCA(3) coordinates of every point, row-major points x 3 (checkpoint-major rows, as in LayerTree). */
  coords: number[];
  /** Variance share of PCA axes 1, 2, 3, ... (up to 10). */
  variance: number[];
  /** Step the order was taken at, and the neurons sorted by their first PCA coordinate there. */
  orderStep: number;
  order: number[];
  /** [28, 28] when the layer's inputs are MNIST-shaped, else null (draw a bar strip). */
  imageShape: [number, number] | null;
  neighbourFactors: FactorImage[];
  neuron: number;
  timeFactors: FactorImage[];
}

export interface FitEpsParams extends AnalysisParams {
  layers?: string[];
  /** PCA components of the space eps is fitted in (paper: 20). */
  pca?: number;
}

export interface FittedEps {
  layer: string;
  /** The elbow of the sorted k-distance curve: the suggested DBSCAN eps. */
  eps: number;
  /** k = 2 x PCA dimension - 1 (Sander et al.'s minPts = 2 dim rule; see analyses/weightTrees/fitEps.ts). */
  k: number;
  /** k-th distinct-neighbour distance of the sampled points, ascending. */
  kDistances: number[];
  elbowIndex: number;
  paperEps: number;
}

export interface FitEpsResult { runDir: string; layers: FittedEps[] }

export interface NodeWeightsParams extends AnalysisParams {
  layer: string;
  /** Point indices (checkpoint-major, as in TreeNode.members) of a node. */
  points: number[];
  /** Member vectors returned besides the mean (evenly spaced over the points; default 24). */
  maxMembers?: number;
}

export interface NodeWeights {
  layer: string;
  fanIn: number;
  /** [28, 28] for MNIST-shaped inputs, else null (a bar strip). */
  imageShape: [number, number] | null;
  /** Mean incoming weight vector of all the points. */
  mean: number[];
  members: { point: number; neuron: number; step: number; values: number[] }[];
}

export const WeightTreesRequest = analysisRequest<WeightTreesParams, WeightTrees>('weightTrees');
export const WeightSurfaceRequest = analysisRequest<WeightSurfaceParams, WeightSurface>('weightSurface');
export const FitEpsRequest = analysisRequest<FitEpsParams, FitEpsResult>('weightTreesFitEps');
export const NodeWeightsRequest = analysisRequest<NodeWeightsParams, NodeWeights>('weightTreesNode');
