/**
 * Turning a checkpoint's weights into point clouds: one point per neuron = that neuron's incoming weight
 * vector (SPEC A). A dense kernel is stored [in, out] (tfjs layout), so neuron j is column j.
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
  const w = kernel.data;
  for (let i = 0; i < inDim; i++) {
    const row = i * outDim;
    for (let j = 0; j < outDim; j++) data[j * inDim + i] = w[row + j];
  }
  return { data, n: outDim, d: inDim };
}
