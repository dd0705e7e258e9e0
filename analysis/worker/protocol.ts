/**
 * The extension <-> worker protocol: typed JSON-RPC requests over the worker's IPC channel
 * (never stdout: tfjs prints there). Both sides import these constants, so a renamed method or a
 * changed payload is a compile error, not a silent mismatch.
 */
import { NotificationType, ProgressType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { BackendPreference } from '../training/backend';
import type { TrainProgress, TrainResult } from '../training/train';
import type { RunEntry } from '../store/runStore';
import type { BarcodeSeries, WeightBarcode } from '../analyses/types';
import type { GpuCheckReport } from '../training/gpuCheck';

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
  /** Token for `$/progress` notifications of type {@link TrainProgressType}. */
  progressToken: string;
}

export interface RunStarted { token: string; runId: string; runDir: string; backend?: string }

export interface AnalyzeWeightBarcodeParams {
  runDir: string;
  /** Checkpoint step; the last checkpoint when omitted. */
  step?: number;
  /** Layer name (e.g. `dense3`); the final layer when omitted. */
  layer?: string;
  maxDim?: number;
  /** Ignore and overwrite the cached result. */
  force?: boolean;
}

export interface ListRunsParams { runsRoot: string }

export interface WorkerLog { level: 'trace' | 'debug' | 'info' | 'warn' | 'error'; message: string }

export interface WorkerInfo { pid: number; node: string; backends: string[]; cpus: number }

export const TrainRequest = new RequestType<TrainParams, TrainResult, void>('topolens/train');
export const AnalyzeWeightBarcodeRequest = new RequestType<AnalyzeWeightBarcodeParams, WeightBarcode, void>('topolens/analyze/weightBarcode');
export const AnalyzeWeightBarcodeSeriesRequest = new RequestType<{ runDir: string; layer?: string; maxDim?: number }, BarcodeSeries, void>('topolens/analyze/weightBarcodeSeries');
export const ListRunsRequest = new RequestType<ListRunsParams, RunEntry[], void>('topolens/listRuns');
export const InfoRequest = new RequestType0<WorkerInfo, void>('topolens/info');
/** Cancels a training by run id (the tree's "Stop" action); JSON-RPC's own `$/cancelRequest` covers the rest. */
export const CancelRunRequest = new RequestType<{ runId: string }, boolean, void>('topolens/cancelRun');

export const GpuCheckRequest = new RequestType<{ tfjsNodePath?: string }, GpuCheckReport, void>('topolens/gpuCheck');

export const TrainProgressType = new ProgressType<TrainProgress>();
export const RunStartedNotification = new NotificationType<RunStarted>('topolens/runStarted');
export const LogNotification = new NotificationType<WorkerLog>('topolens/log');

/** Error codes carried by ResponseError so the extension can tell "bad input" from "bug". */
export const enum WorkerErrorCode {
  BadInput = 1001,
  NotFound = 1002,
  Cancelled = -32800, // LSP RequestCancelled
}
