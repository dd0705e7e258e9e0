/**
 * Result types of the analyses as they cross process and webview boundaries (plain JSON: no typed
 * arrays, no Infinity). Type-only and import-free, so webviews can share them without pulling in Node.
 */

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
