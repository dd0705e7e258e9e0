/**
 * Request handlers of the analysis worker. Kept apart from the transport (main.ts) so protocol tests can
 * run them over an in-memory connection.
 */
import { ResponseError, type CancellationToken, type MessageConnection } from 'vscode-jsonrpc';
import os from 'node:os';
import path from 'node:path';
import {
  AnalyzeWeightBarcodeRequest, AnalyzeWeightBarcodeSeriesRequest, CancelRunRequest, GpuCheckRequest, InfoRequest, ListRunsRequest, LogNotification, RunStartedNotification,
  TrainProgressType, TrainRequest, WorkerErrorCode, type TrainParams, type WorkerLog,
} from './protocol';
import { trainRun } from '../training/train';
import { getPreset } from '../training/presets';
import { parseTrainConfig, type TrainConfig } from '../spec/trainConfig';
import { loadModelModule } from '../training/userModel';
import { listRuns, readRunJson } from '../store/runStore';
import { RUN_JSON } from '../store/runLayout';
import { computeWeightBarcode } from '../analyses/weightBarcode';
import { computeWeightBarcodeSeries } from '../analyses/weightBarcodeSeries';
import { CancelledError } from '../topology/rips';
import { checkGpuSetup } from '../training/gpuCheck';

export function registerHandlers(connection: MessageConnection): void {
  const log = (level: WorkerLog['level'], message: string) => void connection.sendNotification(LogNotification, { level, message });
  /** runId -> cancel flag setter, for the tree's "Stop" action. */
  const running = new Map<string, () => void>();

  connection.onRequest(InfoRequest, () => ({ pid: process.pid, node: process.version, backends: ['auto', 'gpu', 'native', 'wasm', 'cpu'], cpus: os.cpus().length }));

  connection.onRequest(GpuCheckRequest, (p) => checkGpuSetup(p.tfjsNodePath));

  connection.onRequest(ListRunsRequest, (p) => listRuns(p.runsRoot));

  connection.onRequest(CancelRunRequest, ({ runId }) => {
    const cancel = running.get(runId);
    cancel?.();
    return cancel !== undefined;
  });

  /** Trainings run one after another: tfjs has one global backend per process, and two trainings on
   *  two cores would only slow each other down. A queued request can be cancelled while it waits. */
  let trainQueue: Promise<unknown> = Promise.resolve();

  connection.onRequest(TrainRequest, async (p, token) => {
    const config = await resolveConfig(p);
    const previous = trainQueue;
    let release = () => undefined as void;
    trainQueue = new Promise<void>((resolve) => { release = resolve; });
    if (running.size > 0) log('info', `training "${p.name ?? 'run'}" is queued until the current training finishes`);
    await previous;
    if (token.isCancellationRequested) {
      release();
      throw new ResponseError(WorkerErrorCode.Cancelled, 'cancelled before it started');
    }
    let cancelled = false;
    let runId = '';
    try {
      return await trainRun({
        config,
        runsRoot: p.runsRoot,
        name: p.name,
        backend: p.backend,
        tfjsNodePath: p.tfjsNodePath,
        resumeRunDir: p.resumeRunDir,
        isCancelled: () => cancelled || token.isCancellationRequested,
        onRunCreated: (id, runDir) => {
          runId = id;
          running.set(id, () => { cancelled = true; });
          void connection.sendNotification(RunStartedNotification, { token: p.progressToken, runId: id, runDir });
        },
        onProgress: (progress) => void connection.sendProgress(TrainProgressType, p.progressToken, progress),
        log: (message) => log('info', message),
      });
    } catch (e) {
      throw asResponseError(e);
    } finally {
      running.delete(runId);
      release();
    }
  });

  connection.onRequest(AnalyzeWeightBarcodeRequest, (p, token: CancellationToken) => {
    try {
      return computeWeightBarcode({ ...p, isCancelled: () => token.isCancellationRequested });
    } catch (e) {
      throw asResponseError(e);
    }
  });

  connection.onRequest(AnalyzeWeightBarcodeSeriesRequest, (p, token: CancellationToken) => {
    try {
      return computeWeightBarcodeSeries({ ...p, isCancelled: () => token.isCancellationRequested });
    } catch (e) {
      throw asResponseError(e);
    }
  });
}

/**
 * The run config of a train request. A workspace model file is code: it is loaded (to read its optional
 * exported `config`) and trained only when the extension says the workspace is trusted.
 */
async function resolveConfig(p: TrainParams): Promise<TrainConfig> {
  try {
    const refuse = (file: string) => new ResponseError(WorkerErrorCode.BadInput,
      `${file}: training a model file runs code from the workspace; trust the workspace first (Workspaces: Manage Workspace Trust).`);
    if (p.modelFile && !p.allowWorkspaceCode) throw refuse(p.modelFile);
    let config: TrainConfig;
    if (p.resumeRunDir) {
      // A resumed run trains its own stored config; the trust check below still applies to it.
      const file = path.join(p.resumeRunDir, RUN_JSON);
      config = parseTrainConfig(readRunJson(p.resumeRunDir).config, file);
    } else if (p.config !== undefined) {
      config = parseTrainConfig(p.config, p.configSource ?? 'train request');
    } else if (p.modelFile) {
      const base = getPreset(p.presetId ?? 'quick').config;
      const exported = (await loadModelModule(p.modelFile)).config ?? {};
      config = parseTrainConfig({ ...base, ...exported, modelFile: p.modelFile }, p.modelFile);
    } else {
      config = getPreset(p.presetId ?? 'quick').config;
    }
    if (config.model.kind === 'file' && !p.allowWorkspaceCode) throw refuse(config.model.path);
    return config;
  } catch (e) {
    throw asResponseError(e);
  }
}

/** Errors thrown by analysis code carry user-facing messages (file + problem); keep them intact. */
function asResponseError(e: unknown): ResponseError<void> {
  if (e instanceof ResponseError) return e;
  if (e instanceof CancelledError) return new ResponseError(WorkerErrorCode.Cancelled, 'cancelled');
  const message = e instanceof Error ? e.message : String(e);
  return new ResponseError(WorkerErrorCode.BadInput, message);
}
