// Activation never loads a model. The model starts loading once there is code to complete (an editor
// on a file or a new buffer), so the first suggestion does not wait for it.
import * as vscode from 'vscode';

/** Where completions are offered: files and new buffers, not output panes, the SCM input or other virtual documents. */
export const COMPLETION_DOCUMENTS: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }];

export function warmWhenEditing(warm: () => void): vscode.Disposable {
  let started = false;
  const check = (editor: vscode.TextEditor | undefined): void => {
    if (started || !editor || vscode.languages.match(COMPLETION_DOCUMENTS, editor.document) === 0) return;
    started = true;
    warm();
  };
  const listener = vscode.window.onDidChangeActiveTextEditor(check);
  // After activate() has returned: an editor is usually open already when the extension activates.
  const timer = setTimeout(() => check(vscode.window.activeTextEditor), 0);
  return { dispose: () => { listener.dispose(); clearTimeout(timer); } };
}
