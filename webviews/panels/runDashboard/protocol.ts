/**
 * Messages between the Run Dashboard and its host. The host sends the run (run.json as read, the analyses
 * that apply), then the curves (downsampled) and again while the run trains; the webview links steps and
 * opens analysis panels through the common messages (linkStep, openPanel, copy).
 */
import type { RunCurves } from '../../../analysis/worker/protocol/runCurves';
import type { RunJson } from '../../../analysis/spec/runFormat';
import type { LinkedStepMessage, PanelStateBase } from '../../protocol/common';

/** An analysis panel as a dashboard button: enabled, or disabled with the reason. */
export interface AnalysisButton { id: string; title: string; description: string; icon: string; reason?: string }

export interface DashboardRun {
  runDir: string;
  /** run.json as read (status already corrected for a dead writer), or undefined with `problem`. */
  run?: RunJson;
  problem?: string;
  checkpointSteps: number[];
  /** The run config as a config file accepted by "From a config file…" and `topolens train --config`. */
  configFileText?: string;
}

export interface RunDashboardState extends PanelStateBase {
  logScale?: boolean;
  /** TensorBoard smoothing weight 0..0.999. */
  smoothing?: number;
  /** Curve keys (CurveKey) the user switched off in a legend. */
  hiddenSeries?: string[];
}

export type RunDashboardHostMessage =
  | { type: 'run'; run: DashboardRun; analyses: AnalysisButton[] }
  | { type: 'curves'; curves: RunCurves }
  /** The checkpoint step selected in the linked views (nearest checkpoint to what the user picked). */
  | LinkedStepMessage;

/** The dashboard asks for the curves again with more points: min-max downsampling keeps two points per
 *  bucket, so a plot w px wide wants about 2w (main.ts asks once per wider layout, never for fewer). */
export type RunDashboardViewMessage = { type: 'refresh'; maxPoints?: number };
