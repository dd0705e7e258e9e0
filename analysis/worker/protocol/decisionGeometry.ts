/**
 * Decision Geometry (SPEC D): a checkpoint evaluated over a 2-D plane (class, confidence and region maps,
 * first-layer lines, exact breakpoints along a segment, weight-scaling bands), its statistics over training,
 * and the subsampling study.
 *
 * Grids travel as base64 of little-endian typed arrays (`Uint8` class map, `Float32` confidence and
 * gradient maps, `Int32` region ids), row-major with row 0 at the top (v = vMax): a 256 x 256 float map is
 * 350 kB of JSON instead of about 1.3 MB of number text, and decodes with one `atob` into the typed array
 * the canvas code wants. Everything else is plain JSON; a value that does not exist is `null`.
 */
import { analysisRequest, type AnalysisParams } from './analysis';

export interface PlaneDomain { uMin: number; uMax: number; vMin: number; vMax: number }

/** A dense layer on the wire: kernel [inDim, outDim] row-major. */
export interface WireDenseLayer { name: string; inDim: number; outDim: number; w: number[]; b: number[]; activation: string }

export interface DecisionGeometryParams extends AnalysisParams {
  /** Checkpoint step; the last checkpoint when omitted. */
  step?: number;
  /** Grid cells per side (default 256). */
  grid?: number;
  /** [uMin, uMax, vMin, vMax]; default: the training data's bounding box (toys) or the three inputs' (images) plus margin. */
  domain?: [number, number, number, number];
  /** Probe indices of the three inputs spanning the plane; default: the data plane for 2-D inputs, else three probes of different classes. */
  plane?: [number, number, number];
  /** Probe indices of the segment's end points; default: probe 0 and the first probe of another class. */
  segment?: [number, number];
  /** Cumulative hidden-layer depth drawn in the region map (0 = first hidden layer); default: all. */
  regionLayer?: number;
  /** Weight scale for the maps (default 1). */
  alpha?: number;
  /** 'output' (default): last layer scaled; 'all': every layer, biases by alpha^k (ReLU nets only). */
  scaleMode?: 'output' | 'all';
  /** Scales for the band table (default [0.5, 1, 2, 4]). */
  alphas?: number[];
  /** Band level c: the band is max probability below 1 - c (default 0.05). */
  bandLevel?: number;
  /** Per-sample gradient norm map (default true). */
  gradientMap?: boolean;
}

export interface PlaneLineWire { unit: number; a: number; b: number; c: number; clipped: [[number, number], [number, number]] | null }

export interface SegmentResult {
  from: number;
  to: number;
  fromLabel: number;
  toLabel: number;
  /** End points in plane coordinates (their projection, for image planes). */
  fromUV: [number, number];
  toUV: [number, number];
  breakpoints: number[];
  pieces: number;
  perLayer: number[];
  length: number;
}

export interface BandRow { alpha: number; c: number; bandFraction: number; predictedWidth: number | null; measuredWidth: number | null; boundaryPoints: number }

export interface DecisionGeometryResult {
  version: number;
  runDir: string;
  runId: string;
  runName: string;
  step: number;
  steps: number[];
  classes: number;
  classNames: string[];
  hiddenActivations: string[];
  piecewiseLinear: boolean;
  plane: { kind: 'data' | 'probes'; probes: [number, number, number] | null; anchors: { probe: number; label: number; u: number; v: number }[] };
  domain: PlaneDomain;
  grid: number;
  alpha: number;
  scaleMode: 'output' | 'all';
  maps: { encoding: 'base64-le'; classMap: string; confidence: string; regionMap: string; gradientNorm: string | null };
  regionLayer: number;
  /** Distinct activation patterns of hidden layers 1..k+1 over the grid. */
  regionsByLayer: number[];
  gridRegions: number;
  firstLayer: { units: number; lines: PlaneLineWire[]; regionsInView: number; regionsInPlane: number; zaslavskyBound: number };
  segment: SegmentResult | null;
  weightNorms: { layer: string; norm: number }[];
  bands: BandRow[];
  /** Training points in plane coordinates (toys: up to 1000; image planes: none). */
  points: { u: number[]; v: number[]; label: number[] };
  /** The network restricted to the plane (2 inputs), unscaled: the webview evaluates it on hover. */
  planeNet: WireDenseLayer[];
  computeMs: number;
}

export interface DecisionSeriesParams extends AnalysisParams {
  /** Grid cells per side for the region counts (default 128). */
  grid?: number;
  /** Training samples for gradient statistics (default 1000). */
  samples?: number;
  bandLevel?: number;
  /** sigma' threshold relative to its maximum (default 0.1). */
  slopeThreshold?: number;
  plane?: [number, number, number];
  domain?: [number, number, number, number];
}

export interface DecisionSeriesPoint {
  step: number;
  weightNorms: number[];
  regionsByLayer: number[];
  firstLayerRegionsInView: number;
  firstLayerRegions: number;
  zaslavskyBound: number;
  trainAccuracy: number;
  meanGradientNorm: number;
  medianGradientNorm: number;
  top10Share: number;
  bandSampleShare: number;
  bandGradientShare: number;
  /** Per hidden layer, per unit. */
  unitSlopeFractions: number[][];
}

export interface DecisionSeriesRun { runDir: string; runName: string; layers: string[]; weightDecay: number; points: DecisionSeriesPoint[] }

export interface DecisionSeriesResult { runs: DecisionSeriesRun[]; computeMs: number }

export interface SubsamplingParams extends AnalysisParams {
  /** Training-set sizes to compare (default [20, 50, 100, 200]). */
  budgets?: number[];
  /** Seeds per budget and method (default 5). */
  seeds?: number;
  /** Share of a band budget drawn at random from the rest (default 0.2). */
  randomFraction?: number;
  /** 'band': lowest confidence under the run's final model; 'loss': highest loss under it. */
  selection?: 'band' | 'loss';
  /** Training steps of each small network (default 400). */
  steps?: number;
}

export interface SubsamplingRow { budget: number; method: 'uniform' | 'band' | 'loss'; accuracies: number[]; mean: number; std: number }

export interface SubsamplingResult { runDir: string; scorerStep: number; testSamples: number; steps: number; rows: SubsamplingRow[]; computeMs: number }

export const DecisionGeometryRequest = analysisRequest<DecisionGeometryParams, DecisionGeometryResult>('decisionGeometry');
export const DecisionSeriesRequest = analysisRequest<DecisionSeriesParams, DecisionSeriesResult>('decisionGeometrySeries');
export const SubsamplingRequest = analysisRequest<SubsamplingParams, SubsamplingResult>('decisionSubsampling');
