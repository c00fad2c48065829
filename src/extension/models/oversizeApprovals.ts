// Models the user chose to load although they need more memory than this machine has. Kept for
// the window's lifetime only: a refusal is the safe default the next time.
import * as vscode from 'vscode';

export class OversizeApprovals {
  private readonly paths = new Set<string>();

  allows(path: string): boolean {
    return this.paths.has(path);
  }

  /** Asks in a modal; remembers a yes. */
  async ask(path: string, why: string): Promise<boolean> {
    const choice = await vscode.window.showWarningMessage(
      `Llama Lens: ${why}`,
      { modal: true, detail: 'Loading it anyway may make this machine swap heavily or stop responding.' },
      'Load Anyway',
    );
    if (choice !== 'Load Anyway') return false;
    this.paths.add(path);
    return true;
  }
}
