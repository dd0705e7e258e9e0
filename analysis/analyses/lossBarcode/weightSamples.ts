/**
 * Where the sampled method (SPEC B step 5 on a study's minima) looks: seeded points of weight space around
 * K minima, the minima themselves first (rows 0..K-1). Uniform samples of a whole weight space would almost
 * all lie where the loss is high; barriers between minima live near the minima and between them, so the
 * budget is split (our choice, SAMPLE_SHARES):
 *
 * - line (20%): evenly spaced points on every pair's straight segment, so the straight path is always in
 *   the graph (the sampled barrier cannot be much above the straight line's) and chains join the minima;
 * - tube (50%): points on each pair's segment at stratified t plus Gaussian noise across the segment whose
 *   expected length is s x the pair distance, s log-uniform in [0.01, 1] (NOISE_SCALE): the detours a lower
 *   path may take, at every scale from hugging the line to a full pair distance away (the sampled method
 *   then relaxes them across the segment, relaxSamples.ts; stratified t keeps them evenly spread along it,
 *   as a k-NN graph of points on a curve breaks at the large gaps uniform t leaves);
 * - ball (15%): Gaussian clouds around each minimum, s x its distance to the nearest other minimum, s as
 *   above: the basins' floors and the way out of them;
 * - box (15%): uniform in the minima's bounding box widened by a quarter of its extent on every side: the
 *   rest of the region between them (what a 2-D toy landscape needs; in high dimension mostly high loss).
 *
 * Pairs share the line and tube budgets equally, minima the balls. Deterministic for a given seed.
 */
import { Rng } from '../../data/random';

export const SAMPLE_SHARES = { line: 0.2, tube: 0.5, ball: 0.15, box: 0.15 } as const;
/** Noise lengths as a fraction of the pair (tube) or nearest-minimum (ball) distance: log-uniform in this range. */
export const NOISE_SCALE = [0.01, 1] as const;
/** The box is the minima's bounding box widened by this fraction of its extent on every side. */
export const BOX_MARGIN = 0.25;

export interface WeightSampleCounts { minima: number; line: number; tube: number; ball: number; box: number }

/** How many samples of each kind `samples` gives for K minima (the minima always included). */
export function sampleCounts(K: number, samples: number): WeightSampleCounts {
  const rest = samples - K;
  if (!Number.isInteger(samples) || rest < 0) throw new Error(`weight samples: ${samples} samples cannot hold the ${K} minima`);
  const line = Math.floor(rest * SAMPLE_SHARES.line);
  const tube = Math.floor(rest * SAMPLE_SHARES.tube);
  const ball = Math.floor(rest * SAMPLE_SHARES.ball);
  return { minima: K, line, tube, ball, box: rest - line - tube - ball };
}

/** `count` split over `parts` as evenly as possible (the first ones get the remainder). */
const share = (count: number, parts: number, k: number) => Math.floor(count / parts) + (k < count % parts ? 1 : 0);

function distance(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let c = 0; c < a.length; c++) s += (a[c] - b[c]) ** 2;
  return Math.sqrt(s);
}

/** Rows [from, to) of the samples are pair (i, j)'s tube. */
export interface TubeRows { i: number; j: number; from: number; to: number }

/** Samples as one n x D row-major array, rows 0..K-1 the minima, and where each pair's tube lies. */
export function weightSamples(minima: readonly Float64Array[], samples: number, seed: number): { points: Float64Array; tubes: TubeRows[] } {
  const K = minima.length;
  if (K < 2) throw new Error(`weight samples: needs 2 or more minima, got ${K}`);
  const D = minima[0].length;
  const counts = sampleCounts(K, samples);
  const out = new Float64Array(samples * D);
  const rng = new Rng(seed);
  const logScale = () => NOISE_SCALE[0] * (NOISE_SCALE[1] / NOISE_SCALE[0]) ** rng.float();
  let row = 0;
  const next = () => out.subarray(row * D, ++row * D);
  for (const m of minima) next().set(m);

  const pairs: [number, number][] = [];
  for (let i = 0; i < K; i++) for (let j = i + 1; j < K; j++) pairs.push([i, j]);
  pairs.forEach(([i, j], p) => {
    const n = share(counts.line, pairs.length, p);
    for (let k = 0; k < n; k++) {
      const t = (k + 1) / (n + 1);
      const x = next();
      for (let c = 0; c < D; c++) x[c] = minima[i][c] + t * (minima[j][c] - minima[i][c]);
    }
  });
  const tubes: TubeRows[] = [];
  pairs.forEach(([i, j], p) => {
    const n = share(counts.tube, pairs.length, p);
    tubes.push({ i, j, from: row, to: row + n });
    // Per-coordinate deviation s d / sqrt(D): the noise vector's expected length is about s d.
    const d = distance(minima[i], minima[j]);
    const perCoordinate = d / Math.sqrt(D);
    const noise = new Float64Array(D);
    for (let k = 0; k < n; k++) {
      // Stratified t and noise across the segment only: the samples' positions along the segment stay evenly
      // spread (no large gaps) even after the relaxation, which moves them across it and not along it.
      const t = (k + rng.float()) / n;
      const sigma = logScale() * perCoordinate;
      let along = 0;
      for (let c = 0; c < D; c++) {
        noise[c] = rng.normal(0, sigma);
        along += noise[c] * (minima[j][c] - minima[i][c]);
      }
      along /= d * d || 1;
      const x = next();
      for (let c = 0; c < D; c++) x[c] = minima[i][c] + t * (minima[j][c] - minima[i][c]) + noise[c] - along * (minima[j][c] - minima[i][c]);
    }
  });
  minima.forEach((m, i) => {
    const n = share(counts.ball, K, i);
    let nearest = Infinity;
    for (let j = 0; j < K; j++) if (j !== i) nearest = Math.min(nearest, distance(m, minima[j]));
    const perCoordinate = nearest / Math.sqrt(D);
    for (let k = 0; k < n; k++) {
      const sigma = logScale() * perCoordinate;
      const x = next();
      for (let c = 0; c < D; c++) x[c] = m[c] + rng.normal(0, sigma);
    }
  });
  const lo = new Float64Array(D).fill(Infinity);
  const hi = new Float64Array(D).fill(-Infinity);
  for (const m of minima) {
    for (let c = 0; c < D; c++) {
      lo[c] = Math.min(lo[c], m[c]);
      hi[c] = Math.max(hi[c], m[c]);
    }
  }
  for (let c = 0; c < D; c++) {
    const margin = BOX_MARGIN * (hi[c] - lo[c]);
    lo[c] -= margin;
    hi[c] += margin;
  }
  for (let k = 0; k < counts.box; k++) {
    const x = next();
    for (let c = 0; c < D; c++) x[c] = rng.uniform(lo[c], hi[c]);
  }
  return { points: out, tubes };
}
