/**
 * The "Weight Barcode" panel: H0/H1 persistence of one layer's neuron weight vectors at one checkpoint.
 * One panel, reused: clicking another checkpoint updates it (like a preview), scrubbing in the webview
 * asks for another step, and while the shown run trains the panel follows the newest checkpoint unless
 * the user pinned a step.
 */
import * as vscode from 'vscode';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc';
import { WeightBarcodeRequest, WeightBarcodeSeriesRequest } from '../../analysis/worker/protocol/weightBarcode';
import { PANEL_IDS, type WeightBarcodeHostMessage, type WeightBarcodeState, type WeightBarcodeViewMessage } from '../../webviews/protocol/messages';
import { PanelHost } from './panel';
import type { WorkerClient } from '../worker/workerClient';

export interface PanelServices { extensionUri: vscode.Uri; worker: WorkerClient }

export class WeightBarcodePanel extends PanelHost<WeightBarcodeHostMessage, WeightBarcodeViewMessage> {
  static current: WeightBarcodePanel | undefined;
  private inFlight: CancellationTokenSource | undefined;

  /** Opens (or reuses) the panel beside the active editor and shows `state`. */
  static show(services: PanelServices, state: WeightBarcodeState, preserveFocus = false): WeightBarcodePanel {
    const existing = WeightBarcodePanel.current;
    if (existing) {
      existing.panel.reveal(undefined, preserveFocus);
      existing.setState(state);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_IDS.weightBarcode, 'Weight Barcode', { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, {});
    return new WeightBarcodePanel(panel, services, state);
  }

  /** Re-creates the panel after a window reload (WebviewPanelSerializer). */
  static revive(panel: vscode.WebviewPanel, services: PanelServices, state: WeightBarcodeState | undefined): WeightBarcodePanel {
    return new WeightBarcodePanel(panel, services, state);
  }

  private constructor(panel: vscode.WebviewPanel, private readonly services: PanelServices, private state: WeightBarcodeState | undefined) {
    super(panel, services.extensionUri, 'weightBarcode');
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'topolens.svg');
    WeightBarcodePanel.current = this;
    this.onDidDispose(() => {
      this.inFlight?.cancel();
      if (WeightBarcodePanel.current === this) WeightBarcodePanel.current = undefined;
    });
    if (!state) this.post({ type: 'error', message: 'Nothing to show yet: click a checkpoint in the Training Runs view, or run "TopoLens: Train & Analyze".' });
  }

  get shownRunDir(): string | undefined {
    return this.state?.runDir;
  }

  setState(state: WeightBarcodeState): void {
    this.state = { ...this.state, ...state };
    void this.load();
  }

  /** A new checkpoint of the shown run was written: follow it when following the newest step; a pinned
   *  step stays, but the scrubber and the timeline grow (the pinned barcode itself comes from the cache). */
  onCheckpoint(runDir: string): void {
    if (this.state?.runDir === runDir) void this.load();
  }

  protected onReady(): void {
    void this.load();
  }

  protected onViewMessage(message: WeightBarcodeViewMessage): void {
    if (message.type === 'select' && this.state) {
      this.state = { ...this.state, step: message.step, layer: message.layer ?? this.state.layer };
      void this.load();
    }
  }

  private async load(): Promise<void> {
    const state = this.state;
    if (!state) return;
    this.inFlight?.cancel();
    const cts = (this.inFlight = new CancellationTokenSource());
    this.post({ type: 'loading', text: `Computing barcode${state.step !== undefined ? ` at step ${state.step}` : ''}…` });
    try {
      const barcode = await this.services.worker.connection().sendRequest(
        WeightBarcodeRequest, { runDirs: [state.runDir], step: state.step, layer: state.layer, maxDim: 1 }, cts.token);
      if (cts.token.isCancellationRequested) return;
      this.panel.title = `Weight Barcode — ${barcode.runName} @ step ${barcode.step}`;
      this.post({ type: 'barcode', barcode, state });
      // The evolution over all checkpoints follows; each step is cached, so this is cheap after the first time.
      const series = await this.services.worker.connection().sendRequest(
        WeightBarcodeSeriesRequest, { runDirs: [state.runDir], layer: barcode.layer, maxDim: 1 }, cts.token);
      if (!cts.token.isCancellationRequested) this.post({ type: 'series', series });
    } catch (e) {
      if (cts.token.isCancellationRequested) return;
      const message = e instanceof ResponseError || e instanceof Error ? e.message : String(e);
      this.post({ type: 'error', message });
    }
  }
}
