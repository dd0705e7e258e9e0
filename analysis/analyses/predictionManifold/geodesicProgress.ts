/**
 * Progress of a model along the geodesic from the ignorance point P0 to the truth P* (SPEC C; the authors'
 * reparameterization.py). On the sphere of sqrt-probabilities, per sample n,
 *
 *   sqrt(gamma_n(t)) = [sin((1-t) theta) sqrt(p0) + sin(t theta) sqrt(p*_n)] / sin theta,  cos theta = <sqrt p0, sqrt p*_n> = 1/sqrt(C),
 *
 * and progress = argmin over t in [0, 1] of sum_n arccos <sqrt p_n, sqrt gamma_n(t)>.
 * Only two numbers per sample matter: a_n = <sqrt p_n, sqrt p0> and b_n = sqrt p_n(y_n), so
 * <sqrt p_n, sqrt gamma_n(t)> = [sin((1-t) theta) a_n + sin(t theta) b_n] / sin theta.
 * The minimum is bracketed on a grid of 11 points and refined by golden-section search (each term is
 * unimodal in t, the sum is in practice); P0 sits at exactly 0 and P* at exactly 1.
 */

const GRID = 10;
const GOLDEN_STEPS = 28;

/** Progress in [0, 1] of the model whose sqrt-probabilities start at `offset` in `sqrtP` ([N][C]). */
export function geodesicProgress(sqrtP: Float32Array, offset: number, labels: ArrayLike<number>, classes: number): number {
  if (classes < 2) throw new Error('geodesic progress needs at least 2 classes');
  const N = labels.length;
  const theta = Math.acos(1 / Math.sqrt(classes));
  const sinTheta = Math.sin(theta);
  const invSqrtC = 1 / Math.sqrt(classes);
  const a = new Float64Array(N);
  const b = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const row = offset + n * classes;
    let s = 0;
    for (let c = 0; c < classes; c++) s += sqrtP[row + c];
    a[n] = s * invSqrtC;
    b[n] = sqrtP[row + labels[n]];
  }
  const cost = (t: number): number => {
    const wa = Math.sin((1 - t) * theta) / sinTheta;
    const wb = Math.sin(t * theta) / sinTheta;
    let s = 0;
    for (let n = 0; n < N; n++) s += Math.acos(Math.min(1, Math.max(-1, wa * a[n] + wb * b[n])));
    return s;
  };
  let bestT = 0;
  let best = cost(0);
  for (let i = 1; i <= GRID; i++) {
    const t = i / GRID;
    const f = cost(t);
    if (f < best) {
      best = f;
      bestT = t;
    }
  }
  // Golden-section search in the bracket around the best grid point.
  let lo = Math.max(0, bestT - 1 / GRID);
  let hi = Math.min(1, bestT + 1 / GRID);
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - g * (hi - lo);
  let x2 = lo + g * (hi - lo);
  let f1 = cost(x1);
  let f2 = cost(x2);
  for (let i = 0; i < GOLDEN_STEPS; i++) {
    if (f1 < f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - g * (hi - lo);
      f1 = cost(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + g * (hi - lo);
      f2 = cost(x2);
    }
  }
  const t = (lo + hi) / 2;
  return cost(t) < best ? t : bestT;
}
