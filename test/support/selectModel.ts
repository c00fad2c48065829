// "Llama Lens: Select Model…" as a user drives it: read the picker's rows, pick a file.
import type { Page } from 'playwright-core';
import { runCommandThatAsks, SELECTORS, waitFor } from './workbench';

export interface PickerRow {
  label: string;
  description: string;
  detail: string;
}

export function pickerRows(page: Page): Promise<PickerRow[]> {
  return page.evaluate((rowSelector) => Array.from(document.querySelectorAll(rowSelector)).map((row) => ({
    label: (row.querySelector('.label-name')?.textContent ?? '').replace(/\u00a0/g, ' ').trim(),
    description: (row.querySelector('.label-description')?.textContent ?? '').trim(),
    detail: (row.textContent ?? '').replace(/\u00a0/g, ' ').trim(),
  })), SELECTORS.quickInputRows);
}

/** Picks `file` (a name in the models folder) once the picker lists it with its inspected facts. */
export async function pickModel(page: Page, file: string): Promise<void> {
  await runCommandThatAsks(page, 'Llama Lens: Select Model…', 'Llama Lens: Select Model');
  await waitFor(() => pickerRows(page), {
    timeoutMs: 60_000,
    message: `the picker to list ${file} with its facts`,
    until: (rows) => rows.some((row) => row.label === file && /needs/.test(row.detail)),
  });
  const exact = new RegExp(`^\\s*${file.replace(/[.]/g, '\\.')}\\s*$`);
  await page.locator(SELECTORS.quickInputRows).filter({ has: page.locator('.label-name', { hasText: exact }) }).first().click();
  await page.locator(SELECTORS.quickInput).first().waitFor({ state: 'hidden' });
}
