/**
 * The host's run-event bus: training, the tree's commands and the panels announce what happened to runs,
 * and whoever cares listens (panels follow their runs live, the tree refreshes). Nothing calls into a
 * particular panel.
 */
import * as vscode from 'vscode';

export type RunEvent =
  | { kind: 'started'; runDir: string }
  | { kind: 'checkpoint'; runDir: string; step: number }
  | { kind: 'finished'; runDir: string; status: string }
  | { kind: 'deleted'; runDir: string }
  | { kind: 'studyChanged'; studyDir: string }
  /** A view picked a step of a run (a click on a curve, a scrubber): linked views show the nearest checkpoint. */
  | { kind: 'stepSelected'; runDir: string; step: number; source?: string };

export class RunEventBus implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<RunEvent>();
  readonly onEvent = this.emitter.event;

  fire(event: RunEvent): void {
    this.emitter.fire(event);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
