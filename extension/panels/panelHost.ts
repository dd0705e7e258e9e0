/**
 * What a panel's controller sees of whoever hosts its webview. Two hosts implement it: the VS Code panel
 * session (panelSession.ts: a webview, the worker over JSON-RPC, save dialogs) and the headless report host
 * (analysis/report/reportHost.ts: the same analyses in-process, messages recorded and inlined into an HTML
 * page). Controllers are written against this interface only and import nothing from `vscode` at run time,
 * so the messages a report replays are built by the very code that builds them in VS Code.
 */
import type { RequestType } from 'vscode-jsonrpc';
import type { AnalysisParams } from '../../analysis/worker/protocol/analysis';
import type { CommonHostMessage, PanelTarget } from '../../webviews/protocol/common';
import type { RunEvent } from '../runs/runEvents';

/** The host side of one panel. Every method but onReady is optional. */
export interface PanelController {
  /** The webview is listening (first load, or re-created after being hidden): send everything it needs. */
  onReady(): void;
  /** The panel was re-opened on another target (another run, another checkpoint). */
  onTarget?(target: PanelTarget): void;
  onViewMessage?(message: { type: string }): void | Promise<void>;
  onRunEvent?(event: RunEvent): void;
  dispose?(): void;
}

/** A file the panel offers to save (the user picks where in VS Code; a report downloads it). */
export interface OfferedFile {
  /** File name without folder, e.g. `run-dense_1-mapper.json`. */
  suggestedName: string;
  /** Folder the save dialog starts in (VS Code only). */
  defaultFolder?: string;
  /** Save-dialog filter, e.g. `{ name: 'KeplerMapper graph', extensions: ['json'] }`. */
  filter: { name: string; extensions: string[] };
  /** The file's text (UTF-8). */
  text: string;
  mime: string;
}

export interface PanelHost {
  /** The panel id (`weightBarcode`): the source of the step picks this panel makes. */
  readonly id: string;
  /** What the panel shows; controllers update it when the view picks another step or runs. */
  target: PanelTarget | undefined;
  /** The view state a reloaded webview came back with (panel-specific fields beside `target`). */
  readonly restoredState?: unknown;
  /** Sends a message to the webview (queued until it is ready). */
  post(message: { type: string } | CommonHostMessage): void;
  setTitle(title: string): void;
  /** Tells every view of `runDir` to show the checkpoint nearest `step`. */
  linkStep(runDir: string, step: number): void;
  /** Cancels the in-flight requests with these keys. */
  cancel(...keys: string[]): void;
  /**
   * Runs an analysis; a newer request with the same `key` supersedes this one. Resolves undefined when
   * superseded, cancelled or failed (a failure is already shown in the panel's status line).
   */
  request<P extends AnalysisParams, R>(type: RequestType<P, R, void>, params: Omit<P, 'workDoneToken'>, key?: string): Promise<R | undefined>;
  /** Offers a file to the user: a save dialog in VS Code, a download in a report. */
  offerFile(file: OfferedFile): Promise<void>;
}
