/**
 * The webview's bridge to the extension host: typed post/receive and persisted view state. Posts
 * `ready` exactly once, after the message listener is installed, so the host never loses a message.
 */
interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

export interface HostBridge<ViewMsg, State> {
  post(message: ViewMsg | { type: 'ready' }): void;
  state(): State | undefined;
  saveState(state: State): void;
}

export function connectToHost<HostMsg extends { type: string }, ViewMsg, State>(onMessage: (m: HostMsg) => void): HostBridge<ViewMsg, State> {
  const api = acquireVsCodeApi<State>();
  window.addEventListener('message', (event: MessageEvent<HostMsg>) => onMessage(event.data));
  api.postMessage({ type: 'ready' });
  return {
    post: (message) => api.postMessage(message),
    state: () => api.getState(),
    saveState: (state) => api.setState(state),
  };
}
