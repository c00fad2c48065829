// The one welcome a new user gets: with no model configured, a single notification that leads to the
// walkthrough or straight to Select Model. It is recorded as shown before it appears, so it never nags
// again, whatever the user clicks, even if the window closes while it is up.
import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';

const WELCOMED_KEY = 'llamaLens.welcomed';
export const WALKTHROUGH_ID = 'llama-lens.llama-lens#llamaLens.gettingStarted';

export async function welcomeOnce(state: vscode.Memento, hasModel: boolean, log: vscode.LogOutputChannel): Promise<void> {
  if (hasModel) return;
  if (state.get<boolean>(WELCOMED_KEY)) {
    log.info('No model is configured. The welcome was shown before, so it is not shown again: run "Llama Lens: Select Model…".');
    return;
  }
  await state.update(WELCOMED_KEY, true);
  log.info('No model is configured: showing the welcome, once.');
  const choice = await vscode.window.showInformationMessage(
    'Llama Lens runs a code model on this machine and needs one to start: choose a GGUF file you have, or download one.',
    'Get Started',
    'Select Model…',
  );
  if (choice === 'Get Started') await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
  else if (choice === 'Select Model…') await vscode.commands.executeCommand(COMMANDS.selectModel);
}
