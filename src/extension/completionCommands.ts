// The palette commands of inline completion: trigger (with alternatives), toggle, snooze.
import * as vscode from 'vscode';
import type { CompletionGate } from '../core/completion/CompletionGate';
import { COMMANDS } from './commandIds';
import { setCompletionsEnabled } from './config';

const SNOOZE_CHOICES = [5, 15, 30, 60];

export function registerCompletionCommands(gate: CompletionGate, isEnabled: () => boolean, changed: () => void): vscode.Disposable[] {
  let snoozeTimer: ReturnType<typeof setTimeout> | undefined;
  const clearSnoozeTimer = () => {
    if (snoozeTimer) clearTimeout(snoozeTimer);
    snoozeTimer = undefined;
  };
  return [
    // VS Code's own trigger asks our provider with triggerKind Invoke: the pipeline then offers alternatives.
    vscode.commands.registerCommand(COMMANDS.triggerCompletion, () =>
      vscode.commands.executeCommand('editor.action.inlineSuggest.trigger'),
    ),
    vscode.commands.registerCommand(COMMANDS.toggleCompletions, async () => {
      const snoozed = gate.snoozeEnd(Date.now()) !== undefined;
      gate.resume();
      clearSnoozeTimer();
      // Toggling while snoozed ends the snooze: the user wants suggestions back.
      if (!snoozed || !isEnabled()) await setCompletionsEnabled(!isEnabled());
      changed();
    }),
    vscode.commands.registerCommand(COMMANDS.snoozeCompletions, async (minutesArgument?: unknown) => {
      const minutes = typeof minutesArgument === 'number' && minutesArgument > 0 ? minutesArgument : await pickMinutes();
      if (minutes === undefined) return;
      gate.snooze(Date.now(), minutes);
      clearSnoozeTimer();
      snoozeTimer = setTimeout(changed, minutes * 60_000 + 50);
      changed();
    }),
    { dispose: clearSnoozeTimer },
  ];
}

async function pickMinutes(): Promise<number | undefined> {
  const picked = await vscode.window.showQuickPick(
    SNOOZE_CHOICES.map((minutes) => ({ label: `${minutes} minutes`, minutes })),
    { title: 'Snooze inline completions for…' },
  );
  return picked?.minutes;
}
