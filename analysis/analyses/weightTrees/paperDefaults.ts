/**
 * Gabella's Mapper settings (SPEC A; notebook `TopoLearning.ipynb` of maximevictor/topo-learning) and how
 * a request's overrides resolve against them. The paper gives (intervals, eps) for its three layers:
 * hidden1 (30, 0.1), hidden2 (25, 0.2), output (20, 0.5). Other architectures (our choice): the first
 * dense layer gets hidden1's, the last (when there are two or more) the output's, every layer between
 * hidden2's. Weight scales differ across architectures, hence the "fit eps" helper (fitEps.ts).
 */
import type { ResolvedMapperSettings, WeightTreesMapperSettings } from '../../worker/protocol/weightTrees';

export const PAPER = {
  pca: 20,
  cover: 'keplermapper-1.1',
  overlap: 0.99,
  minSamples: 2,
  minIntersection: 1,
  hidden1: { intervals: 30, eps: 0.1 },
  hidden2: { intervals: 25, eps: 0.2 },
  output: { intervals: 20, eps: 0.5 },
} as const;

/** The paper's (intervals, eps) for dense layer `index` of `count`. */
export function paperLayerDefaults(index: number, count: number): { intervals: number; eps: number } {
  if (index === 0) return PAPER.hidden1;
  if (index === count - 1) return PAPER.output;
  return PAPER.hidden2;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`weight trees: ${message}`);
}

/** Overrides over the paper's defaults, validated; eps stays 'fit' for the caller to resolve. */
export function resolveSettings(overrides: WeightTreesMapperSettings, index: number, count: number): Omit<ResolvedMapperSettings, 'eps' | 'epsFitted'> & { eps: number | 'fit' } {
  const layer = paperLayerDefaults(index, count);
  const s = {
    pca: overrides.pca ?? PAPER.pca,
    cover: overrides.cover ?? PAPER.cover,
    intervals: overrides.intervals ?? layer.intervals,
    overlap: overrides.overlap ?? PAPER.overlap,
    eps: overrides.eps ?? layer.eps,
    minSamples: overrides.minSamples ?? PAPER.minSamples,
    minIntersection: overrides.minIntersection ?? PAPER.minIntersection,
  };
  check(Number.isInteger(s.pca) && s.pca >= 1, `pca must be a positive integer (components), got ${s.pca}`);
  check(s.cover === 'keplermapper-1.1' || s.cover === 'kepler-mapper', `cover must be keplermapper-1.1 or kepler-mapper, got ${String(s.cover)}`);
  check(Number.isInteger(s.intervals) && s.intervals >= 1, `intervals must be a positive integer, got ${s.intervals}`);
  check(Number.isFinite(s.overlap) && s.overlap >= 0 && (s.cover === 'keplermapper-1.1' || s.overlap < 1), `overlap must be >= 0 (and < 1 for the kepler-mapper cover), got ${s.overlap}`);
  check(s.eps === 'fit' || (typeof s.eps === 'number' && s.eps > 0 && Number.isFinite(s.eps)), `eps must be a positive number or "fit", got ${String(s.eps)}`);
  check(Number.isInteger(s.minSamples) && s.minSamples >= 1, `minSamples must be a positive integer, got ${s.minSamples}`);
  check(Number.isInteger(s.minIntersection) && s.minIntersection >= 1, `minIntersection must be a positive integer, got ${s.minIntersection}`);
  return s;
}
