/**
 * Turning a checkpoint's weights into point clouds: one point per neuron = that neuron's incoming weight
 * vector (SPEC A). A dense kernel is stored [in, out] (tfjs layout), so neuron j is column j. Every run's
 * checkpoints hold that convention: imported runs were converted when imported (analysis/import/layout.ts
 * owns foreign names and orientations, e.g. PyTorch's [out, in] `.weight`), so nothing here guesses.
 */
import type { NamedTensor } from '../store/safetensors';

export interface DenseLayerKernel { layer: string; kernel: NamedTensor }

/** Dense kernels (`<layer>/kernel`, rank 2) in the order the checkpoint lists them (= model order). */
export function denseKernels(tensors: Record<string, NamedTensor>): DenseLayerKernel[] {
  return Object.entries(tensors)
    .filter(([name, t]) => name.endsWith('/kernel') && t.shape.length === 2)
    .map(([name, kernel]) => ({ layer: name.slice(0, -'/kernel'.length), kernel }));
}

/** Row-major [out, in] float64 cloud: row j = incoming weights of neuron j. */
export function neuronCloud(kernel: NamedTensor): { data: Float64Array; n: number; d: number } {
  const [inDim, outDim] = kernel.shape;
  const data = new Float64Array(outDim * inDim);
  kernelToNeuronRows(kernel.data, inDim, outDim, data, 0);
  return { data, n: outDim, d: inDim };
}

/**
 * Writes a [in, out] kernel as `out` rows of `in` incoming weights into `dest` from element `offset`:
 * the transposition behind {@link neuronCloud}, exposed so a trajectory cloud (one block of rows per
 * checkpoint) is filled straight from a file buffer without an intermediate copy.
 */
export function kernelToNeuronRows(w: ArrayLike<number>, inDim: number, outDim: number, dest: Float64Array, offset: number): void {
  if (w.length !== inDim * outDim) throw new Error(`kernel has ${w.length} values, expected ${inDim} x ${outDim}`);
  if (offset < 0 || offset + inDim * outDim > dest.length) throw new Error(`kernel rows do not fit in the destination (offset ${offset}, ${inDim * outDim} values, length ${dest.length})`);
  for (let i = 0; i < inDim; i++) {
    const row = i * outDim;
    for (let j = 0; j < outDim; j++) dest[offset + j * inDim + i] = w[row + j];
  }
}
