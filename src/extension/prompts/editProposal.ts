// Edit Selection shows its rewrite as a diff of the whole file before anything changes. The two
// sides are read-only virtual documents; Accept replaces the selection in one edit (one undo
// step), and only if the file has not changed since the request.
import * as vscode from 'vscode';

export const PROPOSAL_SCHEME = 'llamalens-edit';
const PENDING_CONTEXT = 'llamaLens.editPending';

interface Proposal {
  document: vscode.TextDocument;
  version: number;
  range: vscode.Range;
  before: string;
  after: string;
  replacement: string;
}

export class EditProposals implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private proposal: Proposal | undefined;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    const proposal = this.proposal;
    if (!proposal) return '';
    return uri.query === 'original' ? proposal.document.getText() : `${proposal.before}${proposal.replacement}${proposal.after}`;
  }

  /**
   * Opens the diff for a rewrite of `range`: `replacement` when it is known (the chat's Apply), else the range as it is
   * until `update` brings the answer as it streams in.
   */
  async open(document: vscode.TextDocument, range: vscode.Range, replacement?: string): Promise<void> {
    await this.clear();
    const text = document.getText();
    this.proposal = {
      document,
      version: document.version,
      range,
      before: text.slice(0, document.offsetAt(range.start)),
      after: text.slice(document.offsetAt(range.end)),
      replacement: replacement ?? document.getText(range),
    };
    await vscode.commands.executeCommand('setContext', PENDING_CONTEXT, true);
    const name = document.uri.path.split('/').pop() ?? 'file';
    await vscode.commands.executeCommand(
      'vscode.diff',
      this.uri('original', name),
      this.uri('proposed', name),
      `${name}: Llama Lens proposed edit`,
      { preview: false },
    );
  }

  update(replacement: string): void {
    if (!this.proposal) return;
    this.proposal.replacement = replacement;
    this.changed.fire(this.uri('proposed', this.proposal.document.uri.path.split('/').pop() ?? 'file'));
  }

  get pending(): boolean {
    return this.proposal !== undefined;
  }

  /** Applies the proposal; says why when it cannot. */
  async accept(): Promise<void> {
    const proposal = this.proposal;
    if (!proposal) return;
    if (proposal.document.isClosed || proposal.document.version !== proposal.version) {
      await this.clear();
      void vscode.window.showWarningMessage(
        'Llama Lens: the file changed after the edit was proposed, so it was not applied. Run the command again.',
      );
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    edit.replace(proposal.document.uri, proposal.range, proposal.replacement);
    await this.clear();
    if (!(await vscode.workspace.applyEdit(edit))) void vscode.window.showErrorMessage('Llama Lens: the editor refused the edit.');
    await vscode.window.showTextDocument(proposal.document);
  }

  async clear(): Promise<void> {
    if (!this.proposal) return;
    this.proposal = undefined;
    await vscode.commands.executeCommand('setContext', PENDING_CONTEXT, false);
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs)
      .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === PROPOSAL_SCHEME);
    if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
  }

  dispose(): void {
    this.changed.dispose();
  }

  private uri(side: 'original' | 'proposed', name: string): vscode.Uri {
    return vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${side}/${name}`, query: side });
  }
}
