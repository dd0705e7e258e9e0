/**
 * The Weight Trees analyses as the runner sees them: `weightTrees` (graphs, tree measures, capacity per
 * layer), `weightSurface` (the learning surface of one layer), `weightTreesFitEps` (eps suggestions) and
 * `weightTreesNode` (a node's mean weight image, uncached). The first three are cached per run, keyed by
 * their parameters and every checkpoint file (so a growing run recomputes).
 */
import type { FitEpsParams, FitEpsResult, WeightSurface, WeightSurfaceParams, WeightTrees, WeightTreesParams } from '../../worker/protocol/weightTrees';
import { defineAnalysis, plainContext, type AnalysisContext } from '../definition';
import { fitEps } from './fitEps';
import { layerTree, reduceCloud } from './layerTree';
import { paperLayerDefaults, resolveSettings, PAPER } from './paperDefaults';
import { accuracyAt, pickLayers, readTreeRun, treeCacheSpec } from './runInputs';
import { learningSurface } from './surface';
import { computeNodeWeights } from './nodeWeights';
import { neuronClasses } from './neuronClass';
import { trajectoryCloud } from './trajectoryCloud';

export const WEIGHT_TREES = { name: 'weightTrees', version: 3 } as const;
export const WEIGHT_SURFACE = { name: 'weightSurface', version: 1 } as const;
export const FIT_EPS = { name: 'weightTreesFitEps', version: 2 } as const;
export const NODE_WEIGHTS = { name: 'weightTreesNode', version: 1 } as const;

export function computeWeightTrees(params: WeightTreesParams, context: AnalysisContext = plainContext()): WeightTrees {
  const run = readTreeRun(params, WEIGHT_TREES.name);
  const chosen = pickLayers(run, params.layers);
  const settings = chosen.map(({ index }) => resolveSettings(params, index, run.layers.length));
  const accuracy = accuracyAt(run.runDir, run.steps);
  const files = run.checkpoints.map((c) => c.file);
  const classes = neuronClasses(files[files.length - 1], run.layers.map((l) => l.name));
  const layers = chosen.map(({ layer }, i) => {
    const share = 1 / chosen.length;
    const report = (f: number, m: string) => {
      context.throwIfCancelled();
      context.progress((i + f) * share, m);
    };
    const cloud = trajectoryCloud(files, layer.name, (c) => { if (c % 10 === 0) report(0.2 * (c / files.length), `${layer.name}: reading checkpoint ${c + 1}/${files.length}`); });
    return layerTree(cloud, run.steps, settings[i], {
      accuracy,
      capacityScale: params.capacityScale,
      neuronClass: classes.get(layer.name),
      checkpoint: (f, m) => report(0.2 + 0.8 * f, m),
    });
  });
  return { runDir: run.runDir, runName: run.runName, steps: run.steps, allLayers: run.layers, layers };
}

export function computeWeightSurface(params: WeightSurfaceParams, context: AnalysisContext = plainContext()): WeightSurface {
  const run = readTreeRun(params, WEIGHT_SURFACE.name);
  const [{ layer }] = pickLayers(run, [params.layer ?? run.layers[0].name]);
  const cloud = trajectoryCloud(run.checkpoints.map((c) => c.file), layer.name, (c) => {
    context.throwIfCancelled();
    context.progress((0.5 * c) / run.checkpoints.length, `${layer.name}: reading checkpoint ${c + 1}`);
  });
  context.progress(0.5, `${layer.name}: PCA`);
  return learningSurface(cloud, run.steps, run.runDir, { step: params.step, neuron: params.neuron, factors: params.factors });
}

export function computeFitEps(params: FitEpsParams, context: AnalysisContext = plainContext()): FitEpsResult {
  const run = readTreeRun(params, FIT_EPS.name);
  const chosen = pickLayers(run, params.layers);
  const layers = chosen.map(({ layer, index }, i) => {
    context.throwIfCancelled();
    context.progress(i / chosen.length, `${layer.name}: k-distances`);
    const cloud = trajectoryCloud(run.checkpoints.map((c) => c.file), layer.name, () => context.throwIfCancelled());
    const reduced = reduceCloud(cloud, params.pca ?? PAPER.pca);
    const fit = fitEps(reduced.scores, cloud.checkpoints * cloud.neurons, reduced.k);
    return { layer: layer.name, eps: fit.eps, k: fit.k, kDistances: Array.from(fit.kDistances), elbowIndex: fit.elbowIndex, paperEps: paperLayerDefaults(index, run.layers.length).eps };
  });
  return { runDir: run.runDir, layers };
}

export const weightTreesAnalysis = defineAnalysis({ ...WEIGHT_TREES, cache: treeCacheSpec, run: computeWeightTrees });
export const weightSurfaceAnalysis = defineAnalysis({ ...WEIGHT_SURFACE, cache: treeCacheSpec, run: computeWeightSurface });
export const fitEpsAnalysis = defineAnalysis({ ...FIT_EPS, cache: treeCacheSpec, run: computeFitEps });
export const nodeWeightsAnalysis = defineAnalysis({ ...NODE_WEIGHTS, run: computeNodeWeights });

/** All of them, for the registry. */
export const weightTreesAnalyses = [weightTreesAnalysis, weightSurfaceAnalysis, fitEpsAnalysis, nodeWeightsAnalysis] as const;
