// Tells the user which Llama Lens values the open workspace sets but that do not count. VS Code drops them before any
// extension sees them, so this reads the workspace's settings files and compares with what `inspect()` shows: a key
// in a file with no workspace value in VS Code was ignored. The decision and the message are core/settings/.
import * as vscode from 'vscode';
import {
  ignoredSettingsMessage, ignoredWorkspaceSettings, restrictedOverrides, type WorkspaceSettingValue,
} from '../core/settings/settingPolicy';
import { llamaLensKeys } from '../core/settings/settingsFileKeys';
import { affectsLlamaLens, workspaceApplied } from './config';
import { errorMessage } from '../core/text/errorMessage';

/** Reports each distinct set of ignored settings once per window: a warning and a log line. */
export class WorkspaceSettingsReporter {
  private lastReport = '';
  private lastOverrides = '';

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** Reads the settings files again and reports; never throws (a file that cannot be read has no settings). */
  async check(): Promise<void> {
    try {
      const found = await workspaceValues();
      const message = ignoredSettingsMessage(ignoredWorkspaceSettings(found, vscode.workspace.isTrusted)) ?? '';
      if (message !== '' && message !== this.lastReport) {
        this.log.warn(message);
        void vscode.window.showWarningMessage(`Llama Lens: ${message}`);
      }
      this.lastReport = message;
      const overrides = restrictedOverrides(found).join(', ');
      if (overrides !== '' && overrides !== this.lastOverrides) {
        this.log.info(`This trusted workspace sets ${overrides}; its values are in use.`);
      }
      this.lastOverrides = overrides;
    } catch (error) {
      this.log.warn(`Could not read this workspace's settings files: ${errorMessage(error)}`);
    }
  }
}

/**
 * Checks now and whenever the answer may change: settings edited (a dropped value fires no configuration event, so
 * the files are watched too), folders added or removed, or the workspace trusted.
 */
export function watchWorkspaceSettings(log: vscode.LogOutputChannel): vscode.Disposable[] {
  const reporter = new WorkspaceSettingsReporter(log);
  const check = () => void reporter.check();
  const files = vscode.workspace.createFileSystemWatcher('**/{.vscode/settings.json,*.code-workspace}');
  check();
  return [
    files, files.onDidChange(check), files.onDidCreate(check), files.onDidDelete(check),
    vscode.workspace.onDidChangeConfiguration((event) => affectsLlamaLens(event) && check()),
    vscode.workspace.onDidChangeWorkspaceFolders(check),
    vscode.workspace.onDidGrantWorkspaceTrust(check),
  ];
}

/** Every llamaLens key the workspace's settings files set, and whether VS Code applied it at that level. */
async function workspaceValues(): Promise<WorkspaceSettingValue[]> {
  const { workspaceFile, workspaceFolders = [] } = vscode.workspace;
  const values: WorkspaceSettingValue[] = [];
  const multiRoot = workspaceFile !== undefined;
  if (workspaceFile && workspaceFile.scheme !== 'untitled') {
    for (const key of llamaLensKeys(await readText(workspaceFile), true)) values.push({ key, applied: workspaceApplied(key) });
  }
  for (const folder of workspaceFolders) {
    const keys = llamaLensKeys(await readText(vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json')), false);
    // A lone folder's settings are the workspace's settings; in a multi-root workspace they are the folder's.
    for (const key of keys) values.push({ key, applied: workspaceApplied(key, multiRoot ? folder.uri : undefined) });
  }
  return values;
}

async function readText(uri: vscode.Uri): Promise<string> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return '';
  }
}
