/**
 * Activation only: wire the worker client, the run-event bus, the runs tree, the panels (from the
 * registry), training, commands and CodeLens together. Nothing heavy happens here — the worker starts on
 * the first request, panels load their code when they open, zod and the presets load on first use.
 */
import * as vscode from 'vscode';
import { WorkerClient } from './worker/workerClient';
import { RunsTreeProvider } from './runs/runsTree';
import { RunEventBus } from './runs/runEvents';
import { TrainingController } from './training/trainingController';
import { PanelManager } from './panels/panelManager';
import { createCommands, registerCommands } from './commands';
import { ModelCodeLensProvider, MODEL_FILE_SELECTOR } from './codeLens';
import { affectsRunsRoot, runsRoot } from './config';
import { disposeLog, log } from './log';
import type { RunsNode } from './runs/runItems';

export function activate(context: vscode.ExtensionContext): void {
  const t0 = performance.now();
  const worker = new WorkerClient(context.extensionPath);
  const bus = new RunEventBus();
  const tree = new RunsTreeProvider(runsRoot(context));
  const treeView = vscode.window.createTreeView<RunsNode>('topolens.runs', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  tree.onDidChangeProblem((problem) => { treeView.message = problem; });
  const panels = new PanelManager(context.extensionUri, worker, bus, () => tree.runsRoot);
  const training = new TrainingController(context, worker, tree, treeView as vscode.TreeView<unknown>, panels, bus);
  context.subscriptions.push(worker, bus, tree, treeView, panels, training);

  registerCommands(context, createCommands({ worker, tree, treeView, training, panels, bus }));
  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider(MODEL_FILE_SELECTOR, new ModelCodeLensProvider()),
    vscode.workspace.onDidChangeConfiguration((e) => { if (affectsRunsRoot(e)) tree.setRoot(runsRoot(context)); }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => tree.setRoot(runsRoot(context))),
  );
  log().info(`TopoLens activated in ${(performance.now() - t0).toFixed(1)} ms; runs folder ${tree.runsRoot}`);
}

export function deactivate(): void {
  disposeLog();
}
