// "Show Surprisal Heatmap": colours each token of the active file by how surprised the model is,
// from one batched engine pass; toggles off again; after an edit, re-scores from the first changed
// token on (the engine reuses the KV state of the unchanged start).
import * as vscode from 'vscode';
import type { ModelSession } from '../../client/ModelSession';
import { isCancellation } from '../../client/EngineClient';
import { mergeRescored, surprisingLines } from '../../core/lens/heatmapSummary';
import { SCALE_MAX_BITS, SURPRISAL_COLOURS, surprisalBin, translucent } from '../../core/lens/surprisalScale';
import type { TokenSurprisal } from '../../protocol/engineProtocol';
import type { HeatmapSummary } from '../../protocol/lensProtocol';

const RESCORE_DELAY_MS = 600;
const SURPRISING_LINES = 10;
/** Beyond this the text is refused: a heatmap of a huge generated file would take minutes. */
const MAX_CHARS = 400_000;

interface Shown {
  tokens: TokenSurprisal[];
  /** The text the tokens were scored on: an edit is re-scored from where the new text departs from it. */
  text: string;
  timer?: ReturnType<typeof setTimeout>;
}

export class HeatmapController implements vscode.Disposable {
  private readonly decorations = SURPRISAL_COLOURS.map((colour) =>
    vscode.window.createTextEditorDecorationType({ backgroundColor: translucent(colour), rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed }));
  private readonly shown = new Map<string, Shown>();
  private readonly subscriptions: vscode.Disposable[];
  private request: AbortController | undefined;

  constructor(
    private readonly session: ModelSession,
    private readonly log: vscode.LogOutputChannel,
    private readonly onSummary: (summary: HeatmapSummary | null) => void,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((event) => this.scheduleRescore(event.document)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.repaintAll()),
      vscode.workspace.onDidCloseTextDocument((document) => this.hide(document.uri.toString())),
    ];
  }

  /** The command: on for the active file, or off when it is on. */
  async toggle(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Llama Lens: open a file to see its surprisal heatmap.');
      return;
    }
    const key = editor.document.uri.toString();
    if (this.shown.has(key)) {
      this.hide(key);
      return;
    }
    this.shown.set(key, { tokens: [], text: '' });
    await this.score(editor.document, true);
  }

  revealLine(line: number): void {
    const editor = vscode.window.visibleTextEditors.find((candidate) => this.shown.has(candidate.document.uri.toString())) ?? vscode.window.activeTextEditor;
    if (!editor) return;
    const position = new vscode.Position(Math.min(line, editor.document.lineCount - 1), 0);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenter);
  }

  isShown(uri: vscode.Uri): boolean {
    return this.shown.has(uri.toString());
  }

  dispose(): void {
    this.request?.abort();
    for (const shown of this.shown.values()) if (shown.timer) clearTimeout(shown.timer);
    for (const subscription of this.subscriptions) subscription.dispose();
    for (const decoration of this.decorations) decoration.dispose();
  }

  private hide(key: string): void {
    const shown = this.shown.get(key);
    if (!shown) return;
    if (shown.timer) clearTimeout(shown.timer);
    this.shown.delete(key);
    this.repaintAll();
    this.onSummary(null);
  }

  private scheduleRescore(document: vscode.TextDocument): void {
    const shown = this.shown.get(document.uri.toString());
    if (!shown) return;
    if (shown.timer) clearTimeout(shown.timer);
    shown.timer = setTimeout(() => void this.score(document, false), RESCORE_DELAY_MS);
  }

  /** Scores the document; a first pass shows a cancellable notification, re-scores the status bar. */
  private async score(document: vscode.TextDocument, first: boolean): Promise<void> {
    const text = document.getText();
    if (text.length > MAX_CHARS) {
      void vscode.window.showWarningMessage(`Llama Lens: ${vscode.workspace.asRelativePath(document.uri)} is too long for a heatmap (over ${MAX_CHARS} characters).`);
      this.shown.delete(document.uri.toString());
      return;
    }
    this.request?.abort();
    const abort = new AbortController();
    this.request = abort;
    const title = `Llama Lens: scoring ${vscode.workspace.asRelativePath(document.uri)}`;
    const location = first ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
    await vscode.window.withProgress({ location, title, cancellable: first }, async (progress, token) => {
      token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      try {
        const scoreFrom = commonPrefixLength(this.shown.get(document.uri.toString())?.text ?? '', text);
        const result = await this.session.request('surprisal', { text, scoreFrom, detail: 'bits' }, {
          signal: abort.signal,
          onProgress: ({ fraction }) => {
            progress.report({ increment: Math.max(0, fraction - reported) * 100 });
            reported = fraction;
          },
        });
        this.apply(document, text, result.tokens);
      } catch (error) {
        if (isCancellation(error) || abort.signal.aborted) {
          if (first) this.hide(document.uri.toString());
          return;
        }
        this.log.error(`Heatmap failed: ${error instanceof Error ? error.message : String(error)}`);
        void vscode.window.showErrorMessage(`Llama Lens: the heatmap failed: ${error instanceof Error ? error.message : String(error)}`);
        this.hide(document.uri.toString());
      }
    });
  }

  private apply(document: vscode.TextDocument, text: string, fresh: TokenSurprisal[]): void {
    const shown = this.shown.get(document.uri.toString());
    if (!shown || document.getText() !== text) return; // toggled off, or edited again: a newer pass follows
    shown.tokens = mergeRescored(shown.tokens, fresh);
    shown.text = text;
    this.repaintAll();
    const finite = shown.tokens.filter((token) => Number.isFinite(token.bits));
    this.onSummary({
      file: vscode.workspace.asRelativePath(document.uri),
      tokens: shown.tokens.length,
      meanBits: finite.reduce((sum, token) => sum + token.bits, 0) / Math.max(1, finite.length),
      scaleMaxBits: SCALE_MAX_BITS,
      lines: surprisingLines(text, shown.tokens, SURPRISING_LINES),
    });
  }

  private repaintAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const tokens = this.shown.get(editor.document.uri.toString())?.tokens ?? [];
      const bins: vscode.Range[][] = this.decorations.map(() => []);
      for (const token of tokens) {
        bins[surprisalBin(token.bits)]?.push(new vscode.Range(editor.document.positionAt(token.start), editor.document.positionAt(token.end)));
      }
      this.decorations.forEach((decoration, index) => editor.setDecorations(decoration, bins[index] ?? []));
    }
  }
}

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let index = 0;
  while (index < limit && a.charCodeAt(index) === b.charCodeAt(index)) index++;
  return index;
}
