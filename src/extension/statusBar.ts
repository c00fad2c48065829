// The status bar item: the engine's state at a glance, completion figures in its tooltip, and a
// menu on click.
import * as vscode from 'vscode';
import { statsTooltip, type CompletionStatsSnapshot } from '../core/completion/CompletionStats';
import { statusText } from './statusText';
import { type EngineState } from '../client/engineState';
import { COMMANDS } from './commandIds';

export interface CompletionView {
  enabled: boolean;
  /** When a snooze ends (ms since the epoch), if one is running. */
  snoozeEnd: number | undefined;
  stats: CompletionStatsSnapshot;
}

export interface StatusBar extends vscode.Disposable {
  update(state: EngineState): void;
  updateCompletions(view: CompletionView): void;
}

export function createStatusBar(initial: EngineState, initialView: CompletionView): StatusBar {
  const item = vscode.window.createStatusBarItem('llamaLens.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Llama Lens';
  item.command = COMMANDS.showStatusMenu;
  let state = initial;
  let view = initialView;
  const render = () => {
    const { text, tooltip } = statusText(state);
    const paused =
      view.snoozeEnd !== undefined ? ` $(bell-slash) until ${clockTime(view.snoozeEnd)}` : view.enabled ? '' : ' $(circle-slash) off';
    item.text = text + paused;
    item.tooltip = [tooltip, '', completionLine(view), statsTooltip(view.stats)].join('\n');
    item.backgroundColor = state.kind === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  };
  render();
  item.show();
  return {
    update: (next) => {
      state = next;
      render();
    },
    updateCompletions: (next) => {
      view = next;
      render();
    },
    dispose: () => item.dispose(),
  };
}

function completionLine(view: CompletionView): string {
  if (view.snoozeEnd !== undefined) return `Inline completions snoozed until ${clockTime(view.snoozeEnd)}.`;
  return view.enabled ? 'Inline completions on.' : 'Inline completions off ("Toggle Completions" turns them on).';
}

function clockTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
