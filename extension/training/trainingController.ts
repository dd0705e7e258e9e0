/**
 * "TopoLens: Train & Analyze": pick a preset (or train a workspace model file), train in the worker with
 * a cancellable progress notification and a status-bar item, keep the tree live, then open the panels
 * beside the editor. If the worker dies mid-run the run is marked interrupted and the user is told.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { randomUUID } from 'node:crypto';
import { CancelRunRequest, RunStartedNotification, TrainProgressType, TrainRequest, type TrainParams } from '../../analysis/worker/protocol/training';
import type { Preset, Study } from '../../analysis/training/presets';
import type { TrainConfig } from '../../analysis/spec/trainConfig';
import type { StudyPlan } from '../../analysis/training/studyJobs';
import { listRuns, markRunStatus, readRun, type RunEntry } from '../../analysis/store/runStore';
import type { TrainProgress, TrainResult } from '../../analysis/worker/protocol/training';
import { backendPreference, defaultPreset, runsRoot, tfjsNodePath } from '../config';
import { log } from '../log';
import type { WorkerClient } from '../worker/workerClient';
import type { RunsTreeProvider } from '../runs/runsTree';
import type { PanelManager } from '../panels/panelManager';
import type { RunEventBus } from '../runs/runEvents';
import { TrainingStatusBar } from './statusBar';

interface ActiveTraining { name: string; runId?: string; runDir?: string; cts: CancellationTokenSource; workerCrashed?: boolean }

export interface TrainOptions { presetId?: string; modelFile?: vscode.Uri; configFile?: vscode.Uri; openPanels?: boolean }

/** Panels a run opens when its preset names none: the dashboard and the weight barcode. */
const DEFAULT_PANELS = ['runDashboard', 'weightBarcode'];

/** Quick-pick entry that trains from a JSON run config instead of a preset. */
const FROM_CONFIG_FILE = '$(json) From a config file…';
/** Quick-pick entry that trains K seeds of a JSON run config as a study (loss barcode, TO-score). */
const SEEDS_OF_CONFIG_FILE = '$(layers) Seeds of a config file…';

export class TrainingController implements vscode.Disposable {
  private readonly active = new Set<ActiveTraining>();
  private readonly statusBar = new TrainingStatusBar();
  private readonly disposables: vscode.Disposable[] = [this.statusBar];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly worker: WorkerClient,
    private readonly tree: RunsTreeProvider,
    private readonly treeView: vscode.TreeView<unknown>,
    private readonly panels: PanelManager,
    private readonly bus: RunEventBus,
  ) {
    this.disposables.push(worker.onDidExit((exit) => {
      if (exit.expected || this.active.size === 0) return;
      for (const t of this.active) {
        t.workerCrashed = true;
        if (t.runDir) {
          markInterrupted(t.runDir, `the TopoLens worker stopped unexpectedly (code ${exit.code}, signal ${exit.signal})`);
          this.bus.fire({ kind: 'finished', runDir: t.runDir, status: 'interrupted' });
        }
        t.cts.cancel();
      }
      this.tree.refresh(0);
      void vscode.window.showErrorMessage(
        `TopoLens: the analysis worker crashed (exit code ${exit.code}, signal ${exit.signal}); the training was marked interrupted. A fresh worker starts with the next request.`,
        'Show Log').then((pick) => { if (pick) log().show(); });
    }));
  }

  get isTraining(): boolean {
    return this.active.size > 0;
  }

  async trainAndAnalyze(options: TrainOptions = {}): Promise<TrainResult | TrainResult[] | undefined> {
    let presetId = options.presetId ?? (options.modelFile || options.configFile ? defaultPreset() : await this.pickPreset());
    if (!presetId) return undefined;
    const { STUDIES } = await import('../../analysis/training/presets');
    const study = STUDIES.find((s) => s.id === presetId);
    if (study) return this.trainPresetStudy(study);
    if (presetId === SEEDS_OF_CONFIG_FILE) return this.trainSeedsStudy(options.configFile);
    let configFile = options.configFile;
    if (presetId === FROM_CONFIG_FILE) {
      configFile = await this.pickConfigFile();
      if (!configFile) return undefined;
      presetId = defaultPreset();
    }
    // zod and the presets load here, on first use, never at activation.
    const { getPreset } = await import('../../analysis/training/presets');
    const { configWarnings, parseTrainConfig } = await import('../../analysis/spec/trainConfig');
    let preset: Preset;
    try {
      preset = getPreset(presetId);
    } catch (e) {
      void vscode.window.showErrorMessage(`TopoLens: ${errorText(e)} (check the setting topolens.defaultPreset).`);
      return undefined;
    }
    let config: unknown;
    let warnings: string[];
    if (configFile) {
      try {
        config = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(configFile)));
        // Validated here too, so a bad file is reported before a worker starts (the worker validates again).
        warnings = configWarnings(parseTrainConfig(config, configFile.fsPath));
      } catch (e) {
        const detail = e instanceof SyntaxError ? `${configFile.fsPath}: not valid JSON (${e.message})` : errorText(e);
        // A config error lists one bad field per line: a modal shows them all, a toast only the first.
        const [first, ...rest] = detail.split('\n');
        void vscode.window.showErrorMessage(`TopoLens: ${first}`, { modal: rest.length > 0, detail: rest.join('\n') || undefined });
        return undefined;
      }
    } else {
      warnings = configWarnings(preset.config);
    }
    if (warnings.length > 0) {
      const go = 'Train Anyway';
      const pick = await vscode.window.showWarningMessage(`TopoLens: ${warnings.join(' ')}`, { modal: true }, go);
      if (pick !== go) return undefined;
    }
    const fromFile = options.modelFile ?? configFile;
    const name = fromFile ? path.basename(fromFile.fsPath).replace(/\.(json|[jt]s)$/, '') : preset.id;
    const params: TrainParams = {
      presetId,
      config,
      configSource: configFile?.fsPath,
      modelFile: options.modelFile?.fsPath,
      allowWorkspaceCode: vscode.workspace.isTrusted,
      runsRoot: runsRoot(this.context),
      name,
      backend: backendPreference(),
      tfjsNodePath: tfjsNodePath(),
      progressToken: randomUUID(),
    };
    const panels = options.openPanels === false ? [] : (options.modelFile || configFile ? DEFAULT_PANELS : preset.panels ?? DEFAULT_PANELS);
    return this.train(params, name, panels);
  }

  /** Continues an interrupted run from its last checkpoint (same config, same final state as an uninterrupted run on cpu). */
  async resume(runDir: string): Promise<TrainResult | undefined> {
    const entry = readRun(runDir);
    const name = entry.run?.name ?? entry.id;
    const params: TrainParams = {
      runsRoot: path.dirname(runDir),
      resumeRunDir: runDir,
      name,
      backend: backendPreference(),
      tfjsNodePath: tfjsNodePath(),
      allowWorkspaceCode: vscode.workspace.isTrusted,
      progressToken: randomUUID(),
    };
    return this.train(params, name, DEFAULT_PANELS);
  }

  /** Stops every running training (status bar click, tree "Stop"). */
  cancelAll(): void {
    for (const t of this.active) t.cts.cancel();
  }

  /** Stops the training writing `runDir`. Only this window's worker can stop its own runs; a run
   *  trained elsewhere (another window, the CLI) gives false. */
  async cancelRun(runDir: string): Promise<boolean> {
    let found = false;
    for (const t of this.active) if (t.runDir === runDir) {
      found = true;
      if (t.runId) await this.worker.connection().sendRequest(CancelRunRequest, { runId: t.runId }).catch(() => undefined);
      t.cts.cancel();
    }
    return found;
  }

  /**
   * K seeds of a config file as a study (SPEC B: the loss barcode of one architecture's minima). The config
   * is validated before anything is written; K defaults to 8, the authors' choice.
   */
  private async trainSeedsStudy(configFile?: vscode.Uri): Promise<TrainResult[] | undefined> {
    const file = configFile ?? await this.pickConfigFile();
    if (!file) return undefined;
    const { DEFAULT_SEEDS, planSeedsStudy } = await import('../../analysis/training/seedsStudy');
    const seeds = await vscode.window.showQuickPick(['3', '4', '8', '10', '16'].map((k) => ({ label: k, description: k === String(DEFAULT_SEEDS) ? 'as the paper (K = 8)' : undefined, picked: k === String(DEFAULT_SEEDS) })), {
      title: `TopoLens: seeds of ${path.basename(file.fsPath)}`, placeHolder: `How many seeds (minima)? ${DEFAULT_SEEDS} as in the paper; the barcode computes K(K-1)/2 paths`,
    });
    if (!seeds) return undefined;
    const { parseTrainConfig } = await import('../../analysis/spec/trainConfig');
    const name = path.basename(file.fsPath).replace(/\.json$/, '');
    const panels = ['lossBarcode', 'toScoreTable'];
    let plan: StudyPlan;
    try {
      const config = parseTrainConfig(JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file))), file.fsPath);
      plan = planSeedsStudy(runsRoot(this.context), config, { name, seeds: Number(seeds.label), panels });
    } catch (e) {
      const detail = e instanceof SyntaxError ? `${file.fsPath}: not valid JSON (${e.message})` : errorText(e);
      const [first, ...rest] = detail.split('\n');
      void vscode.window.showErrorMessage(`TopoLens: ${first}`, { modal: rest.length > 0, detail: rest.join('\n') || undefined });
      return undefined;
    }
    this.tree.refresh(0);
    return this.trainStudy(plan, `${name} x${seeds.label}`, ['runDashboard', ...panels]);
  }

  /** Records a preset study and trains its members (the study id is also accepted by the command). */
  private async trainPresetStudy(study: Study): Promise<TrainResult[] | undefined> {
    const { planPresetStudy } = await import('../../analysis/training/studyJobs');
    let plan: StudyPlan;
    try {
      plan = planPresetStudy(runsRoot(this.context), study);
    } catch (e) {
      void vscode.window.showErrorMessage(`TopoLens: ${errorText(e)}`);
      return undefined;
    }
    this.tree.refresh(0);
    return this.trainStudy(plan, study.id, ['runDashboard', ...(study.panels ?? [])]);
  }

  /** Presets, then studies with the time they would take on this machine, then "From a config file…". */
  private async pickPreset(): Promise<string | undefined> {
    const { PRESETS, STUDIES, studyRunConfig } = await import('../../analysis/training/presets');
    const { estimateStudySeconds, measuredThroughput } = await import('../../analysis/store/studyEstimate');
    const fallback = defaultPreset();
    const throughput = measuredThroughput(listRunsQuietly(runsRoot(this.context)));
    const time = (configs: TrainConfig[]) => `~${formatDuration(estimateStudySeconds({ members: configs.map((config) => ({ config })) }, throughput))} here`;
    type Item = vscode.QuickPickItem & { id?: string; picked?: boolean };
    const presets: Item[] = PRESETS.map((p) => ({ label: p.id, id: p.id, description: `${p.label} · ${time([p.config])}`, detail: `${p.description} — source: ${p.source}`, picked: p.id === fallback }));
    presets.sort((a, b) => Number(b.picked) - Number(a.picked));
    const studies: Item[] = STUDIES.map((s) => ({
      label: `$(layers) ${s.id}`, id: s.id, description: `${s.runs.length} runs · ${time(s.runs.map(studyRunConfig))}`,
      detail: `${s.label}. ${s.description} — source: ${s.source}`,
    }));
    const items: Item[] = [
      ...presets,
      { label: 'Studies: several runs trained one after another, analysed together', kind: vscode.QuickPickItemKind.Separator },
      ...studies,
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: FROM_CONFIG_FILE, id: FROM_CONFIG_FILE, description: 'any dataset, model, init and optimiser', detail: 'A JSON run config (the "config" object of any run.json works too): CIFAR-10 or IDX folders, CNNs, schedules…' },
      { label: SEEDS_OF_CONFIG_FILE, id: SEEDS_OF_CONFIG_FILE, description: 'a study of K seeds of your own architecture', detail: 'K minima of one config (independent init and shuffle seeds) for its Loss Barcode and TO-score (SPEC B; MLPs)' },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'TopoLens: Train & Analyze', placeHolder: 'Choose a training preset or a study (times are estimates from this machine\'s past runs)', matchOnDescription: true, matchOnDetail: true });
    return pick?.id;
  }

  private async pickConfigFile(): Promise<vscode.Uri | undefined> {
    const picked = await vscode.window.showOpenDialog({
      title: 'TopoLens: choose a run config (JSON)', canSelectMany: false, filters: { 'Run config': ['json'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    return picked?.[0];
  }

  /** Trains one run with its own progress notification (see {@link runOne}). */
  private train(params: TrainParams, name: string, panels: string[]): Promise<TrainResult | undefined> {
    return Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `TopoLens: training ${name}`, cancellable: true },
      (progress, token) => this.runOne(params, name, panels, progressReporter(progress), token)));
  }

  /**
   * Trains every job of a study one after another under one progress notification ("run 3/8"). Cancelling
   * stops the current member (interrupted, resumable) and the rest; "Resume Study" continues with the
   * members not completed, also after a window reload or a killed worker.
   */
  private trainStudy(plan: StudyPlan, title: string, panels: string[]): Promise<TrainResult[]> {
    return Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `TopoLens: study ${title}`, cancellable: true },
      async (progress, token) => {
        const results: TrainResult[] = [];
        const total = plan.jobs.length;
        for (const [i, job] of plan.jobs.entries()) {
          if (token.isCancellationRequested) break;
          const report = studyReporter(progress, i, total, job.name);
          const params: TrainParams = {
            ...this.baseParams(plan.runsRoot, job.name),
            ...(job.resumeRunDir ? { resumeRunDir: job.resumeRunDir } : { config: job.config, configSource: `study ${plan.id}, member ${job.name}` }),
            study: job.study,
          };
          // The dashboard follows the member being trained; analysis panels open on the study at the end.
          const result = await this.runOne(params, job.name, panels.filter((p) => p === 'runDashboard'), report, token);
          this.bus.fire({ kind: 'studyChanged', studyDir: plan.dir });
          if (!result) break;
          results.push(result);
          if (result.status !== 'completed') break;
        }
        const done = results.filter((r) => r.status === 'completed').length;
        log().info(`study ${plan.id}: ${done}/${total} members trained this time${plan.skipped.length ? `; skipped ${plan.skipped.join('; ')}` : ''}`);
        if (done === total && total > 0) {
          const { studyMembers } = await import('../../analysis/store/studyStore');
          const runDirs = studyMembers(plan.runsRoot, plan.id).filter((m) => m.status === 'completed').map((m) => m.runDir);
          for (const id of panels) if (id !== 'runDashboard') void this.panels.open(id, { runDirs, studyDir: plan.dir }, { preserveFocus: true });
          void vscode.window.showInformationMessage(`TopoLens: study "${title}" trained (${total} runs).`);
        } else if (done < total) {
          void vscode.window.showWarningMessage(`TopoLens: study "${title}": ${done} of ${total} members trained; right-click the study → Resume Study to train the rest.`);
        }
        return results;
      }));
  }

  /** Continues a study with its members that are not completed (the tree's "Resume Study"). */
  async resumeStudy(studyDir: string): Promise<TrainResult[] | undefined> {
    const { planStudyResume } = await import('../../analysis/training/studyJobs');
    let plan: StudyPlan;
    try {
      plan = planStudyResume(studyDir);
    } catch (e) {
      void vscode.window.showErrorMessage(`TopoLens: ${errorText(e)}`);
      return undefined;
    }
    if (plan.jobs.length === 0) {
      void vscode.window.showInformationMessage(`TopoLens: nothing to resume in ${path.basename(studyDir)}${plan.skipped.length ? ` (${plan.skipped.join('; ')})` : ': every member is trained'}.`);
      return [];
    }
    const { readStudy } = await import('../../analysis/store/studyStore');
    const study = readStudy(plan.dir);
    return this.trainStudy(plan, study.name, ['runDashboard', ...(study.panels ?? [])]);
  }

  private baseParams(runsRoot: string, name: string): Omit<TrainParams, 'presetId'> {
    return { runsRoot, name, backend: backendPreference(), tfjsNodePath: tfjsNodePath(), allowWorkspaceCode: vscode.workspace.isTrusted, progressToken: randomUUID() };
  }

  /**
   * Trains one run in the worker. `panels` open beside the editor as the run starts (the dashboard, without
   * taking focus, so curves draw while it trains) and at its first checkpoint (the analysis panels); from
   * then on they follow the run through the event bus.
   */
  private async runOne(params: TrainParams, name: string, panels: string[], report: Reporter, token: vscode.CancellationToken): Promise<TrainResult | undefined> {
    const connection = this.worker.connection();
    const training: ActiveTraining = { name, cts: new CancellationTokenSource() };
    this.active.add(training);
    this.statusBar.started(name);
    let backend: string | undefined;
    const subscriptions = [
      connection.onNotification(RunStartedNotification, (started) => {
        if (started.token !== params.progressToken) return;
        training.runId = started.runId;
        training.runDir = started.runDir;
        backend = started.backend ?? readRun(started.runDir).run?.backend;
        this.bus.fire({ kind: 'started', runDir: started.runDir });
        if (panels.includes('runDashboard')) void this.panels.open('runDashboard', { runDirs: [started.runDir] }, { preserveFocus: true });
        this.tree.refresh(0);
        setTimeout(() => {
          const node = this.tree.findRun(started.runDir);
          if (node && this.treeView.visible) void this.treeView.reveal(node, { select: false, focus: false }).then(undefined, () => undefined);
        }, 300);
      }),
      // JSON-RPC's $/cancelRequest reaches the worker's token; the trainer then stops at the next step
      // and resolves with status 'interrupted'.
      token.onCancellationRequested(() => training.cts.cancel()),
    ];
    let openedLive = false;
    if (this.active.size > 1) report('queued: starts when the current training finishes', 0);
    subscriptions.push(connection.onProgress(TrainProgressType, params.progressToken, (p: TrainProgress) => {
      backend ??= p.runDir ? readRun(p.runDir).run?.backend : undefined;
      report(progressMessage(p), p.totalSteps > 0 ? p.step / p.totalSteps : 0);
      this.statusBar.progress(name, p, backend);
      if (p.checkpoint) {
        this.tree.refresh();
        this.bus.fire({ kind: 'checkpoint', runDir: p.runDir, step: p.checkpoint.step });
        // Live view: the first checkpoint opens the analysis panels (without taking focus); they then
        // follow the newest checkpoint until the user picks a step.
        if (!openedLive) {
          openedLive = true;
          for (const id of panels) if (id !== 'runDashboard') void this.panels.open(id, { runDirs: [p.runDir] }, { preserveFocus: true });
        }
      }
    }));
    try {
      const result = await connection.sendRequest(TrainRequest, params, training.cts.token);
      this.bus.fire({ kind: 'finished', runDir: result.runDir, status: result.status });
      this.reportResult(name, result);
      return result;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      log().error(`training ${name}: ${message}`);
      if (training.workerCrashed) {
        this.statusBar.finished(`$(debug-pause) ${name}: interrupted (worker crashed)`);
        return undefined; // the crash handler already told the user
      }
      this.statusBar.finished(`$(error) ${name}: failed`);
      if (!training.cts.token.isCancellationRequested) void vscode.window.showErrorMessage(`TopoLens: training "${name}" failed: ${message}`, 'Show Log').then((pick) => { if (pick) log().show(); });
      return undefined;
    } finally {
      for (const s of subscriptions) s.dispose();
      this.active.delete(training);
      this.tree.refresh(0);
    }
  }

  private reportResult(name: string, result: TrainResult): void {
    const acc = result.summary?.testAccuracy ?? result.summary?.trainAccuracy;
    const accText = acc !== undefined ? ` — accuracy ${(100 * acc).toFixed(1)}%` : '';
    log().info(`training ${name} ${result.status}: ${result.runDir}${accText}`);
    if (result.status === 'completed') {
      this.statusBar.finished(`$(pass) ${name}${accText}`);
    } else if (result.status === 'interrupted') {
      this.statusBar.finished(`$(debug-pause) ${name}: stopped`);
      void vscode.window.showInformationMessage(`TopoLens: training "${name}" stopped; its checkpoints so far are kept (status interrupted).`);
    } else {
      this.statusBar.finished(`$(error) ${name}: ${result.status}`);
      const where = result.error?.step !== undefined ? ` at step ${result.error.step}` : '';
      void vscode.window.showErrorMessage(`TopoLens: training "${name}" ${result.status}${where}: ${result.error?.message ?? 'unknown error'}`, 'Show Log').then((pick) => { if (pick) log().show(); });
    }
  }

  dispose(): void {
    for (const t of this.active) t.cts.cancel();
    for (const d of this.disposables) d.dispose();
  }
}

/** The runs folder's runs, or none when it cannot be listed (only used for estimates). */
function listRunsQuietly(root: string): RunEntry[] {
  try {
    return listRuns(root);
  } catch {
    return [];
  }
}

function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Reports a message and the fraction (0..1) of the current training done. */
type Reporter = (message: string, fraction: number) => void;

function progressReporter(progress: vscode.Progress<{ message?: string; increment?: number }>): Reporter {
  let last = 0;
  return (message, fraction) => {
    progress.report({ message, increment: Math.max(0, 100 * (fraction - last)) });
    last = Math.max(last, fraction);
  };
}

/** Member i of n: the notification's bar covers the whole study, its message names the member. */
function studyReporter(progress: vscode.Progress<{ message?: string; increment?: number }>, index: number, count: number, member: string): Reporter {
  const overall = progressReporter(progress);
  return (message, fraction) => overall(`run ${index + 1}/${count} (${member}) · ${message}`, (index + fraction) / count);
}

function progressMessage(p: TrainProgress): string {
  const parts = [`step ${p.step}/${p.totalSteps}`, `epoch ${p.epoch.toFixed(2)}`, `loss ${Number.isFinite(p.loss) ? p.loss.toFixed(4) : p.loss}`];
  if (p.accuracy !== undefined) parts.push(`acc ${(100 * p.accuracy).toFixed(1)}%`);
  parts.push(`${Math.round(p.samplesPerSec).toLocaleString('en-US')} samples/s`);
  if (p.etaSeconds !== undefined) parts.push(`ETA ${Math.round(p.etaSeconds)} s`);
  return parts.join(' · ');
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Best effort: a run.json that cannot be rewritten is still reported as interrupted by the store (dead pid). */
function markInterrupted(runDir: string, message: string): void {
  try {
    markRunStatus(runDir, 'interrupted', { message });
  } catch (e) {
    log().warn(`could not mark ${runDir} interrupted: ${errorText(e)}`);
  }
}
