// A new user's first run, in a real VS Code (code-server in Chromium): with no model configured,
// opening a file activates Llama Lens, which shows one welcome notification; "Get Started" opens the
// walkthrough, whose steps lead to Select Model. After a reload the welcome is not shown again.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { outputChannelLog } from '../../scripts/lib/codeServer';
import { STATUS_BAR_ID_PREFIX } from '../../scripts/lib/llamaLensStage';
import { useCodeServer } from '../support/e2eSession';
import { openFileFromExplorer, screenshot, SELECTORS, statusBarText, waitFor } from '../support/workbench';

const WELCOME = /Llama Lens runs a code model on this machine/;
const STEPS = ['Choose or download a model', 'Try a completion', 'Open the Lens', 'Try the surprisal heatmap'];

/** The Llama Lens log of every extension host session so far. */
function llamaLensLog(userDataDir: string): string {
  return outputChannelLog(userDataDir, 'Llama Lens');
}

function welcomeToasts(page: Page): Promise<string[]> {
  return page
    .locator('.notifications-toasts .notification-toast')
    .allInnerTexts()
    .then((texts) => texts.filter((text) => WELCOME.test(text)));
}

describe('E2E: first run without a model', function () {
  this.timeout(600_000);
  const session = useCodeServer('first-run', { 'hello.js': 'function hello() {\n}\n' }, () => ({ 'llamaLens.modelPath': undefined }));

  it('welcomes once, and Get Started opens the walkthrough whose first step runs Select Model', async function () {
    const { workbench } = session();
    const { page } = workbench;
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: WELCOME }).first();
    await toast.waitFor({ state: 'visible', timeout: 60_000 });
    await toast.locator('.monaco-button', { hasText: 'Get Started' }).click();

    const walkthrough = page.locator('.gettingStartedContainer').first();
    await walkthrough.getByText('Get Started with Llama Lens').first().waitFor({ state: 'visible', timeout: 30_000 });
    for (const step of STEPS) await walkthrough.getByText(step, { exact: true }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await screenshot(page, 'walkthrough');
    // The first step is open; its button runs the command.
    await walkthrough.locator('.monaco-button, a', { hasText: 'Select Model…' }).first().click();
    await page
      .locator(SELECTORS.quickInputTitle, { hasText: 'Llama Lens: Select Model' })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Escape');
    assert.equal((await welcomeToasts(page)).length, 0, 'the welcome went away when answered');

    await page.reload();
    await page.locator(SELECTORS.workbench).first().waitFor({ state: 'visible', timeout: 60_000 });
    await openFileFromExplorer(page, 'hello.js');
    await waitFor(() => statusBarText(page, STATUS_BAR_ID_PREFIX), {
      timeoutMs: 60_000,
      message: 'Llama Lens to activate again after the reload',
      until: (text) => /Llama Lens/.test(text ?? ''),
    });
    // The decision is logged either way; once it is, the welcome has (or has not) been asked for.
    await waitFor(() => llamaLensLog(session().server.userDataDir), {
      timeoutMs: 60_000,
      message: 'the second activation to decide not to welcome again',
      until: (log) => /welcome was shown before, so it is not shown again/.test(log),
    });
    assert.equal((await welcomeToasts(page)).length, 0, 'no second welcome after the reload');
    assert.equal(
      (llamaLensLog(session().server.userDataDir).match(/showing the welcome, once/g) ?? []).length,
      1,
      'the welcome was shown exactly once',
    );
  });
});
