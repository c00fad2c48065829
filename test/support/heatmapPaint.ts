// How much of the editor the surprisal heatmap paints, read from the page: shared by the E2E suite and
// `npm run check:new-user`.
import type { Page } from 'playwright-core';
import { SURPRISAL_COLOURS, translucent } from '../../src/core/lens/surprisalScale';

/** Elements of the editor painted in one of the heatmap's colours. */
export function heatmapPaint(page: Page): Promise<number> {
  const colours = SURPRISAL_COLOURS.map((colour) => translucent(colour));
  return page.evaluate((wanted) => Array.from(document.querySelectorAll('.monaco-editor .view-overlays div, .monaco-editor .view-lines span'))
    .filter((element) => wanted.includes(getComputedStyle(element).backgroundColor)).length, colours);
}
