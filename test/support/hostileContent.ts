// Checks that model output holding markup stayed text in a webview: no element was made from it and no script of it
// ran. Shared by the Lens's and the chat's security tests.
import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { Workbench } from './workbench';

/** Where the init script below records calls to the dialog functions inside webview frames. */
const DIALOG_LOG = '__llamaLensDialogCalls';

/**
 * Runs in every document as it loads. A webview's content frame starts as about:blank, whose window the page VS Code
 * writes into it keeps, so the recorder installed there is still in place under the webview's page. It is needed
 * because that frame is sandboxed without allow-modals: a real alert() there would fail silently and never reach
 * Playwright's 'dialog' event.
 */
function recordDialogCalls(log: string): void {
  if (window === window.top || Object.prototype.hasOwnProperty.call(window, log)) return;
  const calls: string[] = [];
  Object.defineProperty(window, log, { value: calls });
  for (const name of ['alert', 'confirm', 'prompt'] as const) {
    Object.defineProperty(window, name, { value: (...args: unknown[]) => void calls.push(`${name}(${args.map(String).join(', ')})`) });
  }
}

/** Installs the recorder in every frame the context loads from now on. */
async function recordDialogCallsInFrames(context: BrowserContext): Promise<void> {
  await context.addInitScript(recordDialogCalls, DIALOG_LOG);
}

/** The dialog calls recorded in the page that holds `body` (throws when the recorder is not there). */
export function dialogCallsIn(body: Locator): Promise<string[]> {
  return body.evaluate((_, log) => {
    const calls = (window as unknown as Record<string, unknown>)[log];
    if (!Array.isArray(calls)) throw new Error('the dialog recorder is not installed in this page');
    return calls.map(String);
  }, DIALOG_LOG);
}

/** `img` elements in every frame but the workbench's own (the webviews' outer and content frames). */
export async function imagesInFrames(page: Page): Promise<number> {
  let count = 0;
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    count += await frame.evaluate(() => document.querySelectorAll('img').length).catch(() => 0); // A detached frame has none.
  }
  return count;
}

/** What a page did that hostile content could make it do: dialogs that opened, and Content Security Policy reports. */
export interface PageIncidents {
  dialogs: string[];
  cspErrors: string[];
}

/** Records dialog calls in webview frames (see recordDialogCalls), real dialogs (dismissed) and CSP reports. */
export async function watchForIncidents(workbench: Workbench): Promise<PageIncidents> {
  const incidents: PageIncidents = { dialogs: [], cspErrors: [] };
  await recordDialogCallsInFrames(workbench.context);
  workbench.page.on('dialog', (dialog) => {
    incidents.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  workbench.page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) incidents.cspErrors.push(`${message.location().url}: ${message.text()}`);
  });
  return incidents;
}
