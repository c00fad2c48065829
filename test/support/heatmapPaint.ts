// How much of the editor the heatmap paints, and with which of its colour levels, read from the page: shared by the
// E2E suite and `npm run check:new-user`. The levels are theme colours, so their values are read from the workbench.
import type { Page } from 'playwright-core';
import { HEATMAP_LEVELS, levelCssVariable } from '../../src/core/lens/heatmapPalette';

/** The computed background of each heatmap level (index = level) in the workbench's current theme. */
export function heatmapLevelColours(page: Page): Promise<string[]> {
  const variables = Array.from({ length: HEATMAP_LEVELS }, (_, level) => levelCssVariable(level));
  return page.evaluate((names) => {
    const host = document.querySelector('.monaco-workbench') ?? document.body;
    return names.map((name) => {
      const probe = document.createElement('div');
      probe.style.backgroundColor = `var(${name})`;
      host.appendChild(probe);
      const colour = getComputedStyle(probe).backgroundColor;
      probe.remove();
      return colour;
    });
  }, variables);
}

/** Elements of the editor painted in one of the heatmap's colours. */
export async function heatmapPaint(page: Page): Promise<number> {
  const colours = await heatmapLevelColours(page);
  return page.evaluate(
    (wanted) =>
      Array.from(document.querySelectorAll('.monaco-editor .view-overlays div, .monaco-editor .view-lines span')).filter((element) =>
        wanted.includes(getComputedStyle(element).backgroundColor),
      ).length,
    colours,
  );
}

/** The centre of one character of the active editor: `column` (0-based) of the rendered line whose text is `lineText`. */
export function characterCentre(page: Page, lineText: string, column: number): Promise<{ x: number; y: number }> {
  return page.evaluate(({ lineText, column }) => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor');
    const line = Array.from(editor?.querySelectorAll('.view-lines .view-line') ?? []).find(
      (element) => (element.textContent ?? '').replace(/\u00a0/g, ' ') === lineText,
    );
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
      return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
    }
    throw new Error(`the line ${JSON.stringify(lineText)} has no column ${column}`);
  }, { lineText, column });
}

/**
 * The heatmap levels painted under one character of the active editor. Read by position, not by element, because VS
 * Code may draw touching ranges of one decoration type as one element.
 */
export async function heatmapLevelsAt(page: Page, lineText: string, column: number): Promise<number[]> {
  const colours = await heatmapLevelColours(page);
  const { x, y } = await characterCentre(page, lineText, column);
  const painted = await page.evaluate(({ x, y }) => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor');
    return Array.from(editor?.querySelectorAll('.view-overlays div, .view-lines span') ?? [])
      .filter((element) => {
        const rect = element.getBoundingClientRect();
        return rect.left <= x && x < rect.right && rect.top <= y && y < rect.bottom;
      })
      .map((element) => getComputedStyle(element).backgroundColor);
  }, { x, y });
  return painted.map((colour) => colours.indexOf(colour)).filter((level) => level >= 0);
}
