/**
 * The webview's bridge to whatever hosts it. Two implementations behind one interface, so the same panel
 * bundle runs inside VS Code and in a static HTML report:
 * - VS Code: `acquireVsCodeApi()`; posts `ready` exactly once, after the listener is installed, so the host
 *   never loses a message.
 * - Static page (a headless report): the host messages are inlined in the page (`window.__TOPOLENS_STATIC__`,
 *   webviews/protocol/staticPage.ts) and replayed; requests are answered from the responses the report
 *   precomputed, exports download in the browser.
 */
import type { DisabledControl, FrameToReport, ReportToFrame, StaticDownloadMessage, StaticPageData } from '../protocol/staticPage';
import { STATIC_DOWNLOAD } from '../protocol/staticPage';
import { findResponse } from './staticAnswers';

interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

export interface PanelBridge<HostMsg, ViewMsg, State> {
  readonly kind: 'vscode' | 'static';
  post(message: ViewMsg): void;
  /** Installs the one message handler and tells the host the page is ready. */
  listen(onMessage: (message: HostMsg) => void): void;
  state(): State | undefined;
  saveState(state: State): void;
}

declare global {
  interface Window { __TOPOLENS_STATIC__?: StaticPageData<unknown, unknown> }
}

export function vscodeBridge<HostMsg, ViewMsg, State>(): PanelBridge<HostMsg, ViewMsg, State> {
  const api = acquireVsCodeApi<State>();
  return {
    kind: 'vscode',
    post: (message) => api.postMessage(message),
    listen(onMessage) {
      window.addEventListener('message', (event: MessageEvent<HostMsg>) => onMessage(event.data));
      api.postMessage({ type: 'ready' });
    },
    state: () => api.getState(),
    saveState: (state) => api.setState(state),
  };
}

/** View messages every static page answers itself (the shell's and the common ones). */
type CommonViewShape = { type: string; format?: string; suggestedName?: string; data?: string; text?: string; what?: string; panel?: string; target?: { runDirs: string[] }; runDir?: string; step?: number };

/**
 * The static page's bridge: replays the inlined host messages, answers the panel's requests from the
 * precomputed responses (a scrubber snaps to the nearest checkpoint the report holds), saves exports and
 * offered files as downloads, disables the controls that need a live host (tooltip: why), and, inside a
 * report, tells the page around it its height and first picture and passes on "open panel" and linked steps.
 */
export function staticBridge<HostMsg, ViewMsg extends { type: string }, State>(data: StaticPageData<HostMsg, State>): PanelBridge<HostMsg, ViewMsg, State> {
  let state = data.state;
  let deliver: ((message: HostMsg) => void) | undefined;
  const inReport = window.parent !== window;
  const toReport = (message: FrameToReport) => { if (inReport) window.parent.postMessage(message, '*'); };
  const status = (text: string) => deliver?.({ type: 'error', message: text } as HostMsg);
  const reportHeight = () => toReport({ topolens: 'height', height: Math.ceil(document.documentElement.scrollHeight) });

  /** Hands host messages to the panel in order; files offered by the controller become downloads. */
  const replay = (messages: readonly HostMsg[]) => {
    for (const m of messages) {
      const download = m as unknown as StaticDownloadMessage;
      if (download.type === STATIC_DOWNLOAD) saveFile(download.name, download.mime, new TextEncoder().encode(download.text));
      else deliver?.(m);
    }
    disableControls(data.disabled ?? []);
  };

  return {
    kind: 'static',
    post(message) {
      const m = message as unknown as CommonViewShape;
      switch (m.type) {
        case 'ready': return;
        case 'export': {
          if (!m.data) return;
          const bytes = m.format === 'png' ? Uint8Array.from(atob(m.data), (c) => c.charCodeAt(0)) : new TextEncoder().encode(m.data);
          return saveFile(`${m.suggestedName ?? 'topolens'}.${m.format}`, m.format === 'png' ? 'image/png' : m.format === 'svg' ? 'image/svg+xml' : 'text/csv', bytes);
        }
        case 'copy':
          if (m.text === undefined) return;
          // A sandboxed report frame may not write the clipboard: the text is saved instead.
          return void navigator.clipboard?.writeText(m.text).then(
            () => deliver?.({ type: 'exported', format: 'clipboard', path: m.what ?? 'text' } as HostMsg),
            () => saveFile(`${(m.what ?? 'text').replace(/\W+/g, '-')}.json`, 'application/json', new TextEncoder().encode(m.text)),
          );
        case 'openPanel':
          if (!inReport) return status('This page shows one panel; the full report links the others.');
          return toReport({ topolens: 'openPanel', panel: m.panel ?? '', runDirs: m.target?.runDirs ?? [] });
        case 'linkStep':
          if (m.runDir !== undefined && m.step !== undefined) toReport({ topolens: 'linkStep', runDir: m.runDir, step: m.step });
          return;
      }
      if (data.ignore?.includes(m.type)) return;
      const answer = findResponse(data.responses ?? [], m as unknown as Record<string, unknown>);
      if (answer) return queueMicrotask(() => replay(answer.messages));
      toReport({ topolens: 'unanswered', type: m.type });
      status(data.missing ?? 'This report holds precomputed results only: open the run in VS Code for this.');
    },
    listen(onMessage) {
      deliver = onMessage;
      if (inReport) {
        window.addEventListener('message', (event: MessageEvent<ReportToFrame>) => {
          if (event.source !== window.parent || event.data?.topolens !== 'linkedStep') return;
          onMessage({ type: 'linkedStep', runDir: event.data.runDir, step: event.data.step } as HostMsg);
        });
        new ResizeObserver(() => reportHeight()).observe(document.body);
      }
      // Panels re-create controls when they redraw (a resize, a new message): keep those disabled too.
      if (data.disabled?.length) new MutationObserver(() => disableControls(data.disabled ?? [])).observe(document.body, { childList: true, subtree: true });
      // Replayed after the page's script has set itself up, like messages arriving after `ready`.
      queueMicrotask(() => {
        replay(data.messages);
        // A timer, not animation frames: Chromium does not run those in a frame scrolled out of view.
        setTimeout(() => {
          reportHeight();
          toReport({ topolens: 'rendered', svgs: document.querySelectorAll('svg').length });
        }, 50);
      });
    },
    state: () => state,
    saveState: (s) => { state = s; },
  };
}

function saveFile(name: string, mime: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function disableControls(controls: readonly DisabledControl[]): void {
  for (const { selector, reason } of controls) {
    for (const node of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
      if (node.classList.contains('static-disabled')) continue;
      node.setAttribute('disabled', '');
      node.setAttribute('title', reason);
      node.classList.add('static-disabled');
    }
  }
}

export type { StaticPageData };

/** The static bridge when the page carries inlined data, else VS Code's. */
export function connectBridge<HostMsg, ViewMsg extends { type: string }, State>(): PanelBridge<HostMsg, ViewMsg, State> {
  const inlined = window.__TOPOLENS_STATIC__ as StaticPageData<HostMsg, State> | undefined;
  return inlined ? staticBridge<HostMsg, ViewMsg, State>(inlined) : vscodeBridge<HostMsg, ViewMsg, State>();
}
