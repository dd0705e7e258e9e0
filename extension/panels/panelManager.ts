/**
 * Registers every panel of the registry with VS Code — its open command, its WebviewPanelSerializer —
 * and opens panels: one per panel id, reused (like a preview) when opened on another target. Controllers
 * load lazily on first open. Live updates reach panels through the run-event bus, not through here.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import { listRuns } from '../../analysis/store/runStore';
import type { PanelStateBase, PanelTarget } from '../../webviews/protocol/common';
import { PANELS } from './registry';
import { panelCommand, panelViewType, type PanelDefinition } from './panelDefinition';
import { PanelSession, type PanelServices } from './panelSession';
import { panelHtml, panelWebviewOptions } from './html';
import { panelRunInfo } from './runInfo';
import type { WorkerClient } from '../worker/workerClient';
import type { RunEventBus } from '../runs/runEvents';
import { log } from '../log';

/** What a panel command may be called with: a tree node (run, checkpoint, study), a target, or nothing (palette). */
type OpenArgument = PanelTarget | { kind: 'run'; entry: { dir: string } } | { kind: 'checkpoint'; entry: { dir: string }; checkpoint: { step: number } } | { kind: 'study'; runDirs: string[]; studyDir: string } | undefined;

export class PanelManager implements vscode.Disposable {
  /**
   * Open panels, least recently active first. Usually one per panel id; after a window reload VS Code
   * revives a hidden panel only when it is shown, so a fresh panel of the same id may exist meanwhile.
   * Opening reuses the most recently active one.
   */
  private readonly sessions: PanelSession[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  readonly services: PanelServices;

  constructor(private readonly extensionUri: vscode.Uri, worker: WorkerClient, bus: RunEventBus, private readonly runsRoot: () => string) {
    this.services = { extensionUri, worker, bus, openPanel: (id, target, options) => void this.open(id, target, options) };
    for (const definition of PANELS) {
      this.disposables.push(
        vscode.commands.registerCommand(panelCommand(definition.id), (arg?: OpenArgument) => this.openFromCommand(definition, arg)),
        vscode.window.registerWebviewPanelSerializer(panelViewType(definition.id), {
          deserializeWebviewPanel: async (panel, state: PanelStateBase | undefined) => this.revive(definition, panel, state?.target?.runDirs ? state : undefined),
        }),
      );
    }
    // A deleted run closes the panels that show only it.
    this.disposables.push(bus.onEvent((e) => {
      if (e.kind !== 'deleted') return;
      for (const session of [...this.sessions]) {
        if (session.target?.runDirs.length === 1 && session.target.runDirs[0] === e.runDir) session.dispose();
      }
    }));
  }

  /** The open panel of an id, if any (tests, commands that act on "the shown run"). */
  session(id: string): PanelSession | undefined {
    return this.sessions.filter((s) => s.id === id).at(-1);
  }

  /** The runs shown by any open panel, most recently revealed first. */
  shownRunDirs(): string[] {
    return [...this.sessions].reverse().flatMap((s) => s.target?.runDirs ?? []);
  }

  async open(id: string, target: PanelTarget, options: { preserveFocus?: boolean } = {}): Promise<PanelSession | undefined> {
    const definition = PANELS.find((p) => p.id === id);
    if (!definition) {
      void vscode.window.showErrorMessage(`TopoLens: no panel "${id}" (panels: ${PANELS.map((p) => p.id).join(', ')}).`);
      return undefined;
    }
    const reason = definition.unavailableReason(target.runDirs.map(panelRunInfo));
    if (reason) {
      void vscode.window.showWarningMessage(`TopoLens: ${definition.title} ${reason}.`);
      return undefined;
    }
    const existing = this.session(id);
    if (existing) {
      existing.panel.reveal(undefined, options.preserveFocus);
      existing.setTarget(target);
      return existing;
    }
    // TopoLens panels gather as tabs in one group beside the code (the group of a panel already open),
    // rather than splitting the window into ever more columns.
    const column = [...this.sessions].reverse().map((s) => s.panel.viewColumn).find((c) => c !== undefined) ?? vscode.ViewColumn.Beside;
    const panel = vscode.window.createWebviewPanel(panelViewType(id), definition.title, { viewColumn: column, preserveFocus: options.preserveFocus }, {});
    return this.attach(definition, panel, target);
  }

  private async revive(definition: PanelDefinition, panel: vscode.WebviewPanel, state: PanelStateBase | undefined): Promise<void> {
    const session = await this.attach(definition, panel, state?.target, state);
    if (!state) session.post({ type: 'error', message: 'Nothing to show yet: click a run or a checkpoint in the Training Runs view, or run "TopoLens: Train & Analyze".' });
  }

  private async attach(definition: PanelDefinition, panel: vscode.WebviewPanel, target: PanelTarget | undefined, restoredState?: unknown): Promise<PanelSession> {
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'topolens.svg');
    panel.webview.options = panelWebviewOptions(this.extensionUri);
    panel.webview.html = panelHtml(panel.webview, this.extensionUri, definition.id, definition.title);
    const session = new PanelSession(definition.id, panel, this.services, target, restoredState);
    this.sessions.push(session);
    session.onDidDispose(() => this.forget(session));
    // The most recently active panel of an id is the one "open" reuses (and the shown run commands act on).
    panel.onDidChangeViewState((e) => {
      if (!e.webviewPanel.active) return;
      this.forget(session);
      this.sessions.push(session);
    });
    try {
      const module = await definition.load();
      session.controller = module.createController(session);
      // The webview may have said `ready` while the controller was loading.
      if (session.isReady) session.controller.onReady();
    } catch (e) {
      const message = `the ${definition.title} panel could not start: ${e instanceof Error ? e.message : String(e)}`;
      log().error(message);
      session.post({ type: 'error', message });
    }
    return session;
  }

  private async openFromCommand(definition: PanelDefinition, arg: OpenArgument): Promise<void> {
    const target = toTarget(arg) ?? (await this.pickTarget(definition));
    if (target) await this.open(definition.id, target);
  }

  /** From the palette: pick the run(s) to show. */
  private async pickTarget(definition: PanelDefinition): Promise<PanelTarget | undefined> {
    const runs = listRuns(this.runsRoot()).filter((r) => r.run).sort((a, b) => b.id.localeCompare(a.id));
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('TopoLens: no runs yet. Run "TopoLens: Train & Analyze" first.');
      return undefined;
    }
    const many = definition.unavailableReason([panelRunInfo(runs[0].dir)]) !== undefined && definition.unavailableReason([panelRunInfo(runs[0].dir), panelRunInfo(runs[0].dir)]) === undefined;
    const items = runs.map((r) => ({ label: r.run?.name ?? r.id, description: `${r.run?.status} · ${r.checkpoints.length} checkpoints`, detail: r.dir, runDir: r.dir }));
    if (many) {
      const picked = await vscode.window.showQuickPick(items, { title: `TopoLens: ${definition.title}`, placeHolder: 'Pick the runs to compare', canPickMany: true });
      return picked && picked.length > 0 ? { runDirs: picked.map((p) => p.runDir) } : undefined;
    }
    const picked = await vscode.window.showQuickPick(items, { title: `TopoLens: ${definition.title}`, placeHolder: 'Pick a run' });
    return picked ? { runDirs: [picked.runDir] } : undefined;
  }

  private forget(session: PanelSession): void {
    const i = this.sessions.indexOf(session);
    if (i >= 0) this.sessions.splice(i, 1);
  }

  dispose(): void {
    for (const s of [...this.sessions]) s.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function toTarget(arg: OpenArgument): PanelTarget | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  if ('runDirs' in arg && Array.isArray(arg.runDirs)) return { runDirs: arg.runDirs.map((d) => path.resolve(d)), studyDir: 'studyDir' in arg ? arg.studyDir : undefined, step: 'step' in arg ? arg.step : undefined };
  if ('kind' in arg && arg.kind === 'run') return { runDirs: [arg.entry.dir] };
  if ('kind' in arg && arg.kind === 'checkpoint') return { runDirs: [arg.entry.dir], step: arg.checkpoint.step };
  return undefined;
}
