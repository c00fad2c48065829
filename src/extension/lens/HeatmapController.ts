// "Show Surprisal Heatmap": colours each token of the active file, by surprisal (the engine's fast pass), by rank or by
// entropy (its slower full pass); toggles off again; after an edit, re-scores from the first changed token on. Each
// file keeps its scores per pass detail (ScoreCache), so switching back to a mode whose scores are current is free.
import * as vscode from 'vscode';
import type { ModelSession } from '../../client/ModelSession';
import { fileFigures } from '../../core/lens/fileFigures';
import { surprisingLines } from '../../core/lens/heatmapSummary';
import { detailFor, MODE_TITLES } from '../../core/lens/heatmapModes';
import { ScoreCache } from '../../core/lens/ScoreCache';
import type { TokenSurprisal } from '../../protocol/engineProtocol';
import type { HeatmapMode, HeatmapSummary } from '../../protocol/lensProtocol';
import { HeatmapDecorations } from './HeatmapDecorations';
import { heatmapPass, type PassOutcome } from './heatmapPass';
import { setBackend } from '../config';

const RESCORE_DELAY_MS = 600;
const SURPRISING_LINES = 10;
/** Beyond this the text is refused: a heatmap of a huge generated file would take minutes. */
const MAX_CHARS = 400_000;

interface Shown {
  document: vscode.TextDocument;
  scores: ScoreCache;
  timer?: ReturnType<typeof setTimeout>;
}

export class HeatmapController implements vscode.Disposable {
  private readonly decorations = new HeatmapDecorations();
  private readonly shown = new Map<string, Shown>();
  private readonly subscriptions: vscode.Disposable[];
  private request: AbortController | undefined;
  /** The mode the editors are coloured in, and one being scored for (its slower pass is on its way). */
  private mode: HeatmapMode;
  private pendingMode: HeatmapMode | null = null;
  /** The file the Lens's summary describes: the one shown last. */
  private summaryKey: string | undefined;
  private lastSummary: HeatmapSummary | null = null;
  /** The model the kept scores came from: another one's scores (and the hover's numbers) would not match them. */
  private scoredWith: string | undefined;

  constructor(
    private readonly session: ModelSession,
    private readonly log: vscode.LogOutputChannel,
    private readonly onSummary: (summary: HeatmapSummary | null) => void,
    initialMode: HeatmapMode,
  ) {
    this.mode = initialMode;
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((event) => this.scheduleRescore(event.document)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.repaintAll()),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.follow(editor)),
      vscode.workspace.onDidCloseTextDocument((document) => this.hide(document.uri.toString())),
      session.onDidChangeState((state) => state.kind === 'ready' && this.modelReady(`${state.info.filePath}:${state.info.sizeBytes}`)),
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
    this.shown.set(key, { document: editor.document, scores: new ScoreCache() });
    this.summaryKey = key;
    const outcome = await this.refresh(editor.document, true);
    if (outcome === 'cancelled') this.hide(key);
  }

  /** Colours every shown file by `mode`; a mode that needs the slower pass keeps the old colours until it is done. */
  async setMode(mode: HeatmapMode): Promise<void> {
    if (mode === (this.pendingMode ?? this.mode)) return;
    this.pendingMode = mode === this.mode ? null : mode;
    if (this.pendingMode === null) {
      this.request?.abort(); // Back to the mode on screen: its pass is no longer wanted.
      this.settle();
      return;
    }
    this.postSummary();
    for (const { document } of [...this.shown.values()]) {
      if (this.pendingMode !== mode) return; // Switched again meanwhile.
      const outcome = await this.refresh(document, true);
      if (outcome === 'cancelled') {
        this.log.info(`Heatmap: switching to ${mode} was cancelled; staying with ${this.mode}.`);
        this.pendingMode = null;
        break;
      }
      if (outcome !== 'current' && outcome !== 'scored') return; // A newer pass took over and settles when it is done.
    }
    this.settle();
  }

  get currentMode(): HeatmapMode {
    return this.mode;
  }

  /** The tokens colouring `document` when they were scored on its current text, for the hover. */
  currentScores(document: vscode.TextDocument): TokenSurprisal[] | undefined {
    const shown = this.shown.get(document.uri.toString());
    return shown?.scores.current(this.mode, document.getText());
  }

  revealLine(line: number): void {
    const editor =
      vscode.window.visibleTextEditors.find((candidate) => this.shown.has(candidate.document.uri.toString())) ??
      vscode.window.activeTextEditor;
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
    this.decorations.dispose();
  }

  /** Another model is loaded: every shown file is scored again by it, in the mode on screen. */
  private modelReady(model: string): void {
    const previous = this.scoredWith;
    this.scoredWith = model;
    if (previous === undefined || previous === model) return;
    for (const shown of this.shown.values()) shown.scores = new ScoreCache();
    this.pendingMode = null;
    // One after another: each pass would supersede the one before it.
    void (async () => {
      for (const { document } of [...this.shown.values()]) await this.refresh(document, false);
    })();
  }

  private hide(key: string): void {
    const shown = this.shown.get(key);
    if (!shown) return;
    if (shown.timer) clearTimeout(shown.timer);
    this.shown.delete(key);
    this.repaintAll();
    if (this.summaryKey === key) this.summaryKey = [...this.shown.keys()].pop();
    this.lastSummary = null;
    if (this.summaryKey === undefined) this.onSummary(null);
    else this.postSummary();
  }

  private follow(editor: vscode.TextEditor | undefined): void {
    const key = editor?.document.uri.toString();
    if (key === undefined || !this.shown.has(key) || key === this.summaryKey) return;
    this.summaryKey = key;
    this.lastSummary = null;
    this.postSummary();
  }

  private scheduleRescore(document: vscode.TextDocument): void {
    const shown = this.shown.get(document.uri.toString());
    if (!shown) return;
    if (shown.timer) clearTimeout(shown.timer);
    shown.timer = setTimeout(() => void this.refresh(document, false), RESCORE_DELAY_MS);
  }

  /**
   * Makes `document`'s scores current for the wanted mode: nothing to do when they are, else a pass (a cancellable
   * notification when the user is `waiting`). Settles the paint and the summary when a pass of its own is done.
   */
  private async refresh(document: vscode.TextDocument, waiting: boolean): Promise<'current' | PassOutcome['kind']> {
    const key = document.uri.toString();
    const shown = this.shown.get(key);
    const wanted = this.pendingMode ?? this.mode;
    const text = document.getText();
    if (!shown) return 'superseded';
    if (shown.scores.current(wanted, text)) {
      this.settle();
      return 'current';
    }
    if (text.length > MAX_CHARS) {
      void vscode.window.showWarningMessage(
        `Llama Lens: ${vscode.workspace.asRelativePath(document.uri)} is too long for a heatmap (over ${MAX_CHARS} characters).`,
      );
      this.hide(key);
      return 'failed';
    }
    this.request?.abort();
    const abort = new AbortController();
    this.request = abort;
    const detail = detailFor(wanted);
    const outcome = await heatmapPass(this.session, this.log, {
      document,
      text,
      detail,
      scoreFrom: shown.scores.scoreFrom(detail, text),
      waiting,
      signal: abort.signal,
    });
    if (outcome.kind === 'scored' && this.shown.get(key) === shown) {
      shown.scores.store(detail, text, outcome.tokens);
      this.settle();
    } else if (outcome.kind === 'failed') {
      this.log.error(`Heatmap failed: ${outcome.message}`);
      if (outcome.unsupported) void offerLocalEngine(outcome.message);
      else void vscode.window.showErrorMessage(`Llama Lens: the heatmap failed: ${outcome.message}`);
      this.hide(key);
    }
    return outcome.kind;
  }

  /** Takes the pending mode once every shown file has its scores, then repaints and updates the summary. */
  private settle(): void {
    const pending = this.pendingMode;
    if (pending !== null && [...this.shown.values()].every(({ document, scores }) => scores.current(pending, document.getText()))) {
      this.mode = pending;
      this.pendingMode = null;
      this.log.info(`Heatmap: colouring by ${MODE_TITLES[pending].toLowerCase()}.`);
    }
    this.repaintAll();
    this.postSummary();
  }

  private repaintAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const shown = this.shown.get(editor.document.uri.toString());
      if (!shown) this.decorations.clear(editor);
      else
        this.decorations.paint(
          editor,
          this.mode,
          shown.scores.current(this.mode, editor.document.getText()) ?? shown.scores.latest(this.mode),
        );
    }
  }

  /** The summary of the file shown last; while its scores are out of date, the previous figures with the modes updated. */
  private postSummary(): void {
    const shown = this.summaryKey === undefined ? undefined : this.shown.get(this.summaryKey);
    if (!shown) return;
    const text = shown.document.getText();
    const tokens = shown.scores.best(text);
    if (tokens) {
      this.lastSummary = {
        file: vscode.workspace.asRelativePath(shown.document.uri),
        mode: this.mode,
        pendingMode: this.pendingMode,
        ...fileFigures(tokens),
        lines: surprisingLines(text, tokens, SURPRISING_LINES),
      };
    } else if (this.lastSummary) {
      this.lastSummary = { ...this.lastSummary, mode: this.mode, pendingMode: this.pendingMode };
    }
    if (this.lastSummary) this.onSummary(this.lastSummary);
  }
}

/** The heatmap's sentence on a llama-server, with the way out: the local engine, one click away. */
async function offerLocalEngine(message: string): Promise<void> {
  const choice = await vscode.window.showInformationMessage(`Llama Lens: ${message}`, USE_LOCAL_ENGINE);
  if (choice === USE_LOCAL_ENGINE) await setBackend('local');
}

const USE_LOCAL_ENGINE = 'Use the Local Engine';
