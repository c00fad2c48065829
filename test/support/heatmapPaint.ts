// How much of the editor the heatmap paints, and with which of its colour levels, read from the page: shared by the
// E2E suite and `npm run check:new-user`. The levels are theme colours, so their values are read from the workbench.
import type { Page } from 'playwright-core';
import { parseColour } from '../../src/core/lens/colourContrast';
import { colourCssVariable, HEATMAP_LEVELS, levelCssVariable, OVERVIEW_RULER_COLOUR_ID } from '../../src/core/lens/heatmapPalette';

/** The computed value of CSS variables (theme colours) in the workbench's current theme, as 'rgb(…)' / 'rgba(…)'. */
function themeColours(page: Page, variables: readonly string[]): Promise<string[]> {
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

/** The computed background of each heatmap level (index = level) in the workbench's current theme. */
export function heatmapLevelColours(page: Page): Promise<string[]> {
  return themeColours(page, Array.from({ length: HEATMAP_LEVELS }, (_, level) => levelCssVariable(level)));
}

/** The colour of the heatmap's marks in the overview ruler, in the current theme. */
export async function overviewRulerColour(page: Page): Promise<string> {
  const [colour] = await themeColours(page, [colourCssVariable(OVERVIEW_RULER_COLOUR_ID)]);
  if (colour === undefined) throw new Error('no overview ruler colour');
  return colour;
}

/**
 * The heatmap levels of the editor elements painted with one, in all editors or (`at`, a point of the page) under one
 * point of the active editor. A transparent level (level 0, by default) has no colour to look for: an element counts
 * as painted at it when one of VS Code's decoration rules (the `.ced-…` classes it generates) sets that transparent
 * background, so an expected token still tells "painted at level 0" from "not painted at all".
 */
async function paintedLevels(page: Page, at: { x: number; y: number } | null): Promise<number[]> {
  const colours = await heatmapLevelColours(page);
  return page.evaluate(({ colours, at }) => {
    const declared = new Set<string>();
    for (const sheet of Array.from(document.styleSheets)) {
      let rules: CSSRuleList;
      try {
        rules = sheet.cssRules;
      } catch {
        continue; // Another origin's sheet: not VS Code's decorations.
      }
      for (const rule of Array.from(rules)) {
        if (!(rule instanceof CSSStyleRule) || rule.style.backgroundColor === '') continue;
        for (const match of rule.selectorText.matchAll(/\.(ced-[\w-]+)/g)) if (match[1]) declared.add(match[1]);
      }
    }
    const scope = at ? document.querySelector('.editor-group-container.active .monaco-editor') : document.body;
    const within = (element: Element) => {
      if (!at) return true;
      const rect = element.getBoundingClientRect();
      return rect.left <= at.x && at.x < rect.right && rect.top <= at.y && at.y < rect.bottom;
    };
    return Array.from(scope?.querySelectorAll('.monaco-editor .view-overlays div, .monaco-editor .view-lines span') ?? [])
      .filter(within)
      .map((element) => {
        const level = colours.indexOf(getComputedStyle(element).backgroundColor);
        if (level < 0 || !/^rgba\(.*,\s*0\)$/.test(colours[level] ?? '')) return level;
        return Array.from(element.classList).some((name) => declared.has(name)) ? level : -1;
      })
      .filter((level) => level >= 0);
  }, { colours, at });
}

/** Elements of the editors painted in one of the heatmap's levels. */
export async function heatmapPaint(page: Page): Promise<number> {
  return (await paintedLevels(page, null)).length;
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
  return paintedLevels(page, await characterCentre(page, lineText, column));
}

/** The active editor's background and text colours (editor.background, editor.foreground) as the page computes them. */
export function editorColours(page: Page): Promise<{ background: string; foreground: string }> {
  return page.evaluate(() => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor');
    if (!editor) throw new Error('no active editor');
    return {
      background: getComputedStyle(editor.querySelector('.monaco-editor-background') ?? editor).backgroundColor,
      foreground: getComputedStyle(editor).color,
    };
  });
}

export interface RulerLine {
  /** The rendered line's text. */
  text: string;
  /** The share of the line's rows of the overview ruler that hold a pixel of the wanted colour: 0 to 1. */
  share: number;
}

/**
 * Reads the active editor's overview ruler (a canvas) for marks of `colour`, line by rendered line. VS Code maps the
 * whole scrollable height (that of the `.view-lines` element) onto the canvas, so a line's rows are its offset there
 * times canvas height / scrollable height; two rows at each end are left out, where a neighbour's mark may reach.
 */
export async function overviewRulerMarks(page: Page, colour: string): Promise<RulerLine[]> {
  const { rgb, alpha } = parseColour(colour);
  return page.evaluate(({ rgb, alpha }) => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor');
    const canvas = editor?.querySelector('canvas.decorationsOverviewRuler');
    const lines = editor?.querySelector('.view-lines');
    const context = canvas instanceof HTMLCanvasElement ? canvas.getContext('2d') : null;
    if (!(canvas instanceof HTMLCanvasElement) || !context || !(lines instanceof HTMLElement)) {
      throw new Error('the active editor has no overview ruler or no lines');
    }
    const { data, width } = context.getImageData(0, 0, canvas.width, canvas.height);
    const wanted = [...rgb, Math.round(alpha * 255)];
    const rowMarked = (row: number) => {
      for (let x = 0; x < width; x++) {
        const pixel = (row * width + x) * 4;
        if (wanted.every((value, channel) => Math.abs((data[pixel + channel] ?? -99) - value) <= 2)) return true;
      }
      return false;
    };
    const content = lines.getBoundingClientRect();
    const scale = canvas.height / (Number.parseFloat(lines.style.height) || content.height);
    return Array.from(lines.querySelectorAll('.view-line')).map((line) => {
      const box = line.getBoundingClientRect();
      const from = Math.floor((box.top - content.top) * scale) + 2;
      const to = Math.min(canvas.height, Math.floor((box.bottom - content.top) * scale) - 2);
      let marked = 0;
      for (let row = from; row < to; row++) if (rowMarked(row)) marked++;
      return { text: (line.textContent ?? '').replace(/\u00a0/g, ' '), share: to > from ? marked / (to - from) : 0 };
    });
  }, { rgb, alpha });
}
