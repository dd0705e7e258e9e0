/**
 * The envelope every panel speaks with its host, shared by both sides. A panel's own messages live in
 * `webviews/panels/<id>/protocol.ts` and extend these unions.
 */

/** What a panel shows: one run, several (a study or a picked set) and optionally a checkpoint step. */
export interface PanelTarget {
  runDirs: string[];
  studyDir?: string;
  /** A checkpoint step; undefined follows the newest checkpoint. */
  step?: number;
}

/** Every panel's persisted view state carries its target, so a reload re-opens the same thing. */
export interface PanelStateBase { target: PanelTarget }

// ---- webview -> host --------------------------------------------------------------------------------
/** Posted by the webview once its script listens; the host queues everything until then. */
export interface ReadyMessage { type: 'ready' }
/** The webview rendered an export; the host owns the save dialog and the write. */
export interface ExportRequest {
  type: 'export';
  format: 'png' | 'svg' | 'csv';
  suggestedName: string;
  /** base64 for png, text for svg/csv */
  data: string;
}
/** The user picked a step (a click on a curve, a scrubber): every panel of that run follows (linked views). */
export interface LinkStepMessage { type: 'linkStep'; runDir: string; step: number }
/** Open another panel on a target (dashboard buttons, "open the run's dashboard"). */
export interface OpenPanelMessage { type: 'openPanel'; panel: string; target: PanelTarget }
/** Copy text to the clipboard through the host (webviews cannot always write it themselves). */
export interface CopyMessage { type: 'copy'; text: string; what: string }

export type CommonViewMessage = ReadyMessage | ExportRequest | LinkStepMessage | OpenPanelMessage | CopyMessage;

// ---- host -> webview --------------------------------------------------------------------------------
export interface LoadingMessage { type: 'loading'; text: string }
/** Progress of the analysis the panel waits for (fraction 0..1 when known). */
export interface ProgressMessage { type: 'progress'; fraction?: number; text?: string }
export interface ErrorMessage { type: 'error'; message: string }
export interface ExportedMessage { type: 'exported'; format: string; path: string }
/** No worker request of the panel is in flight any more: a loading status line is over (errors stay). */
export interface IdleMessage { type: 'idle' }
/** Another view of the same run picked a step; the panel shows the nearest checkpoint. */
export interface LinkedStepMessage { type: 'linkedStep'; runDir: string; step: number }

export type CommonHostMessage = LoadingMessage | ProgressMessage | IdleMessage | ErrorMessage | ExportedMessage | LinkedStepMessage;
