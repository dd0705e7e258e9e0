/**
 * Every command of the extension in one registry (name -> handler), registered in one loop. The ids
 * match package.json's `contributes.commands`.
 */
import * as vscode from 'vscode';
import { deleteRun, readRun } from '../analysis/store/runStore';
import { createStudyFromRuns, removeRunFromStudy } from '../analysis/store/studyStore';
import { studyRunDirs, type RunsNode } from './runs/runItems';
import { PANELS } from './panels/registry';
import { panelRunInfo } from './panels/runInfo';
import type { RunsTreeProvider } from './runs/runsTree';
import type { TrainingController } from './training/trainingController';
import type { PanelManager } from './panels/panelManager';
import type { RunEventBus } from './runs/runEvents';
import type { WorkerClient } from './worker/workerClient';
import { showGpuSetup } from './gpuSetup';
import { log } from './log';
import { revealPath } from './reveal';
import { tfjsNodePath } from './config';
import fs from 'node:fs';
import path from 'node:path';

export interface CommandContext {
  worker: WorkerClient;
  tree: RunsTreeProvider;
  treeView: vscode.TreeView<RunsNode>;
  training: TrainingController;
  panels: PanelManager;
  bus: RunEventBus;
}

type Handler = (...args: never[]) => unknown;

export function createCommands(ctx: CommandContext): Record<string, Handler> {
  /** The run a command acts on: the tree node it was invoked on, else the run the active panel shows. */
  const runDirOf = (node: RunsNode | undefined): string | undefined => (node && 'entry' in node ? node.entry.dir : ctx.panels.shownRunDirs()[0]);
  return {
    'topolens.trainAndAnalyze': (presetId?: string) => ctx.training.trainAndAnalyze({ presetId: typeof presetId === 'string' ? presetId : undefined }),
    'topolens.trainModelFile': async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!target) return void vscode.window.showWarningMessage('TopoLens: open a model file exporting createModel(tf) first.');
      if (!vscode.workspace.isTrusted) return void vscode.window.showWarningMessage('TopoLens: training a workspace model runs its code; trust this workspace first (Workspaces: Manage Workspace Trust).');
      return ctx.training.trainAndAnalyze({ modelFile: target });
    },
    // Clicking a run opens its dashboard; clicking a checkpoint shows it in the weight barcode and links
    // the step in every open view of that run.
    'topolens.openRun': (node?: RunsNode) => {
      const runDir = runDirOf(node);
      if (runDir) void ctx.panels.open('runDashboard', { runDirs: [runDir] });
    },
    'topolens.openCheckpoint': (node?: RunsNode) => {
      if (node?.kind !== 'checkpoint') return;
      void ctx.panels.open('weightBarcode', { runDirs: [node.entry.dir], step: node.checkpoint.step });
      ctx.bus.fire({ kind: 'stepSelected', runDir: node.entry.dir, step: node.checkpoint.step, source: 'tree' });
    },
    'topolens.revealRunFolder': async (node?: RunsNode) => {
      const runDir = node?.kind === 'study' ? node.study.dir : runDirOf(node);
      if (!runDir) return;
      await revealPath(vscode.Uri.file(runDir));
    },
    'topolens.deleteRun': async (node?: RunsNode) => {
      const runDir = runDirOf(node);
      if (!runDir) return;
      const entry = readRun(runDir);
      if (entry.run?.status === 'running' && (await ctx.training.cancelRun(runDir))) {
        void vscode.window.showWarningMessage('TopoLens: that run is still training; it was stopped. Delete it again once it has stopped.');
        return;
      }
      const name = entry.run?.name ?? entry.id;
      const confirm = 'Delete';
      const pick = await vscode.window.showWarningMessage(
        `Delete run "${name}" and its ${entry.checkpoints.length} checkpoints?`, { modal: true, detail: `${runDir}\nThis cannot be undone.` }, confirm);
      if (pick !== confirm) return;
      deleteRun(runDir);
      ctx.bus.fire({ kind: 'deleted', runDir });
      ctx.tree.refresh(0);
      log().info(`deleted run ${runDir}`);
    },
    'topolens.reanalyzeRun': async (node?: RunsNode) => {
      const runDir = runDirOf(node);
      if (!runDir) return;
      fs.rmSync(path.join(runDir, 'analysis'), { recursive: true, force: true });
      log().info(`cleared analysis caches of ${runDir}`);
      void ctx.panels.open('weightBarcode', { runDirs: [runDir], step: node?.kind === 'checkpoint' ? node.checkpoint.step : undefined });
    },
    'topolens.resumeTraining': (node?: RunsNode) => {
      const runDir = runDirOf(node);
      if (runDir) return ctx.training.resume(runDir);
    },
    'topolens.stopTraining': (node?: RunsNode) => {
      const runDir = runDirOf(node);
      if (runDir) void ctx.training.cancelRun(runDir);
    },
    'topolens.cancelTraining': () => {
      if (ctx.training.isTraining) ctx.training.cancelAll();
      else log().show();
    },
    'topolens.groupAsStudy': async (node?: RunsNode, selected?: RunsNode[]) => {
      const runDirs = (selected && selected.length > 0 ? selected : node ? [node] : []).flatMap((n) => (n.kind === 'run' ? [n.entry.dir] : []));
      if (runDirs.length === 0) return;
      const name = await vscode.window.showInputBox({
        title: 'TopoLens: Group as Study', prompt: `A name for the study of ${runDirs.length} run${runDirs.length === 1 ? '' : 's'} (seeds of one architecture, architectures on one probe set…)`,
        value: `study of ${runDirs.length} runs`, validateInput: (v) => (v.trim() === '' ? 'A study needs a name.' : undefined),
      });
      if (!name) return;
      try {
        const created = createStudyFromRuns(name.trim(), runDirs);
        log().info(`study ${created.id}: grouped ${runDirs.length} runs`);
        ctx.bus.fire({ kind: 'studyChanged', studyDir: created.dir });
        ctx.tree.refresh(0);
      } catch (e) {
        void vscode.window.showErrorMessage(`TopoLens: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    'topolens.removeFromStudy': (node?: RunsNode) => {
      if (node?.kind !== 'run') return;
      try {
        const was = removeRunFromStudy(node.entry.dir);
        if (was) ctx.bus.fire({ kind: 'studyChanged', studyDir: path.join(path.dirname(node.entry.dir), 'studies', was.id) });
        ctx.tree.refresh(0);
      } catch (e) {
        void vscode.window.showErrorMessage(`TopoLens: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    'topolens.resumeStudy': (node?: RunsNode) => {
      if (node?.kind === 'study') return ctx.training.resumeStudy(node.study.dir);
    },
    'topolens.openStudyPanel': async (node?: RunsNode) => {
      if (node?.kind !== 'study') return;
      const runDirs = studyRunDirs(node.study);
      const infos = runDirs.map(panelRunInfo);
      const meant = new Set(node.study.study?.panels ?? []);
      const items = PANELS.map((p) => ({ label: `$(${p.icon}) ${p.title}`, description: p.unavailableReason(infos) ?? (meant.has(p.id) ? 'meant for this study' : ''), detail: p.description, id: p.id, ok: p.unavailableReason(infos) === undefined }))
        .sort((a, b) => Number(b.ok) - Number(a.ok) || Number(meant.has(b.id)) - Number(meant.has(a.id)));
      const pick = await vscode.window.showQuickPick(items, { title: `TopoLens: open a panel on study ${node.study.study?.name ?? node.study.id}`, matchOnDetail: true });
      if (!pick) return;
      if (!pick.ok) return void vscode.window.showWarningMessage(`TopoLens: ${pick.label.replace(/^\$\([^)]*\) /, '')} ${pick.description}.`);
      await ctx.panels.open(pick.id, { runDirs, studyDir: node.study.dir });
    },
    'topolens.refreshRuns': () => ctx.tree.refresh(0),
    'topolens.showLog': () => log().show(),
    'topolens.setUpGpu': () => showGpuSetup(ctx.worker, tfjsNodePath()),
  };
}

export function registerCommands(context: vscode.ExtensionContext, commands: Record<string, Handler>): void {
  for (const [id, handler] of Object.entries(commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));
  }
}
