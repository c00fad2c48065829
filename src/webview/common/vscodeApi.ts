// A webview's only channel to the extension host, typed with its protocol.

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Injected by VS Code into every webview; it may be called only once per page. */
declare function acquireVsCodeApi(): VsCodeApi;

export interface HostChannel<ToHost> {
  post(message: ToHost): void;
  /** Whatever the previous page saved: unvalidated. */
  loadState(): unknown;
  saveState(state: unknown): void;
}

export function connect<ToHost>(): HostChannel<ToHost> {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    loadState: () => api.getState(),
    saveState: (state) => api.setState(state),
  };
}
