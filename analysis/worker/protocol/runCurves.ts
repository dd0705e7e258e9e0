/**
 * Run curves for the dashboard: train/test loss and accuracy, learning rate and samples/s over steps,
 * read from metrics.jsonl and downsampled so a 100k-line file never crosses the wire whole.
 */
import { analysisRequest, type AnalysisParams } from './analysis';

export const CURVE_KEYS = ['trainLoss', 'trainAccuracy', 'evalTrainLoss', 'evalTrainAccuracy', 'testLoss', 'testAccuracy', 'lr', 'samplesPerSec'] as const;
export type CurveKey = (typeof CURVE_KEYS)[number];

export interface CurveSeries {
  key: CurveKey;
  /** Human label ("train loss (running)", "test accuracy"). */
  label: string;
  /** Which chart it belongs to. */
  group: 'loss' | 'accuracy' | 'lr' | 'throughput';
  steps: number[];
  values: number[];
  /** Points in metrics.jsonl before downsampling. */
  rawCount: number;
}

export interface RunCurves {
  runDir: string;
  /** metrics.jsonl lines read (after skipping a torn last line). */
  records: number;
  /** Steps with a checkpoint, ascending (clicking a curve selects the nearest one). */
  checkpointSteps: number[];
  /** Total steps of the run when known (from run.json's shape). */
  totalSteps?: number;
  series: CurveSeries[];
}

export interface RunCurvesParams extends AnalysisParams {
  /** Upper bound on points per series (default 1,000): extremes are kept, see downsample.ts. */
  maxPoints?: number;
}

export const RunCurvesRequest = analysisRequest<RunCurvesParams, RunCurves>('runCurves');
