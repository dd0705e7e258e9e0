/** Messages between the Prediction Manifold panel and its host, and the view state it persists. */
import type { PredictionManifold } from '../../../analysis/worker/protocol/predictionManifold';
import type { LinkedStepMessage, PanelStateBase, PanelTarget } from '../../protocol/common';

/** A run the picker offers: any run of the runs folder whose probe settings match the shown ones. */
export interface PickableRun { runDir: string; name: string; status: string }

export interface PredictionManifoldState extends PanelStateBase {
  /** Axes shown (0-based InPCA axes): two for the plane, three for the rotatable 3-D view. */
  axes?: number[];
  threeD?: boolean;
  /** 3-D view rotation (radians). */
  yaw?: number;
  pitch?: number;
  /** Follow running runs by out-of-sample projection. */
  live?: boolean;
  /** x axis of the progress chart. */
  progressBy?: 'step' | 'trainAccuracy';
  /** Runs hidden from the plots (legend clicks). */
  hidden?: string[];
}

export type PredictionManifoldHostMessage =
  | { type: 'manifold'; manifold: PredictionManifold; target: PanelTarget }
  | { type: 'pickable'; runs: PickableRun[] }
  /** Another view picked a step of one of the runs: ring the nearest checkpoint. */
  | LinkedStepMessage;

export type PredictionManifoldViewMessage =
  /** Click on a checkpoint: move that run's linked checkpoint. */
  | { type: 'pick'; runDir: string; step: number }
  /** The run picker changed the set of runs. */
  | { type: 'setRuns'; runDirs: string[] }
  | { type: 'live'; live: boolean }
  /** Full recompute (after projected checkpoints made the picture stale). */
  | { type: 'recompute' };
