/** A plain float64 MLP (same parameter layout as mlpBatch.ts) to check the batched engine against. */
import type { DenseSpec } from '../../../analysis/analyses/lossBarcode/mlpBatch';

export function referenceLoss(layers: readonly DenseSpec[], theta: Float64Array, x: Float32Array, y: Int32Array): { loss: number; error: number } {
  const n = y.length;
  let loss = 0;
  let wrong = 0;
  for (let s = 0; s < n; s++) {
    let h = Array.from(x.subarray(s * layers[0].inUnits, (s + 1) * layers[0].inUnits));
    let at = 0;
    for (const l of layers) {
      const out = new Array<number>(l.units).fill(0);
      for (let o = 0; o < l.units; o++) {
        let z = 0;
        for (let i = 0; i < l.inUnits; i++) z += h[i] * theta[at + i * l.units + o];
        if (l.bias) z += theta[at + l.inUnits * l.units + o];
        out[o] = l.activation === 'relu' ? Math.max(0, z) : l.activation === 'sigmoid' ? 1 / (1 + Math.exp(-z)) : l.activation === 'tanh' ? Math.tanh(z) : z;
      }
      at += l.inUnits * l.units + (l.bias ? l.units : 0);
      h = out;
    }
    const max = Math.max(...h);
    const lse = max + Math.log(h.reduce((a, v) => a + Math.exp(v - max), 0));
    loss += lse - h[y[s]];
    if (h.indexOf(max) !== y[s]) wrong++;
  }
  return { loss: loss / n, error: wrong / n };
}

/** Central-difference gradient of the reference loss. */
export function referenceGradient(layers: readonly DenseSpec[], theta: Float64Array, x: Float32Array, y: Int32Array, eps = 1e-5): Float64Array {
  const g = new Float64Array(theta.length);
  const t = Float64Array.from(theta);
  for (let i = 0; i < theta.length; i++) {
    t[i] = theta[i] + eps;
    const up = referenceLoss(layers, t, x, y).loss;
    t[i] = theta[i] - eps;
    const down = referenceLoss(layers, t, x, y).loss;
    t[i] = theta[i];
    g[i] = (up - down) / (2 * eps);
  }
  return g;
}
