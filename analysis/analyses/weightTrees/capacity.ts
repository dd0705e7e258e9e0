/**
 * Effective capacity of a layer across training (SPEC A, derived measure, our choice): at each checkpoint,
 * the number of distinct clusters among the layer's neurons — single linkage cut at a height relative to
 * the layer's weight spread. Neurons that move together (zero init: identical until symmetry breaks) count
 * once; a branch that separates adds one.
 *
 * Scale: cut = scale x spread, where spread is the RMS distance of all the layer's (neuron, checkpoint)
 * points to their centroid in the PCA space Mapper clusters in (= the RMS of the norm lens). One cut for
 * the whole run, so counts at different checkpoints compare. Default scale 0.05 (DEFAULT_CAPACITY_SCALE):
 * a twentieth of the cloud's radius. Points are checkpoint-major, so a checkpoint's neurons are contiguous.
 */
import { singleLinkage } from '../../topology/mapper/cluster';

/** RMS distance of the points to their centroid, from the norm lens of centred PCA scores. */
export function spreadOf(lens: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < lens.length; i++) s += lens[i] * lens[i];
  return lens.length > 0 ? Math.sqrt(s / lens.length) : 0;
}

/** Distinct single-linkage clusters at height `cut` among each checkpoint's block of `neurons` rows. */
export function clustersPerCheckpoint(scores: Float64Array, checkpoints: number, neurons: number, dim: number, cut: number, onCheckpoint?: (c: number) => void): number[] {
  if (scores.length !== checkpoints * neurons * dim) throw new Error(`capacity: ${scores.length} values for ${checkpoints} checkpoints x ${neurons} neurons x ${dim} dimensions`);
  const out: number[] = [];
  for (let c = 0; c < checkpoints; c++) {
    const block = scores.subarray(c * neurons * dim, (c + 1) * neurons * dim);
    const labels = singleLinkage(block, neurons, dim, cut);
    let count = 0;
    for (let i = 0; i < labels.length; i++) count = Math.max(count, labels[i] + 1);
    out.push(count);
    onCheckpoint?.(c);
  }
  return out;
}

/** Steps where the count rises above its previous value. */
export function capacityJumps(steps: readonly number[], clusters: readonly number[]): number[] {
  const out: number[] = [];
  for (let c = 1; c < clusters.length; c++) if (clusters[c] > clusters[c - 1]) out.push(steps[c]);
  return out;
}
