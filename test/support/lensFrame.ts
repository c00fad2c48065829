// Reaching into the Lens webview from Playwright, and reading the numbers it shows.
import type { FrameLocator, Page } from 'playwright-core';

/** The Lens's content: VS Code nests a webview's page in an inner frame of its own iframe. */
export function lensFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** "42.17%" → 0.4217. */
export function percent(text: string | null): number {
  return Number.parseFloat((text ?? '').replace('%', '')) / 100;
}
