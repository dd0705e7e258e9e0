/**
 * Weight scaling (SPEC D.3). Two ways to scale a network by alpha > 0, both keeping the argmax map:
 * - 'output': the last layer's (alpha W, alpha b). The logits scale by alpha, so the decision boundary is
 *   unchanged for any hidden activation and the softmax sharpens. For a single logistic unit this is the
 *   paper's sigma(alpha (w.x + b)), whose band {x : sigma in [c, 1-c]} has width 2 logit(1-c) / (alpha ||w||).
 * - 'all': every layer's kernel times alpha and layer k's bias times alpha^k. ReLU and linear units are
 *   positively homogeneous, so the logits become alpha^L times the original and the argmax is unchanged.
 *   Scaling every bias by alpha alone (not alpha^k) would move the boundary of a deep net, which is why the
 *   biases follow the depth; sigmoid/tanh nets have no such symmetry and are refused.
 */
import { isPiecewiseLinear, type DenseNet } from './denseNet';

export type ScaleMode = 'output' | 'all';

export function scaleNetwork(net: DenseNet, alpha: number, mode: ScaleMode = 'output'): DenseNet {
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new Error(`alpha ${alpha}: the weight scale must be a positive finite number.`);
  if (mode === 'all' && !isPiecewiseLinear(net)) throw new Error(`alpha scaling of all layers keeps the decision boundary only for relu/linear hidden units; use mode "output" for this network.`);
  const L = net.layers.length;
  return {
    ...net,
    layers: net.layers.map((l, k) => {
      const wScale = mode === 'all' || k === L - 1 ? alpha : 1;
      const bScale = mode === 'all' ? alpha ** (k + 1) : k === L - 1 ? alpha : 1;
      return { ...l, w: l.w.map((v) => v * wScale), b: l.b.map((v) => v * bScale) };
    }),
  };
}

/** logit(p) = log(p / (1 - p)). */
export function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/**
 * Width of the band {x : sigma(alpha (w.x + b)) in [c, 1-c]} measured across the boundary: 2 logit(1-c) / (alpha ||w||).
 * About 5.89 / ||w|| for c = 0.05 and alpha = 1.
 */
export function predictedBandWidth(c: number, alpha: number, wNorm: number): number {
  if (!(c > 0 && c < 0.5)) throw new Error(`band level c = ${c}: expected 0 < c < 0.5 (the band is sigma in [c, 1-c]).`);
  return (2 * logit(1 - c)) / (alpha * wNorm);
}
