/**
 * Out-of-sample projection (SPEC C): a new model q with distances d_q to the m embedded models gets
 *
 *   x_q = [-1/2 (d_q - mean(d_q) - colmean(D) + mean(D))] V |Lambda|^{-1/2} sign(Lambda),
 *
 * which for a model already in the set reproduces its in-sample coordinates exactly (W V = V Lambda). This
 * is how a run still training joins the picture without recomputing the m x m matrix.
 *
 * The projection is only as good as the new model's distances are explained by the kept axes: the
 * relative residual ||d_q - d^_q|| / ||d_q|| (d^ = embedded Minkowski squared distances) is reported beside
 * the same quantity for the in-sample models, and a recompute is advised when the new models fit clearly
 * worse (our rule: worse than twice the in-sample median and by more than 0.05).
 */
import { minkowski2, type Inpca } from './inpca';

/** Coordinates (k per model) of q new models, from their distances to the m embedded ones ([q][m]). */
export function projectOutOfSample(embedding: Inpca, dq: Float64Array, q: number): Float64Array {
  const { m, k, vectors, eigenvalues, colMean, grandMean } = embedding;
  if (dq.length !== q * m) throw new Error(`out-of-sample projection: ${dq.length} distances for ${q} models, expected ${q} x ${m}`);
  const out = new Float64Array(q * k);
  const w = new Float64Array(m);
  for (let a = 0; a < q; a++) {
    const row = dq.subarray(a * m, a * m + m);
    let mean = 0;
    for (let j = 0; j < m; j++) mean += row[j];
    mean /= m;
    for (let j = 0; j < m; j++) w[j] = -0.5 * (row[j] - mean - colMean[j] + grandMean);
    for (let i = 0; i < k; i++) {
      const lambda = eigenvalues[i];
      if (lambda === 0) continue;
      let s = 0;
      const v = i * m;
      for (let j = 0; j < m; j++) s += w[j] * vectors[v + j];
      out[a * k + i] = (s / Math.sqrt(Math.abs(lambda))) * Math.sign(lambda);
    }
  }
  return out;
}

/** ||d - d^|| / ||d|| of one model (coordinates x at xo, distances d to the m embedded models). */
export function relativeResidual(embedding: Inpca, x: ArrayLike<number>, xo: number, d: ArrayLike<number>, dOffset: number): number {
  const { m, k, coords, eigenvalues } = embedding;
  let err = 0;
  let total = 0;
  for (let j = 0; j < m; j++) {
    const e = d[dOffset + j] - minkowski2(x, xo, coords, j * k, eigenvalues, k);
    err += e * e;
    total += d[dOffset + j] * d[dOffset + j];
  }
  return total > 0 ? Math.sqrt(err / total) : 0;
}

export interface ProjectionQuality {
  /** Median relative residual of the embedded models (what the kept axes explain in-sample). */
  inSample: number;
  /** Largest relative residual among the projected models. */
  projected: number;
  /** True when the projected models fit clearly worse than the embedded ones. */
  recomputeAdvised: boolean;
}

/** Median relative residual of the embedded models themselves (a sample of at most ~200 rows of D). */
export function inSampleResidual(embedding: Inpca, D: Float64Array): number {
  const { m, k } = embedding;
  const all: number[] = [];
  const stride = Math.max(1, Math.floor(m / 200));
  for (let p = 0; p < m; p += stride) all.push(relativeResidual(embedding, embedding.coords, p * k, D, p * m));
  all.sort((a, b) => a - b);
  return all[Math.floor(all.length / 2)];
}

/** How well q projected models (coordinates `projected`, distances `dq`) fit, against the in-sample median. */
export function projectionQuality(embedding: Inpca, inSample: number, projected: Float64Array, dq: Float64Array, q: number): ProjectionQuality {
  const { k, m } = embedding;
  let worst = 0;
  for (let a = 0; a < q; a++) worst = Math.max(worst, relativeResidual(embedding, projected, a * k, dq, a * m));
  return { inSample, projected: worst, recomputeAdvised: worst > 2 * inSample && worst > inSample + 0.05 };
}
