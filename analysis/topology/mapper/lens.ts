/**
 * Lens (filter) functions for Mapper: one real value per point (or a few, for a multi-dimensional
 * cover). The SPEC (section A) uses the Euclidean norm of the PCA-reduced point — its distance to the
 * cloud's centroid — for the weight trajectories; training time and PCA coordinates are the other
 * natural choices, and any user vector is accepted.
 */
import { rowNorms } from '../../linalg/distance';
import type { PcaResult } from '../../linalg/pca';

/** Checks a lens has one finite value per point (and `dims` per point for a multi-dimensional lens). */
export function validateLens(values: ArrayLike<number>, n: number, dims = 1, name = 'lens'): Float64Array {
  if (values.length !== n * dims) {
    throw new Error(`${name}: ${values.length} values for ${n} points${dims > 1 ? ` x ${dims} dimensions` : ''}`);
  }
  const out = Float64Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) throw new Error(`${name}: value for point ${Math.floor(i / dims)} is ${out[i]} (must be finite)`);
  }
  return out;
}

/** Coordinate `component` (0-based) of each point on the principal axes. */
export function pcaCoordinateLens(pca: PcaResult, component: number): Float64Array {
  if (!Number.isInteger(component) || component < 0 || component >= pca.k) {
    throw new Error(`PCA lens: component ${component} out of range (the PCA has ${pca.k} components)`);
  }
  const n = pca.scores.length / pca.k;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = pca.scores[i * pca.k + component];
  return out;
}

/** Several PCA coordinates as a multi-dimensional lens (row-major n x components.length). */
export function pcaCoordinatesLens(pca: PcaResult, components: readonly number[]): Float64Array {
  const n = pca.scores.length / pca.k;
  const out = new Float64Array(n * components.length);
  components.forEach((c, j) => {
    const col = pcaCoordinateLens(pca, c);
    for (let i = 0; i < n; i++) out[i * components.length + j] = col[i];
  });
  return out;
}

/** L2 norm of each row of a row-major n x k matrix: for PCA scores, the distance to the centroid. */
export function normLens(scores: Float64Array, n: number, k: number): Float64Array {
  if (scores.length !== n * k) throw new Error(`norm lens: ${scores.length} values for ${n} points x ${k} dimensions`);
  return rowNorms(scores, n, k);
}

/** Training time (step) of each point, e.g. `[0..200]` repeated per neuron. */
export function timeLens(steps: ArrayLike<number>): Float64Array {
  return validateLens(steps, steps.length, 1, 'time lens');
}
