// A small JSON file in the extension's storage folder for the workspace (the Lens's preferences, the chat's history).
// Not workspaceState: in a browser-hosted VS Code that is flushed by the page, and a reload can outrun it.
import * as vscode from 'vscode';
import type { Guard } from '../protocol/guards';

export class StoredJson<T> {
  private writing: Promise<void> = Promise.resolve();

  /** `folder`: the extension's storage for this workspace, or its global storage when no folder is open. */
  constructor(
    private readonly folder: vscode.Uri,
    private readonly name: string,
    private readonly guard: Guard<T>,
    private readonly log: vscode.LogOutputChannel,
    /** What it holds, for the log, e.g. "the Lens's preferences". */
    private readonly what: string,
  ) {}

  /** The saved value, or undefined when there is none or the file is not ours (validated like a message). */
  async read(): Promise<T | undefined> {
    await this.writing;
    try {
      const parsed: unknown = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(this.file())));
      if (this.guard(parsed)) return parsed;
      this.log.warn(`Ignored ${this.what} in ${this.file().fsPath}: the file is not one Llama Lens wrote.`);
    } catch {
      // Not saved yet, or unreadable: start from the defaults.
    }
    return undefined;
  }

  /** Writes one after another, so that the last change is the one that stays. */
  write(value: T): Promise<void> {
    return this.queue(async () => {
      await vscode.workspace.fs.createDirectory(this.folder);
      await vscode.workspace.fs.writeFile(this.file(), new TextEncoder().encode(JSON.stringify(value)));
    });
  }

  /** Removes the file: nothing of it is left on disk. */
  delete(): Promise<void> {
    return this.queue(async () => {
      try {
        await vscode.workspace.fs.delete(this.file());
      } catch (error) {
        if (!(error instanceof vscode.FileSystemError && error.code === 'FileNotFound')) throw error;
      }
    });
  }

  private queue(step: () => Promise<void>): Promise<void> {
    this.writing = this.writing.then(step).catch((error: unknown) => this.log.warn(`Could not save ${this.what}: ${String(error)}`));
    return this.writing;
  }

  private file(): vscode.Uri {
    return vscode.Uri.joinPath(this.folder, this.name);
  }
}
