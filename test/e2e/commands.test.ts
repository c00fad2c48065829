// The status menu, Show Log, Select Model File and the "Load Anyway" answer to an oversize model, in a real VS Code
// (code-server in Chromium): each as a user reaches it, checked by what shows on screen.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { outputChannelLog } from '../../scripts/lib/codeServer';
import { STATUS_BAR_ID_PREFIX } from '../../scripts/lib/llamaLensStage';
import { useCodeServer, waitForLoadedModel, waitForModelFile } from '../support/e2eSession';
import { chooseInFileDialog } from '../support/fileDialog';
import { generatedModelPath } from '../support/oracle';
import { writeSparseOversizeModel } from '../support/oversizeModel';
import { runCommand, runCommandThatAsks, screenshot, SELECTORS, statusBarTooltip, waitFor } from '../support/workbench';

interface PanelOutput {
  /** The channel the Output view's picker has selected ('' when the panel is closed). */
  channel: string;
  /** The visible text of the panel's editors. */
  text: string;
}

function panelOutput(page: Page): Promise<PanelOutput> {
  return page.evaluate(() => {
    const panel = document.querySelector('.part.panel');
    if (!panel || panel.getClientRects().length === 0) return { channel: '', text: '' };
    const picker = panel.querySelector<HTMLSelectElement>('select.monaco-select-box');
    const editors = Array.from(panel.querySelectorAll('.monaco-editor')).filter((editor) => editor.getClientRects().length > 0);
    return {
      channel: picker?.selectedOptions[0]?.textContent?.trim() ?? '',
      text: editors.map((editor) => (editor.querySelector('.view-lines')?.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n'),
    };
  });
}

/** The Output view shows the "Llama Lens" channel, whose first line is the extension's own activation message. */
const showsLlamaLensLog = (output: PanelOutput) => output.channel === 'Llama Lens' && output.text.includes('Activated in');

const menuLabels = (page: Page) => page.locator(`${SELECTORS.quickInputRows} .label-name`).allTextContents();

describe('E2E: the status menu, the log and choosing a model file in code-server', function () {
  this.timeout(600_000);
  let scratch: string | undefined;
  // The workspace also tries to choose the model, where models are kept and a server to send the code to: machine
  // settings, which VS Code ignores there, and Llama Lens must say so.
  const workspaceSettings = {
    'llamaLens.modelPath': '/workspace-chosen/evil.gguf',
    'llamaLens.modelsFolder': '/workspace-chosen',
    'llamaLens.backend': 'server',
    'llamaLens.server.url': 'http://workspace-chosen.invalid:8080',
  };
  const session = useCodeServer('commands', {
    'notes.js': '// notes\n',
    '.vscode/settings.json': JSON.stringify(workspaceSettings, null, 2),
  }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle.gguf'),
    'llamaLens.gpu': 'cpu',
    'llamaLens.completions.enabled': false,
  }));

  after(() => scratch && rmSync(scratch, { recursive: true, force: true }));

  it('tells the user that the model path, models folder and server the workspace sets are ignored, and keeps the user model', async function () {
    const { page } = session().workbench;
    const { server } = session();
    const warning = 'This workspace sets Llama Lens settings that are ignored: '
      + 'llamaLens.backend, llamaLens.modelPath, llamaLens.modelsFolder, llamaLens.server.url '
      + '(only your user settings choose the model, the server your code is sent to, where models are kept and where binaries come from).';
    await waitFor(() => outputChannelLog(server.userDataDir, 'Llama Lens'), {
      message: 'the warning in the log',
      until: (log) => log.includes(warning),
    });
    await runCommand(page, 'Notifications: Show Notifications');
    const center = page.locator('.notifications-center .notification-list-item').filter({ hasText: `Llama Lens: ${warning}` });
    await center.first().waitFor({ state: 'visible', timeout: 30_000 });
    await runCommand(page, 'Notifications: Hide Notifications');
    // The model of the user settings, not the workspace's.
    await waitForModelFile(page, generatedModelPath('oracle.gguf'));
  });

  it('Show Log reveals the "Llama Lens" output channel', async function () {
    const { page } = session().workbench;
    await waitForLoadedModel(session().workbench);
    assert.deepEqual(await panelOutput(page), { channel: '', text: '' }, 'no panel before the command');
    await runCommand(page, 'Llama Lens: Show Log');
    await waitFor(() => panelOutput(page), { message: 'the Llama Lens log in the panel', until: showsLlamaLensLog });
    await runCommand(page, 'View: Toggle Panel Visibility');
    await waitFor(() => panelOutput(page), { message: 'the panel to close', until: (output) => output.text === '' });
  });

  it('the status bar item opens the menu, whose Show Log runs', async function () {
    const { page } = session().workbench;
    await page.locator(`${SELECTORS.statusBarItem}[id^="${STATUS_BAR_ID_PREFIX}"]`).first().click();
    await waitFor(() => page.locator(SELECTORS.quickInputTitle).allTextContents(), {
      message: 'the menu titled Llama Lens',
      until: (titles) => titles.some((t) => t.trim() === 'Llama Lens'),
    });
    const labels = await waitFor(() => menuLabels(page), {
      message: 'the menu to offer Show Log, Select Model… and Restart Engine',
      until: (shown) => ['Show Log', 'Select Model…', 'Restart Engine'].every((entry) => shown.some((label) => label.trim() === entry)),
    });
    console.log(`    status menu: ${JSON.stringify(labels.map((label) => label.trim()))}`);
    await screenshot(page, 'status-menu');
    await page
      .locator(SELECTORS.quickInputRows)
      .filter({ has: page.locator('.label-name', { hasText: /^\s*Show Log\s*$/ }) })
      .first()
      .click();
    await waitFor(() => panelOutput(page), { message: 'the Llama Lens log in the panel', until: showsLlamaLensLog });
  });

  it('Select Model File opens a file dialog, and the GGUF chosen there is loaded', async function () {
    const { page } = session().workbench;
    const model = generatedModelPath('oracle-words.gguf');
    await runCommandThatAsks(page, 'Llama Lens: Select Model File…', 'Select a GGUF model file');
    await chooseInFileDialog(page, model);
    await waitForModelFile(page, model);
  });

  it('offers Load Anyway for a model too large for this machine, and then lets llama.cpp try it', async function () {
    const { server, workbench: { page } } = session();
    scratch = mkdtempSync(join(tmpdir(), 'llama-lens-e2e-oversize-'));
    const model = join(scratch, 'oversize.gguf');
    writeSparseOversizeModel(model);
    await runCommandThatAsks(page, 'Llama Lens: Select Model File…', 'Select a GGUF model file');
    await chooseInFileDialog(page, model);
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'oversize.gguf is too large for this machine' });
    await dialog.waitFor({ state: 'visible', timeout: 120_000 });
    await screenshot(page, 'load-anyway');
    await dialog.getByRole('button', { name: 'Load Anyway' }).click();
    // Past the size check, llama.cpp itself refuses the file (it lacks output_norm.weight). Read from the log file,
    // since a question asked again would be modal and hide the status bar.
    const tried = `Could not load ${model}`;
    await waitFor(
      async () => ({
        askedAgain: await dialog.isVisible(),
        llamaCppTried: outputChannelLog(server.userDataDir, 'Llama Lens').includes(tried),
      }),
      {
        timeoutMs: 120_000,
        message: 'llama.cpp to be given the file, with no second question',
        until: (state) => state.llamaCppTried && !state.askedAgain,
      },
    );
    const tooltip = await statusBarTooltip(page, STATUS_BAR_ID_PREFIX);
    assert.ok(tooltip.includes(tried), `the status bar reports llama.cpp's refusal: ${tooltip}`);
    assert.doesNotMatch(tooltip, /too large/);
  });
});
