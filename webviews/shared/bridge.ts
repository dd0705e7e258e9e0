/**
 * The webview's bridge to whatever hosts it. Two implementations behind one interface, so the same panel
 * bundle runs inside VS Code and in a static HTML report:
 * - VS Code: `acquireVsCodeApi()`; posts `ready` exactly once, after the listener is installed, so the host
 *   never loses a message.
 * - Static page: the host messages are inlined in the page (`window.__TOPOLENS_STATIC__`) and replayed;
 *   exports download in the browser, other requests are ignored.
 */
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

/** Inlined by a static report: the messages the host would have posted, in order, and the initial state. */
export interface StaticPageData<HostMsg, State> { messages: HostMsg[]; state?: State }

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

export function staticBridge<HostMsg, ViewMsg extends { type: string }, State>(data: StaticPageData<HostMsg, State>): PanelBridge<HostMsg, ViewMsg, State> {
  let state = data.state;
  return {
    kind: 'static',
    post(message) {
      const m = message as { type: string; format?: string; suggestedName?: string; data?: string };
      if (m.type !== 'export' || !m.data) return;
      const bytes = m.format === 'png' ? Uint8Array.from(atob(m.data), (c) => c.charCodeAt(0)) : new TextEncoder().encode(m.data);
      const url = URL.createObjectURL(new Blob([bytes], { type: m.format === 'png' ? 'image/png' : m.format === 'svg' ? 'image/svg+xml' : 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${m.suggestedName ?? 'topolens'}.${m.format}`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
    listen(onMessage) {
      // Replayed after the page's script has set itself up, like messages arriving after `ready`.
      queueMicrotask(() => { for (const m of data.messages) onMessage(m); });
    },
    state: () => state,
    saveState: (s) => { state = s; },
  };
}

/** The static bridge when the page carries inlined data, else VS Code's. */
export function connectBridge<HostMsg, ViewMsg extends { type: string }, State>(): PanelBridge<HostMsg, ViewMsg, State> {
  const inlined = window.__TOPOLENS_STATIC__ as StaticPageData<HostMsg, State> | undefined;
  return inlined ? staticBridge<HostMsg, ViewMsg, State>(inlined) : vscodeBridge<HostMsg, ViewMsg, State>();
}
