// The palette commands of the skeleton: the status menu, the log, choosing a model file, restart.
import * as vscode from 'vscode';
import type { ModelSession } from '../client/ModelSession';
import { COMMANDS } from './commandIds';
import { setModelPath } from './config';
import { errorMessage } from '../core/text/errorMessage';

export function registerCommands(session: ModelSession, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.showLog, () => log.show(true)),
    vscode.commands.registerCommand(COMMANDS.selectModelFile, () => selectModelFile()),
    vscode.commands.registerCommand(COMMANDS.restartEngine, () => restartEngine(session, log)),
    vscode.commands.registerCommand(COMMANDS.showStatusMenu, () => showStatusMenu()),
  ];
}

async function showStatusMenu(): Promise<void> {
  const choices = [
    { label: '$(sparkle) Trigger Completion', command: COMMANDS.triggerCompletion },
    { label: '$(circle-slash) Toggle Completions', command: COMMANDS.toggleCompletions },
    { label: '$(bell-slash) Snooze Completions…', command: COMMANDS.snoozeCompletions },
    { label: '$(output) Show Log', command: COMMANDS.showLog },
    { label: '$(library) Select Model…', command: COMMANDS.selectModel },
    { label: '$(debug-restart) Restart Engine', command: COMMANDS.restartEngine },
  ];
  const picked = await vscode.window.showQuickPick(choices, { title: 'Llama Lens' });
  if (picked) await vscode.commands.executeCommand(picked.command);
}

async function selectModelFile(): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Select a GGUF model file',
    canSelectMany: false,
    filters: { 'GGUF models': ['gguf'] },
  });
  const file = picked?.[0];
  if (file) await setModelPath(file.fsPath);
}

async function restartEngine(session: ModelSession, log: vscode.LogOutputChannel): Promise<void> {
  try {
    const info = await session.restart();
    if (info) log.info(`Engine restarted with ${info.name}.`);
  } catch (error) {
    const message = errorMessage(error);
    log.error(`Restart failed: ${message}`);
    void vscode.window.showErrorMessage(`Llama Lens: ${message}`);
  }
}
