/**
 * The sampled method (sampledBarriers.ts) on a study's minima, as computeLossBarcode runs it: one pass gives
 * every pair, so the whole pass is cached as one entry (`<studyDir or first run>/analysis/lossBarcodeSampled/
 * <key>.json`, keyed by the resolved settings and every minimum's run and checkpoint), beside and apart from
 * the paths' per-pair entries.
 */
import path from 'node:path';
import { cacheSlot } from '../cache';
import type { AnalysisContext } from '../definition';
import type { PreparedBarcode } from './prepare';
import { sampledBarriers, samplesSeed, type SampledBarriers } from './sampledBarriers';

const SAMPLED = { name: 'lossBarcodeSampled', version: 1 };

export interface SampledRequest { cacheDir: string; force?: boolean; cachedOnly?: boolean }

/** The sampled barriers (cached), or undefined for `cachedOnly` when they are not computed yet. */
export function sampledStudyBarriers(prep: PreparedBarcode, minLoss: readonly number[], request: SampledRequest, context: AnalysisContext): SampledBarriers | undefined {
  const { set, settings, objective, thetas } = prep;
  const slot = cacheSlot<SampledBarriers>(SAMPLED.name, SAMPLED.version,
    { settings, minima: set.runs.map((r) => [path.basename(path.resolve(r.runDir)), r.checkpoint.step]) },
    { dir: request.cacheDir, inputs: set.runs.map((r) => r.checkpoint.file) }, request.force);
  if (slot.hit || request.cachedOnly) return slot.hit;
  const result = sampledBarriers(thetas, minLoss, objective, {
    samples: settings.samples as number,
    knn: settings.knn as number,
    seed: samplesSeed(settings.seed),
    // As many straight-line points as the longest optimised path's profile: comparable baselines.
    straightSteps: (settings.maxPoints - 1) * (settings.interpolate + 1),
    edgePoints: settings.interpolate,
    relax: settings.relax as number,
    relaxLr: settings.lr,
  }, (fraction, message) => {
    context.throwIfCancelled();
    context.progress(fraction, `sampled k-NN: ${message}`);
  });
  slot.store(result);
  return result;
}
