// Ask and Explain answer into a new Markdown document beside the editor, streamed as it arrives.
import * as vscode from 'vscode';
import { EditStream } from './editStream';

export interface StreamTarget {
  stream: EditStream;
  document: vscode.TextDocument;
}

export async function openMarkdownAnswer(heading: string): Promise<StreamTarget> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: `## ${heading}\n\n` });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
  const stream = new EditStream((text) => {
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, document.lineAt(document.lineCount - 1).range.end, text);
    return vscode.workspace.applyEdit(edit);
  });
  return { stream, document };
}
