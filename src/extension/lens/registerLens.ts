// Wires the Lens view, the heatmap and their commands.
import * as vscode from 'vscode';
import type { ModelSession } from '../../client/ModelSession';
import type { CompleteResult } from '../../protocol/engineProtocol';
import { COMMANDS } from '../commandIds';
import { HeatmapController } from './HeatmapController';
import { LENS_VIEW_ID, LensViewProvider } from './LensViewProvider';

export interface LensWiring {
  disposables: vscode.Disposable[];
  /** True while the Lens is on screen: completions then carry a trace for its inspector. */
  visible(): boolean;
  /** Shows the tokens of the last inline completion in the Lens's inspector. */
  showTrace(result: CompleteResult): void;
}

export function registerLens(extensionUri: vscode.Uri, session: ModelSession, log: vscode.LogOutputChannel): LensWiring {
  let lens: LensViewProvider | undefined;
  const heatmap = new HeatmapController(session, log, (summary) => lens?.post({ kind: 'heatmap', summary }));
  lens = new LensViewProvider(extensionUri, session, log, (line) => heatmap.revealLine(line));
  const provider = lens;
  const disposables = [
    heatmap,
    lens,
    // Not kept alive while hidden: the webview restores its tree, sliders and data from its saved state.
    vscode.window.registerWebviewViewProvider(LENS_VIEW_ID, lens, { webviewOptions: { retainContextWhenHidden: false } }),
    vscode.commands.registerCommand(COMMANDS.toggleHeatmap, () => heatmap.toggle()),
    vscode.commands.registerCommand(COMMANDS.showLens, () => vscode.commands.executeCommand(`${LENS_VIEW_ID}.focus`)),
  ];
  return {
    disposables,
    visible: () => provider.visible,
    showTrace: (result) => {
      if (result.trace.length > 0) provider.post({ kind: 'trace', text: result.text, steps: result.trace });
    },
  };
}
