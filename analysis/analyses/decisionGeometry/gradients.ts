/**
 * Where the error backpropagates (SPEC D.4): per-sample gradient norms on the training set and, per hidden
 * unit, the fraction of samples on which sigma'(z) is above a threshold. The threshold is relative to the
 * activation's largest slope (0.25 for sigmoid, 1 for tanh/ReLU) so one number means the same for every
 * activation; for ReLU it is the fraction of samples on which the unit is active. Default 0.1 is our choice.
 *
 * Concentration: the share of the total gradient norm carried by the samples in the confidence band (max
 * probability below 1 - c) next to their share of the samples, and the share carried by the top 10 % of
 * samples by norm. Gradient mass concentrated near the boundary shows as a band share far above the band's
 * sample share; vanishing gradients as a falling mean norm.
 */
import { activationSlope, MAX_SLOPE, type DenseNet, type HiddenActivation } from './denseNet';
import { NetEvaluator } from './evaluator';

export interface GradientSummary {
  samples: number;
  /** Share of samples whose argmax is their label. */
  accuracy: number;
  meanNorm: number;
  medianNorm: number;
  /** Share of the summed gradient norm carried by the 10 % of samples with the largest norm. */
  top10Share: number;
  /** Fraction of samples in the band, and the share of the summed norm they carry. */
  bandSampleShare: number;
  bandGradientShare: number;
  /** Per hidden layer, per unit: fraction of samples with sigma'(z) > threshold * max sigma'. */
  unitSlopeFractions: number[][];
}

export interface SampleGradients {
  norms: Float32Array;
  confidence: Float32Array;
  summary: GradientSummary;
}

export function sampleGradients(net: DenseNet, x: Float32Array | Float64Array, labels: ArrayLike<number>, n: number, options: { bandLevel?: number; slopeThreshold?: number } = {}): SampleGradients {
  const c = options.bandLevel ?? 0.05;
  const tau = options.slopeThreshold ?? 0.1;
  const d = net.inDim;
  if (x.length < n * d) throw new Error(`sampleGradients: ${x.length} values cannot hold ${n} samples of ${d} inputs.`);
  const ev = new NetEvaluator(net);
  const hidden = net.layers.slice(0, -1);
  const counts = hidden.map((l) => new Float64Array(l.outDim));
  const norms = new Float32Array(n);
  const confidence = new Float32Array(n);
  let correct = 0;
  for (let s = 0; s < n; s++) {
    const xs = x.subarray(s * d, (s + 1) * d);
    const cls = ev.forward(xs);
    confidence[s] = ev.probs[cls];
    if (cls === labels[s]) correct++;
    let xx = 0;
    for (let i = 0; i < d; i++) xx += xs[i] * xs[i];
    norms[s] = ev.gradientNorm(labels[s], xx);
    hidden.forEach((l, k) => {
      const act = l.activation as HiddenActivation;
      const limit = tau * MAX_SLOPE[act];
      const z = ev.z[k];
      const cnt = counts[k];
      for (let j = 0; j < l.outDim; j++) if (activationSlope(act, z[j]) > limit) cnt[j]++;
    });
  }
  return { norms, confidence, summary: { ...summarise(norms, confidence, c, counts.map((cnt) => Array.from(cnt, (v) => v / Math.max(1, n)))), accuracy: n ? correct / n : 0 } };
}

function summarise(norms: Float32Array, confidence: Float32Array, c: number, unitSlopeFractions: number[][]): Omit<GradientSummary, 'accuracy'> {
  const n = norms.length;
  const sorted = Float64Array.from(norms).sort();
  let total = 0;
  for (const v of sorted) total += v;
  let top = 0;
  const k = Math.max(1, Math.round(n * 0.1));
  for (let i = n - k; i < n; i++) top += sorted[i];
  let inBand = 0;
  let bandNorm = 0;
  for (let i = 0; i < n; i++) if (confidence[i] < 1 - c) { inBand++; bandNorm += norms[i]; }
  const med = n === 0 ? 0 : n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return {
    samples: n,
    meanNorm: n ? total / n : 0,
    medianNorm: med,
    top10Share: total > 0 ? top / total : 0,
    bandSampleShare: n ? inBand / n : 0,
    bandGradientShare: total > 0 ? bandNorm / total : 0,
    unitSlopeFractions,
  };
}
