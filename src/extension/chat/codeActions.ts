// What the chat's code blocks do in the editor. Insert at Cursor replaces the selection (or inserts at the cursor) in
// one undo step. Apply shows the code as a diff first, through the same proposals as Edit Selection: it replaces the
// selection when there is one, else the whole file, and Accept applies it in one undo step.
import * as vscode from 'vscode';
import type { CodeAction } from '../../protocol/chatViewProtocol';
import type { EditProposals } from '../prompts/editProposal';

/** The editor the user last worked in: the chat view has focus when a button in it is clicked. */
export function targetEditor(): vscode.TextEditor | undefined {
  return vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
}

export async function runCodeAction(action: CodeAction, code: string, proposals: EditProposals): Promise<void> {
  if (action === 'copy') return vscode.env.clipboard.writeText(code);
  const editor = targetEditor();
  if (!editor) return void vscode.window.showInformationMessage('Llama Lens: open a file to put the code in.');
  if (action === 'insert') {
    const { selection } = editor;
    const done = await editor.edit((builder) => builder.replace(selection, code));
    if (!done) void vscode.window.showErrorMessage('Llama Lens: the editor refused the edit.');
    return;
  }
  const { document, selection } = editor;
  const range = selection.isEmpty ? new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)) : selection;
  // A fence drops the code's last newline: the replaced text keeps its own.
  const ending = document.getText(range).endsWith('\n') && !code.endsWith('\n') ? '\n' : '';
  await proposals.open(document, range, code + ending);
}
