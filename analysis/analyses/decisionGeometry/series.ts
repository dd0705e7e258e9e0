/**
 * Decision geometry over training, per run (SPEC D.2-D.4): at every checkpoint ||W|| per layer, region
 * counts over the grid, the first layer's exact arrangement count beside Zaslavsky's bound, training
 * accuracy and the gradient statistics of gradients.ts on the run's own training samples. Several runs
 * (the same preset with and without L2) come back side by side. Each run's series is cached in its folder,
 * keyed by all its checkpoint files.
 */
import { cacheSlot } from '../cache';
import { CancelledError, plainContext, type AnalysisContext } from '../definition';
import type { DecisionSeriesParams, DecisionSeriesPoint, DecisionSeriesResult, DecisionSeriesRun } from '../../worker/protocol/decisionGeometry';
import { arrangementRegions, firstLayerLines, zaslavskyBound } from './arrangement';
import { kernelNorms, loadDenseNet } from './denseNet';
import { evaluateGrid } from './grid';
import { sampleGradients } from './gradients';
import { boundingDomain, checkDomain, restrictToPlane, toPlane, type Domain } from './plane';
import { headOf, openRun, readProbes, trainingSplit, type ProbeSet, type RunHandle } from './runData';
import { resolvePlane, type ResolvedPlane } from './geometry';

export const DECISION_SERIES = { name: 'decisionGeometrySeries', version: 1 } as const;

export function computeDecisionSeries(params: DecisionSeriesParams, context: AnalysisContext = plainContext()): DecisionSeriesResult {
  if (params.runDirs.length === 0) throw new Error(`${DECISION_SERIES.name}: give at least one run folder.`);
  const grid = params.grid ?? 128;
  if (!Number.isInteger(grid) || grid < 2 || grid > 4096) throw new Error(`grid ${grid}: expected an integer from 2 to 4096 cells per side.`);
  const samples = params.samples ?? 1000;
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`samples ${samples}: expected a positive integer.`);
  const t0 = performance.now();
  const handles = params.runDirs.map(openRun);
  const total = handles.reduce((a, h) => a + h.checkpoints.length, 0);
  let done = 0;
  const runs = handles.map((h): DecisionSeriesRun => {
    const key = { grid, samples, bandLevel: params.bandLevel, slopeThreshold: params.slopeThreshold, plane: params.plane, domain: params.domain };
    const slot = cacheSlot<DecisionSeriesRun>(DECISION_SERIES.name, DECISION_SERIES.version, key, { dir: h.dir, inputs: h.checkpoints.map((c) => c.file) }, params.force);
    if (slot.hit) { done += h.checkpoints.length; return { ...slot.hit, runDir: h.dir }; }
    const run = seriesOf(h, params, grid, samples, context, () => { done++; context.progress(done / total, `${h.run.name}: checkpoint ${done}/${total}`); });
    slot.store(run);
    return run;
  });
  return { runs, computeMs: performance.now() - t0 };
}

function seriesOf(h: RunHandle, params: DecisionSeriesParams, grid: number, samples: number, context: AnalysisContext, tick: () => void): DecisionSeriesRun {
  const probes = readProbes(h);
  const d = probes.d;
  const train = headOf(trainingSplit(h.run), samples, d);
  let domain: Domain | undefined;
  if (params.domain) {
    const [uMin, uMax, vMin, vMax] = params.domain;
    domain = { uMin, uMax, vMin, vMax };
    checkDomain(domain, 'domain');
  }
  const points: DecisionSeriesPoint[] = [];
  let layers: string[] = [];
  for (const ckpt of h.checkpoints) {
    if (context.isCancelled()) throw new CancelledError();
    const net = loadDenseNet(h.run, ckpt.file, h.runJsonFile);
    layers = net.layers.map((l) => l.name);
    const plane = resolvePlane(net, probes, params.plane);
    const planeNet = restrictToPlane(net, plane.plane);
    if (!domain) {
      // The view is fixed for the whole run (so counts are comparable): the data box, or the probes' box.
      domain = plane.kind === 'data' ? boundingDomain(train.x, 0.1) : boundingDomain(Float64Array.from([0, 0, ...planeAnchors(plane, probes)]), 0.5);
    }
    const maps = evaluateGrid(planeNet, domain, grid, { isCancelled: () => context.isCancelled() });
    const lines = firstLayerLines(planeNet);
    const units = net.layers.length > 1 ? net.layers[0].outDim : 0;
    const g = sampleGradients(net, train.x, train.y, train.n, { bandLevel: params.bandLevel, slopeThreshold: params.slopeThreshold }).summary;
    points.push({
      step: ckpt.step,
      weightNorms: kernelNorms(net).map((w) => w.norm),
      regionsByLayer: maps.regionsByLayer,
      firstLayerRegionsInView: arrangementRegions(lines, domain),
      firstLayerRegions: arrangementRegions(lines),
      zaslavskyBound: zaslavskyBound(units, Math.min(2, net.inDim)),
      trainAccuracy: g.accuracy,
      meanGradientNorm: g.meanNorm,
      medianGradientNorm: g.medianNorm,
      top10Share: g.top10Share,
      bandSampleShare: g.bandSampleShare,
      bandGradientShare: g.bandGradientShare,
      unitSlopeFractions: g.unitSlopeFractions,
    });
    tick();
  }
  return { runDir: h.dir, runName: h.run.name, layers, weightDecay: h.run.config.weightDecay, points };
}

/** (u, v) of the plane's second and third probes (the first is the origin). */
function planeAnchors(plane: ResolvedPlane, probes: ProbeSet): number[] {
  return (plane.probes ?? []).slice(1).flatMap((i) => toPlane(plane.plane, probes.x.subarray(i * probes.d, (i + 1) * probes.d)));
}
