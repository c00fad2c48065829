// The Lens's preferences (bar scale, collapsed sections) in a small file in the extension's storage folder for the
// workspace. Not workspaceState: in a browser-hosted VS Code that is flushed by the page, and a reload can outrun it.
import * as vscode from 'vscode';
import { isLensPreferences, type LensPreferences } from '../../protocol/lensProtocol';

const FILE_NAME = 'lens-preferences.json';

export class LensPreferencesFile {
  private writing: Promise<void> = Promise.resolve();

  /** `folder`: the extension's storage for this workspace, or its global storage when no folder is open. */
  constructor(private readonly folder: vscode.Uri, private readonly log: vscode.LogOutputChannel) {}

  /** The saved preferences, or undefined when there are none or the file is not ours (validated like a message). */
  async read(): Promise<LensPreferences | undefined> {
    await this.writing;
    try {
      const parsed: unknown = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(this.file())));
      return isLensPreferences(parsed) ? parsed : undefined;
    } catch {
      return undefined; // Not saved yet, or unreadable: the Lens starts with its defaults.
    }
  }

  /** Writes one after another, so that the last change is the one that stays. */
  write(preferences: LensPreferences): Promise<void> {
    this.writing = this.writing.then(async () => {
      await vscode.workspace.fs.createDirectory(this.folder);
      await vscode.workspace.fs.writeFile(this.file(), new TextEncoder().encode(JSON.stringify(preferences)));
    }).catch((error: unknown) => this.log.warn(`Could not save the Lens's preferences: ${String(error)}`));
    return this.writing;
  }

  private file(): vscode.Uri {
    return vscode.Uri.joinPath(this.folder, FILE_NAME);
  }
}
