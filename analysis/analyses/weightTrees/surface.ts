/**
 * The learning surface (SPEC A, tiny random init): PCA(3) of a layer's trajectory cloud coloured by step,
 * the variance share of each axis (a surface has two dominant ones), and the surface's natural
 * coordinates made visible — the neurons ordered along the leading axis at a chosen step, with the weight
 * differences between neighbours in that order, and one neuron's differences between consecutive
 * checkpoints ("factors of variation"). Differences are in the original weight space, so for a first layer
 * on 28x28 inputs they are images.
 */
import type { FactorImage, WeightSurface } from '../../worker/protocol/weightTrees';
import { reduceCloud } from './layerTree';
import { strideSample } from './fitEps';
import type { TrajectoryCloud } from './trajectoryCloud';

export interface SurfaceOptions {
  /** Step of the order (default: last checkpoint). */
  step?: number;
  /** Neuron of the time differences (default: the first in the order). */
  neuron?: number;
  /** Factor images of each kind (default 12). */
  factors?: number;
}

/** Up to 10 axes of variance shares are reported. */
const VARIANCE_AXES = 10;

function difference(cloud: TrajectoryCloud, rowA: number, rowB: number): number[] {
  const d = cloud.fanIn;
  const out = new Array<number>(d);
  for (let t = 0; t < d; t++) out[t] = cloud.data[rowA * d + t] - cloud.data[rowB * d + t];
  return out;
}

/** The neurons sorted by their first PCA coordinate at checkpoint c (ties by neuron id). */
export function orderAlongLeadingAxis(scores: Float64Array, k: number, c: number, neurons: number): number[] {
  const first = (j: number) => scores[(c * neurons + j) * k];
  return Array.from({ length: neurons }, (_, j) => j).sort((a, b) => first(a) - first(b) || a - b);
}

export function learningSurface(cloud: TrajectoryCloud, steps: readonly number[], runDir: string, options: SurfaceOptions = {}): WeightSurface {
  const { checkpoints, neurons, fanIn } = cloud;
  if (steps.length !== checkpoints) throw new Error(`layer ${cloud.layer}: ${steps.length} steps for ${checkpoints} checkpoints`);
  const c = options.step === undefined ? checkpoints - 1 : steps.indexOf(options.step);
  if (c < 0) throw new Error(`${runDir}: no checkpoint at step ${options.step} (available: ${steps[0]}..${steps[steps.length - 1]}).`);
  const factorCount = options.factors ?? 12;
  if (!Number.isInteger(factorCount) || factorCount < 0) throw new Error(`learning surface: factors must be an integer >= 0, got ${factorCount}`);
  const reduced = reduceCloud(cloud, Math.min(VARIANCE_AXES, checkpoints * neurons, fanIn));
  const { scores, k } = reduced;
  const n = checkpoints * neurons;
  const coords = new Array<number>(n * 3).fill(0);
  for (let p = 0; p < n; p++) for (let a = 0; a < Math.min(3, k); a++) coords[p * 3 + a] = scores[p * k + a];
  const order = orderAlongLeadingAxis(scores, k, c, neurons);
  const neuron = options.neuron ?? order[0];
  if (!Number.isInteger(neuron) || neuron < 0 || neuron >= neurons) throw new Error(`learning surface: neuron must be 0..${neurons - 1}, got ${neuron}`);
  const neighbourFactors: FactorImage[] = Array.from(strideSample(Math.max(0, neurons - 1), factorCount), (i) => ({
    label: `neuron ${order[i + 1]} - neuron ${order[i]} at step ${steps[c]}`,
    values: difference(cloud, c * neurons + order[i + 1], c * neurons + order[i]),
  }));
  const timeFactors: FactorImage[] = Array.from(strideSample(Math.max(0, checkpoints - 1), factorCount), (t) => ({
    label: `neuron ${neuron}: step ${steps[t + 1]} - step ${steps[t]}`,
    values: difference(cloud, (t + 1) * neurons + neuron, t * neurons + neuron),
  }));
  return {
    runDir,
    layer: cloud.layer,
    neurons,
    fanIn,
    steps: [...steps],
    coords,
    variance: reduced.variance,
    orderStep: steps[c],
    order,
    imageShape: fanIn === 784 ? [28, 28] : null,
    neighbourFactors,
    neuron,
    timeFactors,
  };
}
