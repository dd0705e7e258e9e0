/**
 * Request handlers of the analysis worker. Kept apart from the transport (main.ts) so protocol tests can
 * run them over an in-memory connection. Trainings run on this thread, one at a time; every analysis
 * request (`topolens/analysis/<name>`) goes to the analysis runner's threads, so neither blocks the other
 * and a cancel is answered at once.
 */
import { ResponseError, type CancellationToken, type MessageConnection } from 'vscode-jsonrpc';
import os from 'node:os';
import path from 'node:path';
import { GpuCheckRequest, InfoRequest, LogNotification, WorkerErrorCode, type WorkerLog } from './protocol/system';
import { CancelRunRequest, RunStartedNotification, TrainProgressType, TrainRequest, type TrainParams } from './protocol/training';
import { ListRunsRequest } from './protocol/runs';
import { AnalysisProgressType, analysisNameOf, type AnalysisParams } from './protocol/analysis';
import { AnalysisCancelledError, AnalysisRunner } from './runner/analysisRunner';
import { trainRun } from '../training/train';
import { getPreset } from '../training/presets';
import { parseTrainConfig, type TrainConfig } from '../spec/trainConfig';
import { loadModelModule } from '../training/userModel';
import { listRuns, readRunJson } from '../store/runStore';
import { RUN_JSON } from '../store/runLayout';
import { CancelledError } from '../topology/cancel';
import { checkGpuSetup } from '../training/gpuCheck';

export interface HandlerOptions {
  /** The analysis runner; a fresh one with the default thread count when omitted. */
  runner?: AnalysisRunner;
}

export function registerHandlers(connection: MessageConnection, options: HandlerOptions = {}): AnalysisRunner {
  const log = (level: WorkerLog['level'], message: string) => void connection.sendNotification(LogNotification, { level, message });
  const runner = options.runner ?? new AnalysisRunner();
  /** runId -> cancel flag setter, for the tree's "Stop" action. */
  const running = new Map<string, () => void>();

  connection.onRequest(InfoRequest, () => ({ pid: process.pid, node: process.version, backends: ['auto', 'gpu', 'native', 'wasm', 'cpu'], cpus: os.cpus().length, analysisThreads: runner.threadCount }));

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
        study: p.study,
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

  // Every `topolens/analysis/<name>` request: the runner finds the analysis (or says it does not exist).
  connection.onRequest(async (method: string, params: unknown, token: CancellationToken) => {
    const name = analysisNameOf(method);
    if (name === undefined) throw new ResponseError(-32601, `unhandled method ${method}`);
    const workDoneToken = (params as AnalysisParams | undefined)?.workDoneToken;
    try {
      return await runner.run(name, params, {
        token,
        onProgress: workDoneToken === undefined ? undefined
          : (fraction, message) => void connection.sendProgress(AnalysisProgressType, workDoneToken, { analysis: name, fraction, message }),
        onLog: (message) => log('info', `${name}: ${message}`),
      });
    } catch (e) {
      throw asResponseError(e);
    }
  });
  return runner;
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
  if (e instanceof CancelledError || e instanceof AnalysisCancelledError) return new ResponseError(WorkerErrorCode.Cancelled, 'cancelled');
  const message = e instanceof Error ? e.message : String(e);
  return new ResponseError(WorkerErrorCode.BadInput, message);
}
