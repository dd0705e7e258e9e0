/**
 * Weight Barcode: H0/H1 persistence of one layer's neuron weight vectors at a checkpoint, and its summary
 * across training. Result types are plain JSON (no typed arrays, no Infinity) so webviews share them.
 */
import { analysisRequest, type AnalysisParams } from './analysis';

/** A persistence bar on the wire: essential bars have `death: null`. */
export interface WireBar { dim: number; birth: number; death: number | null; birthSimplex: number[]; deathSimplex: number[] }

export interface LayerInfo { name: string; neurons: number; fanIn: number }

export interface WeightBarcode {
  version: number;
  runId: string;
  runName: string;
  runDir: string;
  step: number;
  /** All checkpoint steps of the run, ascending, for scrubbing. */
  steps: number[];
  layer: string;
  /** Dense layers of the checkpoint in model order. */
  layers: LayerInfo[];
  nPoints: number;
  pointDim: number;
  maxDim: number;
  metric: 'euclidean';
  bars: WireBar[];
  computeMs: number;
}

/** Per-checkpoint summary of a barcode: per dimension, bar count and finite persistence (sum, max). */
export interface BarcodeSummary { step: number; perDim: { dim: number; bars: number; total: number; longest: number }[] }

export interface BarcodeSeries { runDir: string; layer: string; maxDim: number; points: BarcodeSummary[] }

export interface WeightBarcodeParams extends AnalysisParams {
  /** Checkpoint step; the last checkpoint when omitted. */
  step?: number;
  /** Layer name (e.g. `dense3`); the final layer when omitted. */
  layer?: string;
  maxDim?: number;
}

export interface WeightBarcodeSeriesParams extends AnalysisParams { layer?: string; maxDim?: number }

export const WeightBarcodeRequest = analysisRequest<WeightBarcodeParams, WeightBarcode>('weightBarcode');
export const WeightBarcodeSeriesRequest = analysisRequest<WeightBarcodeSeriesParams, BarcodeSeries>('weightBarcodeSeries');
