/**
 * Intensive PCA (SPEC C; Quinn et al. 2019, Mao et al. 2024 utils/embed.py): classical multidimensional
 * scaling of the Bhattacharyya distances, keeping the negative eigenvalues.
 *
 *   W = -1/2 L D L,  L = I - 11^T/m  (D holds d_B itself, not squared),
 *   W = V Lambda V^T, sorted by |lambda|;  coordinates x_i = v_i sqrt(|lambda_i|).
 *
 * The embedding is Minkowski: squared distances are sum_i sign(lambda_i) (dx_i)^2, so with every component
 * kept they reproduce D exactly. Negative eigenvalues are "time-like" axes. Explained stress of the top k:
 * ES(k) = 1 - sqrt(1 - sum_{i<=k} lambda_i^2 / ||W||_F^2).
 *
 * Eigen-decomposition: the full one (fullEigen.ts) up to `fullUpTo` points, the Lanczos top-k (lanczos.ts)
 * beyond; both give the same pairs (tested). Each eigenvector's sign is fixed so its largest-magnitude
 * component is positive, so both routes and repeated runs give the same picture.
 */
import { fullSymmetricEigen, type EigenPairs } from './fullEigen';
import { lanczosTopK } from './lanczos';

export interface Centred {
  /** W = -1/2 L D L, m x m. */
  W: Float64Array;
  /** Column means of D (= row means: D is symmetric). */
  colMean: Float64Array;
  /** Mean of all entries of D. */
  grandMean: number;
  /** ||W||_F^2 = sum of all lambda^2. */
  frobenius2: number;
}

export function doubleCentre(D: Float64Array, m: number): Centred {
  if (D.length !== m * m) throw new Error(`InPCA: distance matrix has ${D.length} entries, expected ${m} x ${m}`);
  const colMean = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const row = i * m;
    for (let j = 0; j < m; j++) colMean[j] += D[row + j];
  }
  let grand = 0;
  for (let j = 0; j < m; j++) {
    colMean[j] /= m;
    grand += colMean[j];
  }
  grand /= m;
  const W = new Float64Array(m * m);
  let frobenius2 = 0;
  for (let i = 0; i < m; i++) {
    const row = i * m;
    for (let j = 0; j < m; j++) {
      const w = -0.5 * (D[row + j] - colMean[i] - colMean[j] + grand);
      W[row + j] = w;
      frobenius2 += w * w;
    }
  }
  return { W, colMean, grandMean: grand, frobenius2 };
}

export interface InpcaOptions {
  /** Components kept (default 10, at most m). */
  components?: number;
  /** 'auto' (default): full up to `fullUpTo` points, Lanczos beyond. */
  method?: 'auto' | 'full' | 'lanczos';
  /** Largest m decomposed fully under 'auto' (default 120: beyond, Lanczos top-k is much faster than O(m^3)). */
  fullUpTo?: number;
  isCancelled?: () => boolean;
}

export interface Inpca {
  m: number;
  /** Components kept. */
  k: number;
  /** Eigenvalues of W, by |lambda| descending (negative = time-like axis). */
  eigenvalues: Float64Array;
  /** Unit eigenvectors as rows (k x m). */
  vectors: Float64Array;
  /** Coordinates, row-major m x k: coords[p * k + i] = vectors[i][p] sqrt|lambda_i|. */
  coords: Float64Array;
  /** ES(j) for j = 1..k. */
  explainedStress: Float64Array;
  /** What double centring produced (the out-of-sample projection needs colMean and grandMean). */
  colMean: Float64Array;
  grandMean: number;
  frobenius2: number;
  method: 'full' | 'lanczos';
  /** Matrix-vector products (Lanczos) or 0 (full). */
  iterations: number;
}

/** ES(j) for j = 1..k from eigenvalues and ||W||_F^2. */
export function explainedStress(eigenvalues: ArrayLike<number>, frobenius2: number): Float64Array {
  const out = new Float64Array(eigenvalues.length);
  let sum = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    sum += eigenvalues[i] * eigenvalues[i];
    const left = frobenius2 > 0 ? Math.max(0, 1 - sum / frobenius2) : 0;
    out[i] = 1 - Math.sqrt(left);
  }
  return out;
}

function fixSigns(pairs: EigenPairs): void {
  const { vectors, k, m } = pairs;
  for (let i = 0; i < k; i++) {
    const v = vectors.subarray(i * m, i * m + m);
    let at = 0;
    for (let t = 1; t < m; t++) if (Math.abs(v[t]) > Math.abs(v[at]) + 1e-12) at = t;
    if (v[at] < 0) for (let t = 0; t < m; t++) v[t] = -v[t];
  }
}

export function inpca(D: Float64Array, m: number, options: InpcaOptions = {}): Inpca {
  if (m < 2) throw new Error(`InPCA needs at least 2 models to embed (got ${m})`);
  const k = Math.min(m, Math.max(1, Math.floor(options.components ?? 10)));
  const centred = doubleCentre(D, m);
  const method = options.method === 'full' || options.method === 'lanczos' ? options.method : m <= (options.fullUpTo ?? 120) ? 'full' : 'lanczos';
  let pairs: EigenPairs;
  let iterations = 0;
  if (method === 'full') {
    const all = fullSymmetricEigen(centred.W, m);
    pairs = { values: all.values.slice(0, k), vectors: all.vectors.slice(0, k * m), k, m };
  } else {
    const r = lanczosTopK(centred.W, m, k, { isCancelled: options.isCancelled });
    pairs = r;
    iterations = r.iterations;
  }
  fixSigns(pairs);
  const coords = new Float64Array(m * pairs.k);
  for (let i = 0; i < pairs.k; i++) {
    const s = Math.sqrt(Math.abs(pairs.values[i]));
    for (let p = 0; p < m; p++) coords[p * pairs.k + i] = pairs.vectors[i * m + p] * s;
  }
  return {
    m, k: pairs.k, eigenvalues: pairs.values, vectors: pairs.vectors, coords,
    explainedStress: explainedStress(pairs.values, centred.frobenius2),
    colMean: centred.colMean, grandMean: centred.grandMean, frobenius2: centred.frobenius2,
    method, iterations,
  };
}

/** Minkowski squared distance between two embedded points (coordinates a, b; first k axes). */
export function minkowski2(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, eigenvalues: ArrayLike<number>, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) {
    const d = a[ao + i] - b[bo + i];
    s += Math.sign(eigenvalues[i]) * d * d;
  }
  return s;
}
