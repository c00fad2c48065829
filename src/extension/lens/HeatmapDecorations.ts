// The heatmap's editor decorations: one type per palette level, coloured by the theme colours package.json
// contributes (src/core/lens/heatmapPalette.ts), so they follow the active theme like the Lens's legend does.
import * as vscode from 'vscode';
import { HEATMAP_LEVELS, levelColourId } from '../../core/lens/heatmapPalette';
import { tokenLevel, type HeatmapMode } from '../../core/lens/heatmapModes';
import type { TokenSurprisal } from '../../protocol/engineProtocol';

export class HeatmapDecorations implements vscode.Disposable {
  private readonly types = Array.from({ length: HEATMAP_LEVELS }, (_, level) => vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor(levelColourId(level)),
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  }));

  /** Colours `tokens` in `editor` by `mode`; a token the mode cannot place (no rank from a fast pass) stays plain. */
  paint(editor: vscode.TextEditor, mode: HeatmapMode, tokens: readonly TokenSurprisal[]): void {
    const byLevel: vscode.Range[][] = this.types.map(() => []);
    for (const token of tokens) {
      const level = tokenLevel(mode, token);
      if (level === undefined) continue;
      byLevel[level]?.push(new vscode.Range(editor.document.positionAt(token.start), editor.document.positionAt(token.end)));
    }
    this.types.forEach((type, level) => editor.setDecorations(type, byLevel[level] ?? []));
  }

  clear(editor: vscode.TextEditor): void {
    for (const type of this.types) editor.setDecorations(type, []);
  }

  dispose(): void {
    for (const type of this.types) type.dispose();
  }
}
