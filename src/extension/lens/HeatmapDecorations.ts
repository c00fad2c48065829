// The heatmap's editor decorations: one type per palette level, coloured by the theme colours package.json
// contributes (src/core/lens/heatmapPalette.ts), so they follow the active theme like the Lens's legend does; and one
// more that marks, in the overview ruler, each line holding a token at the hottest levels, so that surprising code
// can be found in a long file at a glance.
import * as vscode from 'vscode';
import { HEATMAP_LEVELS, levelColourId, OVERVIEW_RULER_COLOUR_ID, OVERVIEW_RULER_FROM_LEVEL } from '../../core/lens/heatmapPalette';
import { tokenLevel, type HeatmapMode } from '../../core/lens/heatmapModes';
import type { TokenSurprisal } from '../../protocol/engineProtocol';

export class HeatmapDecorations implements vscode.Disposable {
  private readonly types = Array.from({ length: HEATMAP_LEVELS }, (_, level) => vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor(levelColourId(level)),
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  }));

  /** The ruler's marks alone: no background, so a marked line looks no different in the text. */
  private readonly ruler = vscode.window.createTextEditorDecorationType({
    overviewRulerColor: new vscode.ThemeColor(OVERVIEW_RULER_COLOUR_ID),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
    isWholeLine: true,
  });

  /** Colours `tokens` in `editor` by `mode`; a token the mode cannot place (no rank from a fast pass) stays plain. */
  paint(editor: vscode.TextEditor, mode: HeatmapMode, tokens: readonly TokenSurprisal[]): void {
    const { document } = editor;
    const byLevel: vscode.Range[][] = this.types.map(() => []);
    const rulerLines = new Set<number>();
    for (const token of tokens) {
      const level = tokenLevel(mode, token);
      if (level === undefined) continue;
      const range = new vscode.Range(document.positionAt(token.start), document.positionAt(token.end));
      byLevel[level]?.push(range);
      // A surprising newline or indent says little about its line, as in the Lens's list of surprising lines.
      if (level >= OVERVIEW_RULER_FROM_LEVEL && document.getText(range).trim() !== '') rulerLines.add(range.start.line);
    }
    this.types.forEach((type, level) => editor.setDecorations(type, byLevel[level] ?? []));
    editor.setDecorations(this.ruler, [...rulerLines].map((line) => document.lineAt(line).range));
  }

  clear(editor: vscode.TextEditor): void {
    for (const type of [...this.types, this.ruler]) editor.setDecorations(type, []);
  }

  dispose(): void {
    for (const type of [...this.types, this.ruler]) type.dispose();
  }
}
