/**
 * Bhattacharyya distances between probability models over one probe set (SPEC C):
 *
 *   d_B(u, v) = -(1/N) sum_n log sum_c sqrt(p_u^n(c) p_v^n(c)),
 *
 * each per-sample term clamped to [0, 100]. The authors (utils/distance.py `dbhat`) replace +inf (a zero
 * Bhattacharyya coefficient) by 100 and negatives (a coefficient a rounding error above 1) by 0; we clamp
 * every term above 100 to 100, which differs from theirs only for coefficients below e^-100, which float32
 * probabilities cannot produce unless they are subnormal.
 *
 * These are the plain-JS kernels: the reference the tests trust (one `Math.log` per sample, float64 sums)
 * and the fallback where WebAssembly SIMD is missing. The matrix of a whole study goes through
 * bhattacharyyaWasm.ts, which computes the same numbers blockwise (see there).
 */
import type { ProbabilityStack } from './probabilities';
import { sqrtProbabilities } from './probabilities';
import { wasmBhattacharyyaMatrix } from './bhattacharyyaWasm';
import { checkCancelled } from '../../topology/cancel';

export const MAX_SAMPLE_DISTANCE = 100;
/** Coefficients at or below e^-100 give the clamped per-sample distance 100. */
export const MIN_COEFFICIENT = Math.exp(-MAX_SAMPLE_DISTANCE);

/** -log of one sample's Bhattacharyya coefficient, clamped to [0, 100]. */
export function sampleDistance(coefficient: number): number {
  if (!(coefficient > MIN_COEFFICIENT)) return MAX_SAMPLE_DISTANCE;
  if (coefficient >= 1) return 0;
  return -Math.log(coefficient);
}

/** d_B between model a of `sa` and model b of `sb` (both square-rooted, [m][N][C]). */
export function bhattacharyyaPair(sa: Float32Array, a: number, sb: Float32Array, b: number, samples: number, classes: number): number {
  const size = samples * classes;
  const oa = a * size;
  const ob = b * size;
  let total = 0;
  for (let n = 0; n < samples; n++) {
    let bc = 0;
    const ra = oa + n * classes;
    const rb = ob + n * classes;
    for (let c = 0; c < classes; c++) bc += sa[ra + c] * sb[rb + c];
    total += sampleDistance(bc);
  }
  return total / samples;
}

export interface DistanceOptions {
  /** Use the WebAssembly SIMD kernel when available (default true). */
  wasm?: boolean;
  isCancelled?: () => boolean;
  onProgress?: (fraction: number) => void;
}

/** The full symmetric m x m matrix by the plain-JS kernel (diagonal exactly 0). */
export function bhattacharyyaMatrixJs(sqrt: Float32Array, m: number, samples: number, classes: number, options: DistanceOptions = {}): Float64Array {
  const D = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    checkCancelled(options.isCancelled);
    for (let j = i + 1; j < m; j++) {
      const d = bhattacharyyaPair(sqrt, i, sqrt, j, samples, classes);
      D[i * m + j] = d;
      D[j * m + i] = d;
    }
    options.onProgress?.(1 - ((m - i - 1) * (m - i - 2)) / Math.max(1, m * (m - 1)));
  }
  return D;
}

/** Distances from each of `q` models (square-rooted) to each of the m models of `sqrt`: [q][m]. */
export function bhattacharyyaCross(sqrtQ: Float32Array, q: number, sqrt: Float32Array, m: number, samples: number, classes: number): Float64Array {
  const out = new Float64Array(q * m);
  for (let i = 0; i < q; i++) for (let j = 0; j < m; j++) out[i * m + j] = bhattacharyyaPair(sqrtQ, i, sqrt, j, samples, classes);
  return out;
}

/**
 * The Bhattacharyya distance matrix of a stack (full m x m, symmetric, zero diagonal). Square roots are taken
 * once; the pairs go through the WebAssembly SIMD kernel unless it is unavailable or `wasm: false`.
 */
export function bhattacharyyaMatrix(stack: ProbabilityStack, options: DistanceOptions = {}): { D: Float64Array; kernel: 'wasm-simd' | 'js' } {
  const { m, samples, classes } = stack;
  if (options.wasm !== false) {
    const D = wasmBhattacharyyaMatrix(stack, options);
    if (D) return { D, kernel: 'wasm-simd' };
  }
  return { D: bhattacharyyaMatrixJs(sqrtProbabilities(stack.data), m, samples, classes, options), kernel: 'js' };
}

