// Generate at Cursor streams code in where the cursor was. All chunks form one undo step: only
// the first edit opens an undo stop, and the last one closes it.
import * as vscode from 'vscode';
import { EditStream } from './editStream';

export class CursorInsert {
  private offset: number;
  private first = true;
  readonly stream: EditStream;

  constructor(private readonly editor: vscode.TextEditor, at: vscode.Position) {
    this.offset = editor.document.offsetAt(at);
    this.stream = new EditStream((text) => this.insert(text));
  }

  /** Closes the undo step once everything is in. */
  async finish(): Promise<void> {
    await this.stream.flush();
    if (!this.first) await this.editor.edit(() => undefined, { undoStopBefore: false, undoStopAfter: true });
  }

  private async insert(text: string): Promise<boolean> {
    const position = this.editor.document.positionAt(this.offset);
    const applied = await this.editor.edit((builder) => builder.insert(position, text), {
      undoStopBefore: this.first,
      undoStopAfter: false,
    });
    if (applied) {
      this.first = false;
      this.offset += text.length;
    }
    return applied;
  }
}
