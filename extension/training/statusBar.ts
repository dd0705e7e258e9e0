/** The status-bar item that shows a training's step, loss and throughput while it runs. */
import * as vscode from 'vscode';
import type { TrainProgress } from '../../analysis/worker/protocol/training';

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('topolens.training', vscode.StatusBarAlignment.Left, 50);
  private hideTimer: NodeJS.Timeout | undefined;

  constructor() {
    this.item.name = 'TopoLens Training';
    this.item.command = 'topolens.cancelTraining';
  }

  started(name: string): void {
    clearTimeout(this.hideTimer);
    this.item.text = `$(sync~spin) TopoLens: ${name} starting…`;
    this.item.tooltip = 'TopoLens is training. Click to stop.';
    this.item.show();
  }

  progress(name: string, p: TrainProgress, backend: string | undefined): void {
    const loss = Number.isFinite(p.loss) ? p.loss.toFixed(4) : String(p.loss);
    this.item.text = `$(sync~spin) ${name} · step ${p.step}/${p.totalSteps} · loss ${loss} · ${Math.round(p.samplesPerSec).toLocaleString('en-US')} samples/s${backend ? ` · ${backend}` : ''}`;
    const eta = p.etaSeconds !== undefined ? `, about ${formatSeconds(p.etaSeconds)} left` : '';
    this.item.tooltip = `TopoLens: training "${name}" — epoch ${p.epoch.toFixed(2)}${eta}. Click to stop.`;
  }

  finished(text: string): void {
    this.item.text = text;
    this.item.tooltip = 'TopoLens: last training';
    this.item.command = 'topolens.showLog';
    clearTimeout(this.hideTimer);
    this.hideTimer = setTimeout(() => {
      this.item.hide();
      this.item.command = 'topolens.cancelTraining';
    }, 15000);
  }

  dispose(): void {
    clearTimeout(this.hideTimer);
    this.item.dispose();
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
