// How much of the editor the surprisal heatmap paints, and in which colour, read from the page: shared by the E2E
// suite and `npm run check:new-user`.
import type { Page } from 'playwright-core';
import { SURPRISAL_COLOURS, translucent } from '../../src/core/lens/surprisalScale';

/** Elements of the editor painted in one of the heatmap's colours. */
export function heatmapPaint(page: Page): Promise<number> {
  const colours = SURPRISAL_COLOURS.map((colour) => translucent(colour));
  return page.evaluate((wanted) => Array.from(document.querySelectorAll('.monaco-editor .view-overlays div, .monaco-editor .view-lines span'))
    .filter((element) => wanted.includes(getComputedStyle(element).backgroundColor)).length, colours);
}

/**
 * The heatmap colours painted under one character of the active editor: `column` (0-based) of the rendered line whose
 * text is `lineText`. Read by position, not by element, because VS Code may draw touching ranges of one decoration
 * type as one element.
 */
export function heatmapColoursAt(page: Page, lineText: string, column: number): Promise<string[]> {
  const colours = SURPRISAL_COLOURS.map((colour) => translucent(colour));
  return page.evaluate(({ wanted, lineText, column }) => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor');
    const line = Array.from(editor?.querySelectorAll('.view-lines .view-line') ?? []).find((element) => (element.textContent ?? '').replace(/\u00a0/g, ' ') === lineText);
    if (!editor || !line) throw new Error(`no rendered line ${JSON.stringify(lineText)} in the active editor`);
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    let offset = column;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = node.textContent?.length ?? 0;
      if (offset >= length) {
        offset -= length;
        continue;
      }
      const range = document.createRange();
      range.setStart(node, offset);
      range.setEnd(node, offset + 1);
      const box = range.getBoundingClientRect();
      const [x, y] = [box.left + box.width / 2, box.top + box.height / 2];
      return Array.from(editor.querySelectorAll('.view-overlays div, .view-lines span'))
        .filter((element) => {
          const rect = element.getBoundingClientRect();
          return rect.left <= x && x < rect.right && rect.top <= y && y < rect.bottom;
        })
        .map((element) => getComputedStyle(element).backgroundColor)
        .filter((colour) => wanted.includes(colour));
    }
    throw new Error(`the line ${JSON.stringify(lineText)} has no column ${column}`);
  }, { wanted: colours, lineText, column });
}
