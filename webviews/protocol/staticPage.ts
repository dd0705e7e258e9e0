/**
 * What a static page (a panel inside a headless HTML report, analysis/report/) carries instead of a live
 * host, shared by the report writer (Node) and the static bridge (webviews/shared/bridge.ts). The report
 * runs the panel's own controller once for the first picture and once per interaction it precomputes
 * (a checkpoint of the scrubber, a clicked node, a layer), and inlines what the controller posted.
 */

/** The messages the controller posted in answer to a view message that matches `when`. */
export interface StaticResponse<HostMsg = unknown> {
  /** Fields the view message must have, compared as JSON (`{ type: 'select', step: 120, layer: 'dense_1' }`). */
  when: Record<string, unknown>;
  /**
   * A numeric field (e.g. `step`) matched to the nearest precomputed value when no response matches it
   * exactly (the other fields of `when` still must): a scrubber snaps to the checkpoints the report holds.
   */
  nearest?: string;
  messages: HostMsg[];
}

/** A control that needs a live host: disabled in the report, the reason as its tooltip. */
export interface DisabledControl { selector: string; reason: string }

export interface StaticPageData<HostMsg = unknown, State = unknown> {
  /** The host messages of the first picture, in the order the host posted them. */
  messages: HostMsg[];
  /** The view state the page starts from (PanelStateBase: `{ target, ... }`). */
  state?: State;
  responses?: StaticResponse<HostMsg>[];
  /** View message types that need no answer in a report (a resolution refresh, a live-follow toggle). */
  ignore?: string[];
  disabled?: DisabledControl[];
  /** Said in the status line when the panel asks for something the report does not hold. */
  missing?: string;
}

/**
 * A host message only the static bridge reads: a file the controller offered (host.offerFile), saved by
 * the browser as a download. Never reaches the panel's own code.
 */
export interface StaticDownloadMessage { type: '__topolensDownload'; name: string; mime: string; text: string }
export const STATIC_DOWNLOAD = '__topolensDownload';

/**
 * Between a panel frame and the report page around it (window.postMessage): the frame's height and first
 * picture, and the common view messages a report answers at page level (open another panel, link a step).
 */
export type FrameToReport =
  | { topolens: 'height'; height: number }
  | { topolens: 'rendered'; svgs: number }
  | { topolens: 'openPanel'; panel: string; runDirs: string[] }
  | { topolens: 'linkStep'; runDir: string; step: number }
  | { topolens: 'unanswered'; type: string };

export type ReportToFrame = { topolens: 'linkedStep'; runDir: string; step: number };
