/**
 * Host side of a webview panel, shared by every TopoLens panel: waits for the webview's `ready` before
 * posting (messages posted earlier are lost), answers export requests with a save dialog, and disposes
 * cleanly. A new panel subclasses this and handles its own messages; nothing here knows about barcodes.
 */
import * as vscode from 'vscode';
import os from 'node:os';
import path from 'node:path';
import type { CommonHostMessage, CommonViewMessage, ExportRequest } from '../../webviews/protocol/messages';
import { panelHtml, panelWebviewOptions } from './html';
import { log } from '../log';
import { revealPath } from '../reveal';

export abstract class PanelHost<HostMsg extends { type: string }, ViewMsg extends { type: string }> implements vscode.Disposable {
  private ready = false;
  private queue: (HostMsg | CommonHostMessage)[] = [];
  protected readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  protected constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly extensionUri: vscode.Uri,
    bundle: string,
  ) {
    panel.webview.options = panelWebviewOptions(extensionUri);
    panel.webview.html = panelHtml(panel.webview, extensionUri, bundle, panel.title);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: ViewMsg | CommonViewMessage) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Posts now if the webview listens, else queues until `ready`. Only the latest state matters for
   *  most messages, so a panel may call this freely. */
  post(message: HostMsg | CommonHostMessage): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.queue.push(message);
  }

  protected abstract onViewMessage(message: ViewMsg): void | Promise<void>;
  /** Called on every `ready` (first load and after the webview was re-created). */
  protected abstract onReady(): void;

  private async receive(message: ViewMsg | CommonViewMessage): Promise<void> {
    try {
      if (message.type === 'ready') {
        this.ready = true;
        const pending = this.queue;
        this.queue = [];
        for (const m of pending) void this.panel.webview.postMessage(m);
        this.onReady();
      } else if (message.type === 'export') {
        await this.export(message as ExportRequest);
      } else {
        await this.onViewMessage(message as ViewMsg);
      }
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      log().error(`${this.panel.title}: ${text}`);
      this.post({ type: 'error', message: text });
    }
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
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KB` : `${(n / (1 << 20)).toFixed(1)} MB`;
}
