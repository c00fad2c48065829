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
      { modal: true, detail: 'It may stop this machine responding for a while. Load Anyway holds for this model until the window closes.' },
      'Load Anyway',
    );
    if (choice !== 'Load Anyway') return false;
    this.paths.add(path);
    return true;
  }
}
