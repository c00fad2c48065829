// Reaching into the Lens webview from Playwright, and reading the numbers it shows.
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
