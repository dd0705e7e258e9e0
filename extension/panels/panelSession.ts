/**
 * The host side every panel shares: the webview's ready gate (messages posted before the script listens
 * are lost, so they queue), export through the save dialog, clipboard, linked steps, opening other panels,
 * and worker requests that cancel their predecessor and show progress in the panel. A panel's controller
 * (extension/panels/<id>/controller.ts) is only about its own data.
 */
import * as vscode from 'vscode';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CancellationTokenSource, ResponseError, type RequestType } from 'vscode-jsonrpc';
import { AnalysisProgressType, type AnalysisParams } from '../../analysis/worker/protocol/analysis';
import { WorkerErrorCode } from '../../analysis/worker/protocol/system';
import type { CommonHostMessage, CommonViewMessage, ExportRequest, PanelTarget } from '../../webviews/protocol/common';
import type { WorkerClient } from '../worker/workerClient';
import type { RunEventBus } from '../runs/runEvents';
import { log } from '../log';
import { revealPath } from '../reveal';
import type { OfferedFile, PanelController, PanelHost } from './panelHost';

export interface PanelServices {
  extensionUri: vscode.Uri;
  worker: WorkerClient;
  bus: RunEventBus;
  /** Opens (or reuses) a panel by id on a target. */
  openPanel(id: string, target: PanelTarget, options?: { preserveFocus?: boolean }): void;
}

// The controller's view of this session, shared with the headless report host (panelHost.ts).
export type { PanelController } from './panelHost';

export class PanelSession implements vscode.Disposable, PanelHost {
  private ready = false;
  private queue: unknown[] = [];
  private readonly inFlight = new Map<string, CancellationTokenSource>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;
  controller: PanelController | undefined;
  private disposed = false;

  constructor(
    readonly id: string,
    readonly panel: vscode.WebviewPanel,
    readonly services: PanelServices,
    public target: PanelTarget | undefined,
    /** The view state a reloaded webview came back with (panel-specific fields beside `target`). */
    readonly restoredState?: unknown,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: { type: string }) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
      // A hidden webview is destroyed (no retainContextWhenHidden) and re-created when shown again; until its
      // new script says `ready`, posts would be lost. Its `ready` makes the controller send everything again.
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.visible) return;
        this.ready = false;
        this.queue = [];
      }),
      services.bus.onEvent((e) => this.controller?.onRunEvent?.(e)),
    );
  }

  get worker(): WorkerClient {
    return this.services.worker;
  }

  /** Posts now if the webview listens, else queues until `ready`. */
  post(message: { type: string } | CommonHostMessage): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.queue.push(message);
  }

  setTitle(title: string): void {
    this.panel.title = title;
  }

  setTarget(target: PanelTarget): void {
    this.target = target;
    this.controller?.onTarget?.(target);
  }

  /** Tells every view of `runDir` (this one included) to show the checkpoint nearest `step`. */
  linkStep(runDir: string, step: number): void {
    this.services.bus.fire({ kind: 'stepSelected', runDir, step, source: this.id });
  }

  /** Cancels the in-flight requests with these keys. */
  cancel(...keys: string[]): void {
    for (const key of keys) this.inFlight.get(key)?.cancel();
  }

  /**
   * Sends a worker request; a newer request with the same `key` cancels this one. Progress reports reach the
   * webview's status line. Resolves undefined when superseded or cancelled; a failure is shown in the panel
   * (the message names the file or setting) and also resolves undefined, so callers only handle success.
   */
  async request<P extends AnalysisParams, R>(type: RequestType<P, R, void>, params: Omit<P, 'workDoneToken'>, key: string = type.method): Promise<R | undefined> {
    this.inFlight.get(key)?.cancel();
    const cts = new CancellationTokenSource();
    this.inFlight.set(key, cts);
    const token = randomUUID();
    const connection = this.worker.connection();
    const progress = connection.onProgress(AnalysisProgressType, token, (p) => {
      if (!cts.token.isCancellationRequested) this.post({ type: 'progress', fraction: p.fraction, text: p.message });
    });
    try {
      const result = await connection.sendRequest(type, { ...params, workDoneToken: token } as P, cts.token);
      return cts.token.isCancellationRequested ? undefined : result;
    } catch (e) {
      if (cts.token.isCancellationRequested || (e instanceof ResponseError && e.code === WorkerErrorCode.Cancelled)) return undefined;
      const message = e instanceof Error ? e.message : String(e);
      log().warn(`${this.panel.title}: ${message}`);
      this.post({ type: 'error', message });
      return undefined;
    } finally {
      progress.dispose();
      if (this.inFlight.get(key) === cts) this.inFlight.delete(key);
      cts.dispose();
      // The status line's "Computing…" / progress ends with the last request (an error posted above stays).
      if (this.inFlight.size === 0) this.post({ type: 'idle' });
    }
  }

  private async receive(message: { type: string }): Promise<void> {
    try {
      const common = message as CommonViewMessage;
      switch (common.type) {
        case 'ready': {
          this.ready = true;
          const pending = this.queue;
          this.queue = [];
          for (const m of pending) void this.panel.webview.postMessage(m);
          this.controller?.onReady();
          return;
        }
        case 'export': return await this.export(common);
        case 'linkStep': return this.linkStep(common.runDir, common.step);
        case 'openPanel': return this.services.openPanel(common.panel, common.target);
        case 'copy':
          await vscode.env.clipboard.writeText(common.text);
          void vscode.window.showInformationMessage(`TopoLens: copied ${common.what} to the clipboard.`);
          return;
        default:
          await this.controller?.onViewMessage?.(message);
      }
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      log().error(`${this.panel.title}: ${text}`);
      this.post({ type: 'error', message: text });
    }
  }

  /** Whether the controller has seen `ready` (a controller created after a reload waits for it). */
  get isReady(): boolean {
    return this.ready;
  }

  /** A save dialog starting in `defaultFolder` (else the workspace), then the write; "exported" in the panel. */
  async offerFile(file: OfferedFile): Promise<void> {
    const folder = file.defaultFolder ? vscode.Uri.file(file.defaultFolder) : vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    const uri = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(folder, file.suggestedName), filters: { [file.filter.name]: file.filter.extensions } });
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(file.text, 'utf8'));
    this.post({ type: 'exported', format: file.filter.extensions[0] ?? 'file', path: uri.fsPath });
  }

  private async export(req: ExportRequest): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    const safeName = req.suggestedName.replace(/[^\w.+-]+/g, '-');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, `${safeName}.${req.format}`),
      filters: { [req.format.toUpperCase()]: [req.format] },
      saveLabel: `Export ${req.format.toUpperCase()}`,
      title: `TopoLens: export ${this.panel.title} as ${req.format.toUpperCase()}`,
    });
    if (!target) return;
    const bytes = req.format === 'png' ? Buffer.from(req.data, 'base64') : Buffer.from(req.data, 'utf8');
    await vscode.workspace.fs.writeFile(target, bytes);
    log().info(`exported ${req.format} (${bytes.length} bytes) to ${target.fsPath}`);
    this.post({ type: 'exported', format: req.format, path: target.fsPath });
    const reveal = 'Reveal';
    void vscode.window.showInformationMessage(`Exported ${path.basename(target.fsPath)} (${formatBytes(bytes.length)})`, reveal).then((pick) => {
      if (pick === reveal) void revealPath(target);
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const cts of this.inFlight.values()) cts.cancel();
    this.controller?.dispose?.();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KB` : `${(n / (1 << 20)).toFixed(1)} MB`;
}
