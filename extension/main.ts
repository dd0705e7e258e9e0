/**
 * Activation only: wire the worker client, the runs tree, the panels, commands and CodeLens together.
 * Nothing heavy happens here — the worker starts on the first request, not at activation.
 */
import * as vscode from 'vscode';
import { WorkerClient } from './worker/workerClient';
import { RunsTreeProvider } from './runs/runsTree';
import { TrainingController } from './training/trainingController';
import { WeightBarcodePanel, type PanelServices } from './panels/weightBarcodePanel';
import { createCommands, registerCommands } from './commands';
import { ModelCodeLensProvider, MODEL_FILE_SELECTOR } from './codeLens';
import { affectsRunsRoot, runsRoot } from './config';
import { disposeLog, log } from './log';
import { PANEL_IDS, type WeightBarcodeState } from '../webviews/protocol/messages';
import type { RunsNode } from './runs/runItems';

export function activate(context: vscode.ExtensionContext): void {
  const t0 = performance.now();
  const worker = new WorkerClient(context.extensionPath);
  const services: PanelServices = { extensionUri: context.extensionUri, worker };
  const tree = new RunsTreeProvider(runsRoot(context));
  const treeView = vscode.window.createTreeView<RunsNode>('topolens.runs', { treeDataProvider: tree, showCollapseAll: true });
  tree.onDidChangeProblem((problem) => { treeView.message = problem; });
  const training = new TrainingController(context, worker, tree, treeView as vscode.TreeView<unknown>, services);
  context.subscriptions.push(worker, tree, treeView, training);

  registerCommands(context, createCommands({ services, tree, training }));
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PANEL_IDS.weightBarcode, {
      deserializeWebviewPanel: async (panel, state: WeightBarcodeState | undefined) => {
        WeightBarcodePanel.revive(panel, services, state?.runDir ? state : undefined);
      },
    }),
    vscode.languages.registerCodeLensProvider(MODEL_FILE_SELECTOR, new ModelCodeLensProvider()),
    vscode.workspace.onDidChangeConfiguration((e) => { if (affectsRunsRoot(e)) tree.setRoot(runsRoot(context)); }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => tree.setRoot(runsRoot(context))),
  );
  log().info(`TopoLens activated in ${(performance.now() - t0).toFixed(1)} ms; runs folder ${tree.runsRoot}`);
}

export function deactivate(): void {
  disposeLog();
}
