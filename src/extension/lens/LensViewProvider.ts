// The Lens side panel: follows the cursor (debounced), asks the engine for the distribution
// there, expands tree nodes on request, inserts a chosen path. Messages from the webview are
// untrusted: each is size-checked and validated before use; malformed ones are logged and dropped.
import * as vscode from 'vscode';
import type { ModelSession } from '../../client/ModelSession';
import { isCancellation } from '../../client/Engine';
import {
  admitLensMessage, type HeatmapMode, type HostToLens, type LensPreferences, type LensToHost,
} from '../../protocol/lensProtocol';
import { cursorQuery, toLensDistribution, type CursorQuery } from './cursorQuery';
import { loadWebview } from '../webviewHtml';
import type { StoredJson } from '../storedJson';
import { errorMessage } from '../../core/text/errorMessage';

export const LENS_VIEW_ID = 'llamaLens.lens';
const FOLLOW_DELAY_MS = 150;

/** What the Lens's heatmap section asks of the heatmap. */
export interface HeatmapActions {
  revealLine(line: number): void;
  setMode(mode: HeatmapMode): void;
}

export class LensViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private lastQuery: (CursorQuery & { fragment: string; id: number }) | undefined;
  /** Starts from the clock, so ids stay distinct from those a previous extension host gave a restored page. */
  private queryCount = Date.now();
  /** The decoded text of each path asked about, so that "Insert path" writes exactly those tokens. */
  private readonly pathTexts = new Map<string, string>();
  /** Messages for the webview until it says it is ready; then only the latest of each kind matters. */
  private readonly pending = new Map<HostToLens['kind'], HostToLens>();
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  private cursorRequest: AbortController | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: ModelSession,
    private readonly log: vscode.LogOutputChannel,
    private readonly heatmap: HeatmapActions,
    /** Where the Lens's preferences outlive a window reload. */
    private readonly preferences: StoredJson<LensPreferences>,
  ) {
    this.subscriptions = [
      vscode.window.onDidChangeTextEditorSelection((event) => this.follow(event.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.follow(editor)),
    ];
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    loadWebview(view, this.extensionUri, 'lens', 'Llama Lens');
    this.subscriptions.push(
      view.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      view.onDidChangeVisibility(() => view.visible && vscode.window.activeTextEditor && this.follow(vscode.window.activeTextEditor)),
      view.onDidDispose(() => {
        this.view = undefined;
        this.ready = false;
      }),
    );
  }

  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  /** Sends to the webview, or keeps the newest message of its kind until the webview is ready. */
  post(message: HostToLens): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
    else this.pending.set(message.kind, message);
  }

  dispose(): void {
    if (this.followTimer) clearTimeout(this.followTimer);
    this.cursorRequest?.abort();
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private receive(raw: unknown): void {
    const message = admitLensMessage(raw, (warning) => this.log.warn(warning));
    if (!message) return;
    void this.handle(message).catch((error: unknown) => this.log.warn(`Lens: ${errorMessage(error)}`));
  }

  private async handle(message: LensToHost): Promise<void> {
    switch (message.kind) {
      case 'ready': {
        this.ready = true;
        for (const queued of this.pending.values()) void this.view?.webview.postMessage(queued);
        this.pending.clear();
        if (vscode.window.activeTextEditor) this.follow(vscode.window.activeTextEditor);
        const preferences = await this.preferences.read();
        if (preferences) void this.view?.webview.postMessage({ kind: 'preferences', preferences });
        return;
      }
      case 'preferences':
        return this.preferences.write(message.preferences);
      case 'expand':
        return this.expand(message.path);
      case 'insertPath':
        return this.insertPath(message.path);
      case 'revealLine':
        this.heatmap.revealLine(message.line);
        return;
      case 'heatmapMode':
        this.heatmap.setMode(message.mode);
        return;
      case 'log':
        this.log[message.level](`Lens webview: ${message.message}`);
        return;
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  private follow(editor: vscode.TextEditor): void {
    if (!this.view?.visible || !isCodeDocument(editor.document)) return;
    if (this.followTimer) clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => void this.queryCursor(editor), FOLLOW_DELAY_MS);
  }

  private async queryCursor(editor: vscode.TextEditor): Promise<void> {
    if (this.session.state.kind === 'noModel') {
      return this.post({ kind: 'status', message: 'No model: select a GGUF model file first.', busy: false });
    }
    const query = cursorQuery(editor.document, editor.selection.active);
    this.cursorRequest?.abort();
    const abort = new AbortController();
    this.cursorRequest = abort;
    try {
      const result = await this.session.request('distribution', query.params, { signal: abort.signal });
      const queryId = ++this.queryCount;
      this.lastQuery = { ...query, fragment: result.fragment, id: queryId };
      this.pathTexts.clear();
      const distribution = toLensDistribution(result, []);
      this.post({ kind: 'cursor', cursor: query.cursor, distribution, queryId });
    } catch (error) {
      if (!isCancellation(error)) {
        this.post({ kind: 'status', message: `Could not read the distribution: ${errorMessage(error)}`, busy: false });
      }
    }
  }

  private async expand(path: number[]): Promise<void> {
    const query = this.lastQuery;
    if (!query) return;
    const result = await this.session.request('distribution', { ...query.params, path });
    this.pathTexts.set(path.join(','), result.pathText);
    this.post({ kind: 'children', distribution: toLensDistribution(result, path), queryId: query.id });
  }

  /** Writes exactly the path's tokens at the place the Lens was looking at. */
  private async insertPath(path: number[]): Promise<void> {
    const query = this.lastQuery;
    if (!query || path.length === 0) return;
    // A node's own path may never have been expanded: the engine decodes it (reusing the KV state of its parent).
    const text = this.pathTexts.get(path.join(',')) ?? (await this.session.request('distribution', { ...query.params, path })).pathText;
    // Mid-word, the tree starts before the typed fragment: the path replaces it.
    const document = await vscode.workspace.openTextDocument(query.uri);
    const start = document.positionAt(Math.max(0, document.offsetAt(query.position) - query.fragment.length));
    const replaced = new vscode.Range(start, query.position);
    const edit = new vscode.WorkspaceEdit();
    if (query.fragment && document.getText(replaced) === query.fragment) edit.replace(query.uri, replaced, text);
    else edit.insert(query.uri, query.position, text);
    await vscode.workspace.applyEdit(edit);
  }
}

function isCodeDocument(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' || document.uri.scheme === 'untitled';
}
