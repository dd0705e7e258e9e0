/**
 * The class a neuron's final outgoing weights favour (the panel's "colour by class"): for the output layer,
 * neuron j is class j; for a hidden layer, the argmax over classes of the neuron's row of the product of
 * every later layer's final kernel ([in, out] each), i.e. its linear path weight to each class with the
 * sigmoids between layers ignored (our choice: a first-order reading, cheap and deterministic).
 */
import { readLayerKernel } from './trajectoryCloud';

/** Row-major product of [a x b] and [b x c]. */
function multiply(x: Float64Array, a: number, b: number, y: ArrayLike<number>, c: number): Float64Array {
  const out = new Float64Array(a * c);
  for (let i = 0; i < a; i++) {
    for (let k = 0; k < b; k++) {
      const v = x[i * b + k];
      if (v !== 0) for (let j = 0; j < c; j++) out[i * c + j] += v * y[k * c + j];
    }
  }
  return out;
}

/** Class per neuron of each dense layer (in `layers` order, the model's), from the final checkpoint file. */
export function neuronClasses(finalCheckpoint: string, layers: readonly string[]): Map<string, number[]> {
  const kernels = layers.map((name) => readLayerKernel(finalCheckpoint, name));
  const out = new Map<string, number[]>();
  const last = kernels.length - 1;
  const classes = kernels[last].outDim;
  out.set(layers[last], Array.from({ length: classes }, (_, j) => j));
  // Effective [n_l x classes] weights, built backwards from the output layer.
  let effective: Float64Array = Float64Array.from(kernels[last].data);
  for (let l = last - 1; l >= 0; l--) {
    const n = kernels[l].outDim;
    out.set(layers[l], Array.from({ length: n }, (_, i) => {
      let best = 0;
      for (let j = 1; j < classes; j++) if (effective[i * classes + j] > effective[i * classes + best]) best = j;
      return best;
    }));
    if (l > 0) effective = multiply(Float64Array.from(kernels[l].data), kernels[l].inDim, n, effective, classes);
  }
  return out;
}
