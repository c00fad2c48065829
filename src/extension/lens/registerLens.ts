// Wires the Lens view, the heatmap, its hover and their commands.
import * as vscode from 'vscode';
import type { ModelSession } from '../../client/ModelSession';
import type { CompleteResult } from '../../protocol/engineProtocol';
import { isLensPreferences, type HeatmapMode } from '../../protocol/lensProtocol';
import { StoredJson } from '../storedJson';
import { COMMANDS } from '../commandIds';
import { COMPLETION_DOCUMENTS } from '../warmWhenEditing';
import { HeatmapController } from './HeatmapController';
import { HeatmapHover } from './HeatmapHover';
import { LENS_VIEW_ID, LensViewProvider } from './LensViewProvider';

export interface LensWiring {
  disposables: vscode.Disposable[];
  /** True while the Lens is on screen: completions then carry a trace for its inspector. */
  visible(): boolean;
  /** Shows the tokens of the last inline completion in the Lens's inspector. */
  showTrace(result: CompleteResult): void;
  /** The `llamaLens.heatmap.mode` setting changed. */
  setHeatmapMode(mode: HeatmapMode): void;
}

export function registerLens(
  extensionUri: vscode.Uri,
  session: ModelSession,
  log: vscode.LogOutputChannel,
  heatmapMode: HeatmapMode,
  storage: vscode.Uri,
): LensWiring {
  let lens: LensViewProvider | undefined;
  const heatmap = new HeatmapController(session, log, (summary) => lens?.post({ kind: 'heatmap', summary }), heatmapMode);
  lens = new LensViewProvider(extensionUri, session, log, {
    revealLine: (line) => heatmap.revealLine(line),
    setMode: (mode) => void heatmap.setMode(mode),
  }, new StoredJson(storage, 'lens-preferences.json', isLensPreferences, log, "the Lens's preferences"));
  const provider = lens;
  const disposables = [
    heatmap,
    lens,
    // Not kept alive while hidden: the webview restores its tree, sliders and data from its saved state.
    vscode.window.registerWebviewViewProvider(LENS_VIEW_ID, lens, { webviewOptions: { retainContextWhenHidden: false } }),
    vscode.languages.registerHoverProvider(
      COMPLETION_DOCUMENTS,
      new HeatmapHover(session, log, (document) => heatmap.currentScores(document)),
    ),
    vscode.commands.registerCommand(COMMANDS.toggleHeatmap, () => heatmap.toggle()),
    vscode.commands.registerCommand(COMMANDS.showLens, () => vscode.commands.executeCommand(`${LENS_VIEW_ID}.focus`)),
  ];
  return {
    disposables,
    visible: () => provider.visible,
    showTrace: (result) => {
      if (result.trace.length > 0) provider.post({ kind: 'trace', text: result.text, steps: result.trace });
    },
    setHeatmapMode: (mode) => void heatmap.setMode(mode),
  };
}
