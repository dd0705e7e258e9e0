/**
 * The TO-score Table: one loss barcode per architecture of a study (a width x depth grid), summarised as a
 * row: the four TO-score variants, minima count, mean/longest segment, global minimum, mean test error and
 * the segment-length vs test-error rank correlation (SPEC B observations 1 and 2), and the same correlation
 * across the architectures. Each barcode goes through computeLossBarcode, so its pairs are cached and shared
 * with the Loss Barcode panel of that architecture.
 */
import type { AcrossArchitectures, ToScoreRow, ToScoreTable, ToScoreTableParams } from '../../worker/protocol/lossBarcode';
import { defineAnalysis, plainContext, type AnalysisContext } from '../definition';
import { computeLossBarcode } from './analysis';
import { parameterCount } from './mlpBatch';
import { loadMinimaSet } from './minima';
import { spearman } from './rankCorrelation';
import { groupByArchitecture, requestRuns } from './studyRuns';

export async function computeToScoreTable(params: ToScoreTableParams, context: AnalysisContext = plainContext()): Promise<ToScoreTable> {
  const t0 = Date.now();
  const groups = groupByArchitecture(requestRuns(params));
  const usable = groups.filter((g) => g.runDirs.length >= 2);
  const skipped = groups.filter((g) => g.runDirs.length < 2).map((g) => ({ architecture: g.architecture, runs: g.runDirs.length, reason: 'needs at least 2 completed minima' }));
  const rows: ToScoreRow[] = [];
  for (const [k, g] of usable.entries()) {
    context.throwIfCancelled();
    const sub: AnalysisContext = {
      ...context,
      progress: (f, m) => context.progress((k + (f ?? 0)) / usable.length, `${g.architecture}: ${m ?? ''}`),
    };
    const r = await computeLossBarcode({ ...params, runDirs: g.runDirs }, sub);
    const layers = loadMinimaSet(g.runDirs).layers;
    const hidden = layers.slice(0, -1);
    const widths = new Set(hidden.map((l) => l.units));
    const segments = r.bars.filter((b) => b[1] !== null).map((b) => (b[1] as number) - b[0]);
    const errors = r.minima.map((m) => m.testError).filter((e): e is number => e !== null);
    rows.push({
      architecture: r.architecture,
      depth: hidden.length,
      width: widths.size === 1 ? [...widths][0] : null,
      parameters: parameterCount(layers),
      runDirs: g.runDirs,
      minima: r.minima.length,
      pairsDone: r.pairsDone,
      pairsTotal: r.pairsTotal,
      toScore: r.toScore,
      meanSegment: segments.length ? segments.reduce((a, b) => a + b, 0) / segments.length : 0,
      maxSegment: segments.length ? Math.max(...segments) : 0,
      globalMin: r.toScore.globalMin,
      meanTestError: errors.length ? errors.reduce((a, b) => a + b, 0) / errors.length : null,
      correlation: r.correlation,
    });
  }
  if (rows.length === 0) throw new Error(`TO-score table: no architecture has 2 or more completed minima (${groups.map((g) => `${g.architecture}: ${g.runDirs.length}`).join(', ')}); train more seeds`);
  rows.sort((a, b) => a.depth - b.depth || (a.width ?? 0) - (b.width ?? 0) || a.architecture.localeCompare(b.architecture));
  return { rows, acrossArchitectures: acrossArchitectures(rows), skipped, computeMs: Date.now() - t0 };
}

/**
 * Within one architecture K = 4-8 minima rarely decide a rank correlation; across a grid's architectures the
 * question "do shorter barcodes go with lower test error?" has 20 points behind it.
 */
export function acrossArchitectures(rows: readonly ToScoreRow[]): AcrossArchitectures | null {
  const scored = rows.filter((r): r is ToScoreRow & { meanTestError: number } => r.meanTestError !== null);
  if (scored.length < 3) return null;
  const error = scored.map((r) => r.meanTestError);
  return {
    meanSegmentVsTestError: spearman(scored.map((r) => r.meanSegment), error),
    toScoreVsTestError: spearman(scored.map((r) => r.toScore.sum), error),
  };
}

export const toScoreTableAnalysis = defineAnalysis<ToScoreTableParams, ToScoreTable>({ name: 'toScoreTable', version: 1, run: computeToScoreTable });
