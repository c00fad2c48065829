// Reading the heatmap's hover as a user sees it: move the mouse over a character, wait for the editor's hover to show
// Llama Lens's text, read its figures and its list of likeliest tokens, then move away until it closes.
import type { Page } from 'playwright-core';
import { characterCentre } from './heatmapPaint';
import { SELECTORS, waitFor } from './workbench';

export interface ShownHover {
  text: string;
  probability: number;
  rank: number | null;
  entropyBits: number | null;
  /** The list of likeliest tokens: each token's text as shown in its code span, its probability, and the mark. */
  alternatives: { text: string; probability: number; actual: boolean }[];
  /** `img` elements anywhere in the editor's hover: any would mean a token's text became markup. */
  images: number;
}

/** "42.17%", "0.0946%", "1.00e-7%" → a probability. */
export function shownPercent(text: string): number {
  return Number.parseFloat(text.replace('%', '')) / 100;
}

const EDITOR_HOVER = '.monaco-hover:not(.workbench-hover)';

async function readHover(page: Page): Promise<ShownHover | undefined> {
  const read = await page.evaluate((selector) => {
    const shown = Array.from(document.querySelectorAll<HTMLElement>(selector)).filter((element) => element.getClientRects().length > 0);
    // Other hover providers (the language's own) may add their parts to the same hover: read ours alone.
    const hover = shown.flatMap((element) => Array.from(element.querySelectorAll<HTMLElement>('.rendered-markdown')))
      .find((part) => (part.textContent ?? '').startsWith('Llama Lens'));
    if (!hover) return undefined;
    const items = Array.from(hover.querySelectorAll('li')).map((item) => ({
      code: item.querySelector('code')?.textContent ?? '',
      text: item.textContent ?? '',
    }));
    const images = shown.reduce((count, element) => count + element.querySelectorAll('img').length, 0);
    return { text: (hover.textContent ?? '').replace(/\u00a0/g, ' '), items, images };
  }, EDITOR_HOVER);
  if (!read || !/Likeliest here|could not be computed/.test(read.text)) return undefined;
  const probability = /probability ([\d.e+-]+%)/.exec(read.text);
  const rank = /rank (\d+)/.exec(read.text);
  const entropy = /entropy here ([\d.]+) bits/.exec(read.text);
  return {
    text: read.text,
    probability: probability ? shownPercent(probability[1] ?? '') : Number.NaN,
    rank: rank ? Number(rank[1]) : null,
    entropyBits: entropy ? Number(entropy[1]) : null,
    alternatives: read.items.map((item) => ({
      text: item.code,
      probability: shownPercent(/([\d.e+-]+%)/.exec(item.text.slice(item.text.indexOf(item.code) + item.code.length))?.[1] ?? ''),
      actual: item.text.includes('← this token'),
    })),
    images: read.images,
  };
}

/**
 * Hovers the character at `column` of the rendered line `lineText` and returns Llama Lens's hover once complete, after
 * `whileShown` (a screenshot, say) has run.
 */
export async function hoverCharacter(
  page: Page,
  lineText: string,
  column: number,
  whileShown: () => Promise<unknown> = async () => undefined,
): Promise<ShownHover> {
  const { x, y } = await characterCentre(page, lineText, column);
  await page.mouse.move(x, y);
  const shown = await waitFor(() => readHover(page), {
    timeoutMs: 60_000,
    message: `Llama Lens's hover over ${JSON.stringify(lineText[column])} in ${JSON.stringify(lineText)}`,
  });
  if (!shown) throw new Error('unreachable: waitFor returns a hover');
  await whileShown();
  await moveAway(page);
  return shown;
}

/** Moves the mouse to an empty spot of the editor area and waits for the hover to close. */
async function moveAway(page: Page): Promise<void> {
  const area = await page.locator(SELECTORS.editorPart).first().boundingBox();
  if (!area) throw new Error('the editor area is not on screen');
  await page.mouse.move(area.x + area.width * 0.7, area.y + area.height * 0.8);
  await waitFor(
    () =>
      page
        .locator(EDITOR_HOVER)
        .evaluateAll(
          (hovers) =>
            hovers.filter((hover) => hover.getClientRects().length > 0 && (hover.textContent ?? '').includes('Llama Lens')).length,
        ),
    {
      message: 'the hover to close once the mouse left the token',
      until: (count) => count === 0,
    },
  );
}
