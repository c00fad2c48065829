// Reaching into the Lens webview from Playwright, and reading the numbers it shows.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { runCommand, waitFor } from './workbench';

/** The Lens's content: VS Code nests a webview's page in an inner frame of its own iframe. */
export function lensFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** "42.17%" → 0.4217. */
export function percent(text: string | null): number {
  return Number.parseFloat((text ?? '').replace('%', '')) / 100;
}

/**
 * Runs "Open the Lens" and waits until its page has rendered. The view takes the keyboard focus once its page has
 * loaded: a key pressed before then (F1 for the next command) can lose the focus to it.
 */
export async function openLens(page: Page): Promise<void> {
  await runCommand(page, 'Llama Lens: Open the Lens');
  await lensFrame(page).locator('[data-testid="status"]').waitFor({ state: 'attached', timeout: 60_000 });
  await waitFor(() => page.evaluate(() => document.activeElement?.tagName ?? ''), {
    message: 'the Lens to take the keyboard focus',
    until: (tag) => tag === 'IFRAME',
  });
}

/** Display rounding of "42.17%" plus the engine's float error. */
export const PERCENT_TOLERANCE = 0.00006;

/**
 * Waits for the Lens's first `count` top rows and checks each against the closed form `expected` (indexed by token
 * id): the token's own probability, and the value that belongs at its rank (tied tokens may list in either order).
 */
export async function expectTopRows(page: Page, expected: ArrayLike<number>, count = 5): Promise<void> {
  const sorted = Array.from(expected).sort((a, b) => b - a);
  const rows = lensFrame(page).locator('[data-testid="top-row"]');
  await waitFor(() => rows.count(), { timeoutMs: 60_000, message: 'the Lens to list the top tokens', until: (shown) => shown >= count });
  for (let rank = 0; rank < count; rank++) {
    const row = rows.nth(rank);
    const id = Number(await row.getAttribute('data-token-id'));
    const shown = percent(await row.locator('[data-testid="raw-prob"]').textContent());
    const own = expected[id] ?? NaN;
    assert.ok(Math.abs(shown - own) <= PERCENT_TOLERANCE, `rank ${rank + 1}: token ${id} shows ${shown}, closed form ${own}`);
    assert.ok(Math.abs(shown - (sorted[rank] ?? NaN)) <= PERCENT_TOLERANCE, `rank ${rank + 1} holds ${shown}, not ${sorted[rank]}`);
  }
}

/** The Lens page's own width and how wide its content is: scrollWidth past clientWidth means a horizontal scroll. */
export async function lensPageWidths(page: Page): Promise<{ client: number; scroll: number }> {
  return lensFrame(page).locator('html').evaluate((html) => ({ client: html.clientWidth, scroll: html.scrollWidth }));
}

/**
 * Drags the side bar's edge until the Lens page is `width` CSS pixels wide (the page is a little narrower than the side
 * bar that holds it, so the drag is corrected by what the page reports). The side bar is on the left, as by default.
 */
export async function setLensWidth(page: Page, width: number): Promise<void> {
  await waitFor(async () => {
    const { client } = await lensPageWidths(page);
    if (client === width) return client;
    const bar = await page.locator('.part.sidebar').boundingBox();
    if (!bar) return client;
    const edge = bar.x + bar.width;
    // The sash straddles the edge, and the webview lies over its left half: grab it by its right half, over the editor.
    const sashes = await page.locator('.monaco-sash.vertical:not(.disabled)').evaluateAll((elements) =>
      elements.map((element) => element.getBoundingClientRect()).map(({ right, top, height }) => ({ right, middle: top + height / 2 })));
    const sash = sashes.find(({ right }) => right > edge && right - edge <= 6);
    if (!sash) return client;
    await page.mouse.move(sash.right - 1, sash.middle);
    await page.mouse.down();
    await page.mouse.move(sash.right - 1 + (width - client), sash.middle, { steps: 4 });
    await page.mouse.up();
    return (await lensPageWidths(page)).client;
  }, { message: `the Lens to be ${width} px wide`, until: (client) => client === width });
}
