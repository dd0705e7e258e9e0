/**
 * Training requests between the extension and the worker: start (or resume) a training with `$/progress`,
 * the notification that a run folder exists, and cancel-by-run. The progress and result types are the
 * wire types; training/train.ts produces them.
 */
import { NotificationType, ProgressType, RequestType } from 'vscode-jsonrpc';
import type { RunJson, RunStatus } from '../../spec/runFormat';
import type { CheckpointRef } from './runs';

export type BackendPreference = 'auto' | 'gpu' | 'native' | 'wasm' | 'cpu';

export interface TrainParams {
  /** A preset id (see analysis/training/presets.ts) or a full config; `config` wins when both are given. */
  presetId?: string;
  /** A run config as JSON (validated in the worker, errors name `configSource`). */
  config?: unknown;
  configSource?: string;
  /** A workspace module exporting `createModel(tf)`; only sent from trusted workspaces. */
  modelFile?: string;
  /** False in untrusted workspaces: the worker then refuses any config that would execute a model file. */
  allowWorkspaceCode: boolean;
  runsRoot: string;
  name?: string;
  backend: BackendPreference;
  tfjsNodePath?: string;
  resumeRunDir?: string;
  /** The study this run is a member of (id of studies/<id>/ in the runs folder, member name); recorded in run.json. */
  study?: { id: string; member: string };
  /** Token for `$/progress` notifications of type {@link TrainProgressType}. */
  progressToken: string;
}

export interface TrainProgress {
  runId: string;
  runDir: string;
  step: number;
  totalSteps: number;
  /** Fractional epochs completed: step / stepsPerEpoch. */
  epoch: number;
  loss: number;
  accuracy?: number;
  samplesPerSec: number;
  etaSeconds?: number;
  checkpoint?: CheckpointRef;
}

/** What this session's checkpoints cost the training thread, in seconds, and where they were evaluated. */
export interface CheckpointCost {
  /** 'thread'/'inline': the fused wasm step's evaluator; 'tfjs': tfjs forward passes on the training thread. */
  evaluator: 'thread' | 'inline' | 'tfjs';
  /** Checkpoints recorded. */
  count: number;
  /** Of those, evaluated by the training thread itself because the evaluator thread was behind. */
  evaluatedHere: number;
  /** Copying the weights out and handing them over (inline, tfjs and evaluatedHere: the evaluation and encoding too). */
  snapshotSeconds: number;
  /** Waiting for a free place among MAX_PENDING_CHECKPOINTS (brief, inline and tfjs paths: the fused step evaluates instead). */
  backPressureSeconds: number;
  /** Taking the scores as they come: metrics, summary. */
  recordSeconds: number;
  /** Waiting for the step-0 checkpoint (evaluated, on disk) before training starts. */
  initialWaitSeconds: number;
  /** Waiting for the last evaluations and writes: at the end, on cancel or failure. */
  finalWaitSeconds: number;
}

export interface TrainResult {
  runId: string;
  runDir: string;
  status: RunStatus;
  summary?: RunJson['summary'];
  error?: RunJson['error'];
  checkpointCost?: CheckpointCost;
}

export interface RunStarted { token: string; runId: string; runDir: string; backend?: string }

export const TrainRequest = new RequestType<TrainParams, TrainResult, void>('topolens/train');
/** Cancels a training by run id (the tree's "Stop" action); JSON-RPC's own `$/cancelRequest` covers the rest. */
export const CancelRunRequest = new RequestType<{ runId: string }, boolean, void>('topolens/cancelRun');
export const TrainProgressType = new ProgressType<TrainProgress>();
export const RunStartedNotification = new NotificationType<RunStarted>('topolens/runStarted');
