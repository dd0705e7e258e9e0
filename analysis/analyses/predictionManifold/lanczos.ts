/**
 * The k eigenpairs of largest |lambda| of a dense symmetric indefinite matrix by the Lanczos method with full
 * reorthogonalisation. Lanczos converges to both ends of the spectrum at once, the most positive and the most
 * negative eigenvalues, which is exactly "top k by |lambda|" for InPCA's indefinite W.
 *
 * WHY not restarts: with full reorthogonalisation (classical Gram-Schmidt, twice) the basis stays orthonormal,
 * so the Krylov space just grows until the k wanted Ritz pairs have residual |beta_j s_ji| below
 * tol * max|theta| (checked every few steps); when it reaches m the answer is exact. For InPCA the spectrum
 * decays fast and ~2k + 20 vectors suffice (m = 2,000, k = 10: ~50 matrix-vector products).
 * A breakdown (beta ~ 0: an invariant subspace, e.g. a rank-deficient W) continues with a fresh random vector
 * orthogonal to the basis, so eigenvalues outside that subspace are still found.
 */
import { tql2, sortByMagnitude, type EigenPairs } from './fullEigen';
import { mulberry32 } from '../../linalg/random';
import { checkCancelled } from '../../topology/cancel';

export interface LanczosOptions {
  /** Relative residual tolerance (default 1e-10). */
  tol?: number;
  /** Seed of the start vector (default 1). */
  seed?: number;
  /** Check convergence every this many steps (default 5). */
  checkEvery?: number;
  isCancelled?: () => boolean;
}

export interface LanczosResult extends EigenPairs {
  /** Lanczos vectors built (= matrix-vector products). */
  iterations: number;
  /** Largest relative residual among the k returned pairs. */
  residual: number;
}

function matVec(A: Float64Array, m: number, x: Float64Array, out: Float64Array): void {
  for (let i = 0; i < m; i++) {
    let s = 0;
    const row = i * m;
    for (let j = 0; j < m; j++) s += A[row + j] * x[j];
    out[i] = s;
  }
}

/** Removes from w its components along the first `count` rows of Q (twice: "twice is enough"). */
function reorthogonalise(Q: Float64Array, count: number, m: number, w: Float64Array): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < count; i++) {
      const o = i * m;
      let dot = 0;
      for (let t = 0; t < m; t++) dot += Q[o + t] * w[t];
      if (dot !== 0) for (let t = 0; t < m; t++) w[t] -= dot * Q[o + t];
    }
  }
}

function norm(w: Float64Array): number {
  let s = 0;
  for (let t = 0; t < w.length; t++) s += w[t] * w[t];
  return Math.sqrt(s);
}

/** A unit random vector orthogonal to the first `count` rows of Q (or null if Q already spans everything). */
function freshVector(Q: Float64Array, count: number, m: number, random: () => number): Float64Array | null {
  for (let attempt = 0; attempt < 3; attempt++) {
    const w = Float64Array.from({ length: m }, () => random() - 0.5);
    reorthogonalise(Q, count, m, w);
    const n = norm(w);
    if (n > 1e-8) {
      for (let t = 0; t < m; t++) w[t] /= n;
      return w;
    }
  }
  return null;
}

/** Eigenpairs of the j x j tridiagonal (alpha, beta): values and row-major eigenvector columns S[r * j + i]. */
function tridiagonalEigen(alpha: Float64Array, beta: Float64Array, j: number): { theta: Float64Array; S: Float64Array } {
  const d = Float64Array.from(alpha.subarray(0, j));
  const e = new Float64Array(j);
  for (let i = 1; i < j; i++) e[i] = beta[i - 1];
  const S = new Float64Array(j * j);
  for (let i = 0; i < j; i++) S[i * j + i] = 1;
  tql2(S, d, e, j);
  return { theta: d, S };
}

export function lanczosTopK(A: Float64Array, m: number, k: number, options: LanczosOptions = {}): LanczosResult {
  if (A.length !== m * m) throw new Error(`Lanczos: matrix has ${A.length} entries, expected ${m} x ${m}`);
  if (!Number.isInteger(k) || k < 1 || k > m) throw new Error(`Lanczos: k = ${k} must be an integer in 1..${m}`);
  const tol = options.tol ?? 1e-10;
  const checkEvery = options.checkEvery ?? 5;
  const random = mulberry32(options.seed ?? 1);
  // The Lanczos vectors, one per row; grown by doubling (rarely beyond ~2k + 20 rows).
  let Q = new Float64Array(Math.min(m, 2 * k + 32) * m);
  const alpha = new Float64Array(m);
  const beta = new Float64Array(m);
  const w = new Float64Array(m);
  let q = freshVector(Q, 0, m, random) as Float64Array;
  let j = 0;
  let normEstimate = 0;
  let best: { theta: Float64Array; S: Float64Array; order: number[]; residual: number } | undefined;
  for (;;) {
    checkCancelled(options.isCancelled);
    if ((j + 1) * m > Q.length) {
      const grown = new Float64Array(Math.min(m, 2 * (j + 1)) * m);
      grown.set(Q);
      Q = grown;
    }
    Q.set(q, j * m);
    matVec(A, m, q, w);
    let a = 0;
    for (let t = 0; t < m; t++) a += q[t] * w[t];
    alpha[j] = a;
    reorthogonalise(Q, j + 1, m, w);
    const b = norm(w);
    j++;
    normEstimate = Math.max(normEstimate, Math.abs(a), b);
    const breakdown = b <= 1e-12 * normEstimate;
    const done = j === m;
    if (done || breakdown || (j >= Math.min(m, k + 2) && j % checkEvery === 0)) {
      const { theta, S } = tridiagonalEigen(alpha, beta, j);
      const order = sortByMagnitude(theta).slice(0, Math.min(k, j));
      const scale = Math.max(1e-300, Math.abs(theta[order[0]]));
      let residual = 0;
      for (const i of order) residual = Math.max(residual, Math.abs(b * S[(j - 1) * j + i]) / scale);
      best = { theta, S, order, residual };
      if (done || (order.length === k && residual <= tol)) break;
    }
    if (breakdown) {
      // Invariant subspace: continue in the orthogonal complement (beta_j = 0 decouples T).
      const fresh = freshVector(Q, j, m, random);
      if (!fresh) break;
      beta[j - 1] = 0;
      q = fresh;
    } else {
      beta[j - 1] = b;
      q = Float64Array.from(w, (x) => x / b);
    }
  }
  const { theta, S, order, residual } = best as NonNullable<typeof best>;
  const values = new Float64Array(order.length);
  const vectors = new Float64Array(order.length * m);
  order.forEach((i, dst) => {
    values[dst] = theta[i];
    const y = vectors.subarray(dst * m, dst * m + m);
    for (let r = 0; r < j; r++) {
      const s = S[r * j + i];
      if (s === 0) continue;
      const o = r * m;
      for (let t = 0; t < m; t++) y[t] += s * Q[o + t];
    }
  });
  return { values, vectors, k: order.length, m, iterations: j, residual };
}
