// The status bar item: the engine's state at a glance, and a menu on click.
import * as vscode from 'vscode';
import { statusText, type EngineState } from '../core/statusText';
import { COMMANDS } from './commandIds';

export function createStatusBar(initial: EngineState): { update(state: EngineState): void } & vscode.Disposable {
  const item = vscode.window.createStatusBarItem('llamaLens.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Llama Lens';
  item.command = COMMANDS.showStatusMenu;
  const update = (state: EngineState) => {
    const { text, tooltip } = statusText(state);
    item.text = text;
    item.tooltip = tooltip;
    item.backgroundColor = state.kind === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  };
  update(initial);
  item.show();
  return { update, dispose: () => item.dispose() };
}
