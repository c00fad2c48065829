// VS Code's own file dialog as code-server shows it in the browser: a quick input holding a path, listing a folder.
import type { Page } from 'playwright-core';
import { SELECTORS, waitFor } from './workbench';

/** Types `path` into the open file dialog, waits until it lists the file, and presses Enter (OK). */
export async function chooseInFileDialog(page: Page, path: string, timeoutMs = 30_000): Promise<void> {
  const input = page.locator(SELECTORS.quickInputBox).first();
  const rows = () => page.locator(`${SELECTORS.quickInputRows} .label-name`).allTextContents();
  // The dialog opens on a folder and lists it ('..' first) before it takes typing.
  await waitFor(async () => ({ value: await input.inputValue(), rows: await rows() }), {
    timeoutMs,
    message: 'the file dialog to list a folder',
    until: ({ value, rows: listed }) => value.endsWith('/') && listed.some((row) => row.trim() === '..'),
  });
  await input.fill(path);
  const name = path.split('/').pop() ?? path;
  await waitFor(rows, {
    timeoutMs,
    message: `the file dialog to show ${name}`,
    until: (listed) => listed.some((row) => row.trim() === name),
  });
  await page.keyboard.press('Enter');
  await page.locator(SELECTORS.quickInput).first().waitFor({ state: 'hidden', timeout: timeoutMs });
}
