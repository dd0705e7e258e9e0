/**
 * A plain-TypeScript trainer for the small dense nets of the subsampling study (2-D inputs, a few dozen
 * units): forward, backprop and Adam over float64 arrays. Dozens of such nets train in a second or two on
 * an analysis thread, without a tfjs backend; the study's nets are fresh networks with the run's
 * architecture, not the run itself, so they need not share its training engine.
 */
import { Rng } from '../../data/random';
import { activationSlope, makeDenseNet, type DenseNet, type HiddenActivation } from './denseNet';
import { NetEvaluator } from './evaluator';

export interface TinyTrainOptions {
  /** Layer widths, input first, classes last. */
  dims: number[];
  activation: HiddenActivation;
  steps: number;
  batch: number;
  lr: number;
  seed: number;
}

/** He-normal kernels (std sqrt(2 / fan_in)), zero biases. */
export function heNormalNet(dims: number[], activation: HiddenActivation, rng: Rng): DenseNet {
  return makeDenseNet(dims.slice(1).map((out, k) => {
    const inDim = dims[k];
    const std = Math.sqrt(2 / inDim);
    return { inDim, outDim: out, w: Array.from({ length: inDim * out }, () => rng.normal(0, std)), b: new Array<number>(out).fill(0), activation };
  }));
}

export function trainTiny(x: Float32Array, y: Int32Array, n: number, o: TinyTrainOptions): DenseNet {
  if (n === 0) throw new Error('trainTiny: no training samples.');
  const rng = new Rng(o.seed);
  const net = heNormalNet(o.dims, o.activation, rng);
  const ev = new NetEvaluator(net);
  const L = net.layers.length;
  const params = net.layers.flatMap((l) => [l.w, l.b]);
  const grads = params.map((p) => new Float64Array(p.length));
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  const delta = net.layers.map((l) => new Float64Array(l.outDim));
  const d = o.dims[0];
  const b1 = 0.9, b2 = 0.999, eps = 1e-7;
  const batch = Math.min(o.batch, n);
  let order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  let pos = 0;
  for (let step = 1; step <= o.steps; step++) {
    for (const g of grads) g.fill(0);
    for (let s = 0; s < batch; s++) {
      if (pos >= n) { order = rng.shuffle(order); pos = 0; }
      const i = order[pos++];
      const xi = x.subarray(i * d, (i + 1) * d);
      ev.forward(xi);
      const dl = delta[L - 1];
      for (let j = 0; j < dl.length; j++) dl[j] = ev.probs[j] - (j === y[i] ? 1 : 0);
      for (let k = L - 1; k >= 0; k--) {
        const l = net.layers[k];
        const input = k === 0 ? xi : ev.h[k - 1];
        const gw = grads[2 * k];
        const gb = grads[2 * k + 1];
        const dk = delta[k];
        for (let a = 0; a < l.inDim; a++) {
          const ia = input[a];
          if (ia === 0) continue;
          const row = a * l.outDim;
          for (let j = 0; j < l.outDim; j++) gw[row + j] += ia * dk[j];
        }
        for (let j = 0; j < l.outDim; j++) gb[j] += dk[j];
        if (k === 0) break;
        const prev = delta[k - 1];
        const act = net.layers[k - 1].activation as HiddenActivation;
        for (let a = 0; a < l.inDim; a++) {
          let sum = 0;
          const row = a * l.outDim;
          for (let j = 0; j < l.outDim; j++) sum += l.w[row + j] * dk[j];
          prev[a] = sum * activationSlope(act, ev.z[k - 1][a]);
        }
      }
    }
    const c1 = 1 - b1 ** step;
    const c2 = 1 - b2 ** step;
    params.forEach((p, q) => {
      const g = grads[q], mq = m[q], vq = v[q];
      for (let i = 0; i < p.length; i++) {
        const gi = g[i] / batch;
        mq[i] = b1 * mq[i] + (1 - b1) * gi;
        vq[i] = b2 * vq[i] + (1 - b2) * gi * gi;
        p[i] -= (o.lr * (mq[i] / c1)) / (Math.sqrt(vq[i] / c2) + eps);
      }
    });
  }
  return net;
}

export function accuracy(net: DenseNet, x: Float32Array, y: Int32Array, n: number): number {
  const ev = new NetEvaluator(net);
  const d = net.inDim;
  let ok = 0;
  for (let i = 0; i < n; i++) if (ev.forward(x.subarray(i * d, (i + 1) * d)) === y[i]) ok++;
  return n ? ok / n : 0;
}
