// Feeds the ring of extra context: a chunk of each file the user opens, leaves or saves. Edits
// are not recorded one by one: the file being typed in is in the prompt already, and its chunks
// would churn the ring (and the prompt's reusable start) on every keystroke.
import * as vscode from 'vscode';
import { ContextRing, formatExtraContext, lineCommentPrefix, type ChunkReason } from '../core/ContextRing';
import type { ExtraContextSource } from './inlineCompletions';

const RING = { maxChunks: 16, chunkLines: 32 };

export class ExtraContextTracker implements ExtraContextSource, vscode.Disposable {
  private readonly ring = new ContextRing(RING);
  private readonly subscriptions: vscode.Disposable[];
  private active: vscode.TextEditor | undefined = vscode.window.activeTextEditor;

  constructor() {
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (this.active) this.record(this.active.document, this.active.selection.active.line, 'edit');
        this.active = editor;
        if (editor) this.record(editor.document, editor.visibleRanges[0]?.start.line ?? 0, 'open');
      }),
      vscode.workspace.onDidSaveTextDocument((document) => {
        const editor = vscode.window.visibleTextEditors.find((candidate) => candidate.document === document);
        this.record(document, editor?.selection.active.line ?? 0, 'save');
      }),
      vscode.workspace.onDidDeleteFiles((event) => event.files.forEach((uri) => this.ring.forget(uri.toString()))),
    ];
  }

  extraFor(document: vscode.TextDocument): string {
    const chunks = this.ring
      .chunksFor(document.uri.toString())
      .map((chunk) => ({ ...chunk, path: vscode.workspace.asRelativePath(vscode.Uri.parse(chunk.path)) }));
    return formatExtraContext(chunks, lineCommentPrefix(document.languageId));
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private record(document: vscode.TextDocument, line: number, reason: ChunkReason): void {
    if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled') return;
    const first = Math.max(0, line - RING.chunkLines);
    const last = Math.min(document.lineCount - 1, line + RING.chunkLines);
    // The ring takes the file's lines by index; only those near the line are read from the document.
    const lines: string[] = new Array<string>(document.lineCount).fill('');
    for (let index = first; index <= last; index++) lines[index] = document.lineAt(index).text;
    this.ring.record(document.uri.toString(), lines, line, reason);
  }
}
