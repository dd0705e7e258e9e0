/**
 * The "Decision Geometry" analysis of one checkpoint: the network over a 2-D plane (class, confidence,
 * region and gradient maps), the first layer's lines and their exact arrangement count beside Zaslavsky's
 * bound, exact breakpoints along a segment between two probe inputs, per-layer ||W|| and the confidence
 * band for several weight scales. Cached per resolved step in the run folder, keyed by the checkpoint file.
 */
import { cacheSlot } from '../cache';
import { CancelledError, plainContext, singleRunDir, type AnalysisContext } from '../definition';
import type { BandRow, DecisionGeometryParams, DecisionGeometryResult, SegmentResult, WireDenseLayer } from '../../worker/protocol/decisionGeometry';
import { arrangementRegions, clipLine, firstLayerLines, zaslavskyBound } from './arrangement';
import { bandFraction, measureBandWidth } from './bands';
import { isPiecewiseLinear, kernelNorms, loadDenseNet, type DenseNet } from './denseNet';
import { toBase64 } from './encoding';
import { evaluateGrid, planeNormSq } from './grid';
import { boundingDomain, checkDomain, identityPlane, planeThrough, restrictToPlane, toPlane, type Domain, type Plane } from './plane';
import { headOf, openRun, pickCheckpoint, readProbes, trainingSplit, type ProbeSet, type RunHandle } from './runData';
import { scaleNetwork } from './scaling';
import { segmentBreakpoints } from './segment';

export const DECISION_GEOMETRY = { name: 'decisionGeometry', version: 1 } as const;

const DEFAULT_ALPHAS = [0.5, 1, 2, 4];
const MAX_POINTS = 1000;

function probeRow(p: ProbeSet, i: number, what: string): Float32Array {
  if (!Number.isInteger(i) || i < 0 || i >= p.n) throw new Error(`${what}: probe index ${i} is outside 0..${p.n - 1} (indices into the run's probe set).`);
  return p.x.subarray(i * p.d, (i + 1) * p.d);
}

/** Default plane probes: probe 0, then the first probes of new classes; a same-class probe when classes run out. */
export function defaultPlaneProbes(p: ProbeSet): [number, number, number] {
  const chosen = [0];
  for (let i = 1; i < p.n && chosen.length < 3; i++) if (!chosen.some((c) => p.labels[c] === p.labels[i])) chosen.push(i);
  for (let i = 1; i < p.n && chosen.length < 3; i++) if (!chosen.includes(i)) chosen.push(i);
  if (chosen.length < 3) throw new Error('plane: the probe set has fewer than three inputs.');
  return chosen as [number, number, number];
}

export function defaultSegment(p: ProbeSet): [number, number] {
  for (let i = 1; i < p.n; i++) if (p.labels[i] !== p.labels[0]) return [0, i];
  if (p.n < 2) throw new Error('segment: the probe set has fewer than two inputs.');
  return [0, 1];
}

export interface ResolvedPlane { kind: 'data' | 'probes'; probes: [number, number, number] | null; plane: Plane }

export function resolvePlane(net: DenseNet, probes: ProbeSet, choice: [number, number, number] | undefined): ResolvedPlane {
  if (!choice && net.inDim === 2) return { kind: 'data', probes: null, plane: identityPlane() };
  const idx = choice ?? defaultPlaneProbes(probes);
  if (idx.length !== 3) throw new Error(`plane: expected three probe indices, got ${idx.length}.`);
  const [a, b, c] = idx.map((i) => probeRow(probes, i, 'plane'));
  return { kind: 'probes', probes: idx, plane: planeThrough(a, b, c) };
}

function wireNet(net: DenseNet): WireDenseLayer[] {
  return net.layers.map((l) => ({ name: l.name, inDim: l.inDim, outDim: l.outDim, w: Array.from(l.w), b: Array.from(l.b), activation: l.activation }));
}

function checkParams(p: DecisionGeometryParams): void {
  if (p.grid !== undefined && (!Number.isInteger(p.grid) || p.grid < 2 || p.grid > 4096)) throw new Error(`grid ${p.grid}: expected an integer from 2 to 4096 cells per side.`);
  if (p.alpha !== undefined && !(p.alpha > 0 && Number.isFinite(p.alpha))) throw new Error(`alpha ${p.alpha}: the weight scale must be a positive number.`);
  for (const a of p.alphas ?? []) if (!(a > 0 && Number.isFinite(a))) throw new Error(`alphas: ${a} is not a positive number.`);
  if (p.bandLevel !== undefined && !(p.bandLevel > 0 && p.bandLevel < 0.5)) throw new Error(`band level ${p.bandLevel}: expected 0 < c < 0.5.`);
  if (p.scaleMode !== undefined && p.scaleMode !== 'output' && p.scaleMode !== 'all') throw new Error(`scale mode "${String(p.scaleMode)}": use "output" or "all".`);
}

export function computeDecisionGeometry(params: DecisionGeometryParams, context: AnalysisContext = plainContext()): DecisionGeometryResult {
  checkParams(params);
  const runDir = singleRunDir(params, DECISION_GEOMETRY.name);
  const h = openRun(runDir);
  const ckpt = pickCheckpoint(h, params.step);
  const steps = h.checkpoints.map((c) => c.step);
  const key = { ...params, step: ckpt.step };
  const slot = cacheSlot<DecisionGeometryResult>(DECISION_GEOMETRY.name, DECISION_GEOMETRY.version, key, { dir: runDir, inputs: [ckpt.file] }, params.force);
  if (slot.hit) return { ...slot.hit, steps, runDir, runName: h.run.name };
  const result = geometryOf(h, ckpt.file, ckpt.step, params, context);
  slot.store(result);
  return result;
}

function geometryOf(h: RunHandle, file: string, step: number, params: DecisionGeometryParams, context: AnalysisContext): DecisionGeometryResult {
  const t0 = performance.now();
  const size = params.grid ?? 256;
  const alpha = params.alpha ?? 1;
  const scaleMode = params.scaleMode ?? 'output';
  const c = params.bandLevel ?? 0.05;
  const net = loadDenseNet(h.run, file, h.runJsonFile);
  const probes = readProbes(h);
  if (probes.d !== net.inDim) throw new Error(`${h.dir}: probe inputs have ${probes.d} values but the network takes ${net.inDim}.`);
  const plane = resolvePlane(net, probes, params.plane);
  const planeNet = restrictToPlane(net, plane.plane);
  const anchors = (plane.probes ?? []).map((i) => { const [u, v] = toPlane(plane.plane, probeRow(probes, i, 'plane')); return { probe: i, label: probes.labels[i], u, v }; });

  const points = { u: [] as number[], v: [] as number[], label: [] as number[] };
  if (plane.kind === 'data') {
    const train = headOf(trainingSplit(h.run), MAX_POINTS, 2);
    for (let i = 0; i < train.n; i++) { points.u.push(train.x[2 * i]); points.v.push(train.x[2 * i + 1]); points.label.push(train.y[i]); }
  }
  let domain: Domain;
  if (params.domain) {
    const [uMin, uMax, vMin, vMax] = params.domain;
    domain = { uMin, uMax, vMin, vMax };
    checkDomain(domain, 'domain');
  } else {
    domain = plane.kind === 'data' ? boundingDomain(interleave(points.u, points.v), 0.1) : boundingDomain(interleave(anchors.map((a) => a.u), anchors.map((a) => a.v)), 0.5);
  }
  context.progress(0.05, 'grid');

  const scaled = alpha === 1 ? planeNet : scaleNetwork(planeNet, alpha, scaleMode);
  const gradient = params.gradientMap === false ? undefined : { inputNormSq: planeNormSq(plane.plane.origin, plane.plane.e1, plane.plane.e2) };
  const maps = evaluateGrid(scaled, domain, size, { regionLayer: params.regionLayer, gradient, isCancelled: () => context.isCancelled() });
  context.progress(0.5, 'lines and segment');

  const lines = firstLayerLines(planeNet);
  const units = net.layers.length > 1 ? net.layers[0].outDim : 0;
  const firstLayer = {
    units,
    lines: lines.map((l) => ({ ...l, clipped: clipLine(l, domain) })),
    regionsInView: arrangementRegions(lines, domain),
    regionsInPlane: arrangementRegions(lines),
    zaslavskyBound: zaslavskyBound(units, Math.min(2, net.inDim)),
  };

  let segment: SegmentResult | null = null;
  if (isPiecewiseLinear(net) && net.layers.length > 1) {
    const [from, to] = params.segment ?? defaultSegment(probes);
    const p = probeRow(probes, from, 'segment');
    const q = probeRow(probes, to, 'segment');
    const s = segmentBreakpoints(net, p, q);
    segment = { from, to, fromLabel: probes.labels[from], toLabel: probes.labels[to], fromUV: toPlane(plane.plane, p), toUV: toPlane(plane.plane, q), ...s };
  }
  if (context.isCancelled()) throw new CancelledError();

  const bands: BandRow[] = [];
  const bandGrid = Math.min(size, 128);
  for (const [k, a] of (params.alphas ?? DEFAULT_ALPHAS).entries()) {
    context.progress(0.6 + (0.4 * k) / (params.alphas ?? DEFAULT_ALPHAS).length, `band alpha ${a}`);
    const sn = scaleNetwork(planeNet, a, scaleMode);
    const g = evaluateGrid(sn, domain, bandGrid, { isCancelled: () => context.isCancelled() });
    const w = measureBandWidth(sn, domain, g.classMap, bandGrid, c);
    bands.push({ alpha: a, c, bandFraction: bandFraction(g.confidence, c), predictedWidth: w.predictedWidth, measuredWidth: w.measuredWidth, boundaryPoints: w.points });
  }

  return {
    version: DECISION_GEOMETRY.version,
    runDir: h.dir, runId: h.run.id, runName: h.run.name, step, steps: h.checkpoints.map((x) => x.step),
    classes: net.classes,
    classNames: h.run.shape?.classNames ?? Array.from({ length: net.classes }, (_, i) => `class ${i}`),
    hiddenActivations: net.layers.slice(0, -1).map((l) => l.activation),
    piecewiseLinear: isPiecewiseLinear(net),
    plane: { kind: plane.kind, probes: plane.probes, anchors },
    domain, grid: size, alpha, scaleMode,
    maps: {
      encoding: 'base64-le', classMap: toBase64(maps.classMap), confidence: toBase64(maps.confidence), regionMap: toBase64(maps.regionMap),
      gradientNorm: maps.gradientNorm ? toBase64(maps.gradientNorm) : null,
    },
    regionLayer: maps.regionLayer,
    regionsByLayer: maps.regionsByLayer,
    gridRegions: maps.regionsByLayer.length ? maps.regionsByLayer[maps.regionsByLayer.length - 1] : 1,
    firstLayer, segment,
    weightNorms: kernelNorms(net),
    bands, points,
    planeNet: wireNet(planeNet),
    computeMs: performance.now() - t0,
  };
}

function interleave(u: number[], v: number[]): Float64Array {
  const out = new Float64Array(2 * u.length);
  u.forEach((x, i) => { out[2 * i] = x; out[2 * i + 1] = v[i]; });
  return out;
}
