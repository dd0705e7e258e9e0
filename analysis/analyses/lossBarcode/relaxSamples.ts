/**
 * Transverse relaxation of the tube samples (weightSamples.ts): a few gradient steps on each sample with the
 * component along its pair's segment removed, so a sample stays in its hyperplane across the segment and
 * slides to that hyperplane's valley floor. WHY: in tens of dimensions, isotropic noise around a segment
 * almost never lands in the low valley a curved path takes, so a graph of raw samples only knows the
 * straight line; relaxed samples concentrate where the minimum energy path crosses each hyperplane (every
 * path between two minima crosses every such hyperplane), which is where the k-NN graph needs them.
 * Steps use the objective's minibatches (all points of one call share the minibatch, as for paths).
 */
import type { PathObjective } from './pathObjective';
import type { TubeRows } from './weightSamples';

export function relaxTubes(points: Float64Array, D: number, minima: readonly Float64Array[], tubes: readonly TubeRows[], objective: PathObjective, steps: number, lr: number, onChunk?: (done: number, total: number) => void): void {
  if (steps === 0) return;
  const chunk = Math.max(1, objective.maxPoints);
  const grads = Array.from({ length: chunk }, () => new Float64Array(D));
  const total = tubes.reduce((s, t) => s + (t.to - t.from), 0);
  let done = 0;
  for (const tube of tubes) {
    const u = new Float64Array(D);
    let norm = 0;
    for (let c = 0; c < D; c++) {
      u[c] = minima[tube.j][c] - minima[tube.i][c];
      norm += u[c] * u[c];
    }
    norm = Math.sqrt(norm) || 1;
    for (let c = 0; c < D; c++) u[c] /= norm;
    for (let from = tube.from; from < tube.to; from += chunk) {
      const rows = Array.from({ length: Math.min(chunk, tube.to - from) }, (_, k) => points.subarray((from + k) * D, (from + k + 1) * D));
      // A sample whose step is not finite or longer than the pair distance (diverging: the step size is too
      // large for the landscape there) stays where it last was and stops moving; the k-NN graph needs finite,
      // comparable distances.
      const frozen = new Uint8Array(rows.length);
      for (let s = 0; s < steps; s++) {
        objective.lossAndGrad(rows, s, grads.slice(0, rows.length));
        for (let k = 0; k < rows.length; k++) {
          if (frozen[k]) continue;
          const g = grads[k];
          const x = rows[k];
          let along = 0;
          for (let c = 0; c < D; c++) along += g[c] * u[c];
          let step = 0;
          for (let c = 0; c < D; c++) step += (lr * (g[c] - along * u[c])) ** 2;
          if (!(Math.sqrt(step) <= norm)) {
            frozen[k] = 1;
            continue;
          }
          for (let c = 0; c < D; c++) x[c] -= lr * (g[c] - along * u[c]);
        }
      }
      done += rows.length;
      onChunk?.(done, total);
    }
  }
}
