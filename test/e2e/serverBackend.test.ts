// The llama-server backend in a real VS Code (code-server in Chromium): a real llama-server on 127.0.0.1 serves the
// oracle-answers model (a bigram oracle with FIM tokens and Llama-2's chat template), behind an API key that only the
// "Set Server API Key" command can give the extension. Every expected text and probability is the oracle's closed form.
import * as assert from 'node:assert/strict';
import { STATUS_BAR_ID_PREFIX } from '../../scripts/lib/llamaLensStage';
import { startLlamaServer, type RunningLlamaServer } from '../../scripts/lib/llamaServerProcess';
import { EXACT_COMPLETION_SETTINGS, expectedSuggestion } from '../support/exactCompletion';
import { startFaultyProxy, type FaultyProxy } from '../support/faultyProxy';
import { expectTopRows, lensFrame } from '../support/lensFrame';
import { makeTestCertificates, type TestCertificates } from '../support/selfSignedCert';
import { typeAtEndOf, useCodeServer, waitForFileText, waitForLoadedModel } from '../support/e2eSession';
import {
  generatedModelPath, greedyContinuation, lastOracleToken, loadOracleTable, nextTokenDistribution,
} from '../support/oracle';
import {
  allEditorTexts, answerInputBox, focusActiveEditor, openFileFromExplorer, readGhostText, runCommand, runCommandThatAsks, saveWithKeyboard,
  screenshot, statusBarText, statusBarTooltip, waitFor,
} from '../support/workbench';

const API_KEY = 'llama-lens-e2e-key-5f1d';
const TYPED = 'let ';
const LENS_TYPED = 'let y=';

describe('E2E: the llama-server backend in code-server', function () {
  this.timeout(600_000);
  const table = loadOracleTable(generatedModelPath('oracle-answers.table.json'));
  let llama: RunningLlamaServer | undefined;
  const host = () => new URL(llama?.url ?? 'http://unset').host;

  // Registered before useCodeServer's hooks, so the server is up when code-server reads its settings.
  before(async function () {
    llama = await startLlamaServer({ model: generatedModelPath('oracle-answers.gguf'), contextSize: 2048, apiKey: API_KEY });
  });
  after(async function () {
    await llama?.stop();
  });

  const session = useCodeServer('server', { 'sample.js': '' }, () => ({
    'llamaLens.backend': 'server',
    'llamaLens.server.url': llama?.url,
    // For the switch to the local engine: ignored while the backend is the server.
    'llamaLens.modelPath': generatedModelPath('oracle.gguf'),
    ...EXACT_COMPLETION_SETTINGS,
    'llamaLens.prompts.temperature': 0,
    'llamaLens.prompts.maxTokens': 24,
    'editor.fontSize': 18,
  }));

  it('without its key the server is refused with the command to run; with it, the status bar names the server and model', async function () {
    const { workbench } = session();
    const { page } = workbench;
    const refused = await waitFor(() => statusBarTooltip(page, STATUS_BAR_ID_PREFIX), {
      timeoutMs: 120_000, message: 'the status bar to say the key is missing', until: (tooltip) => /Set Server API Key/.test(tooltip),
    });
    assert.ok(!refused.includes(API_KEY));
    await runCommandThatAsks(page, 'Llama Lens: Set Server API Key', 'Llama Lens: llama-server API key');
    await answerInputBox(page, API_KEY);
    const ready = await waitFor(() => statusBarText(page, STATUS_BAR_ID_PREFIX), {
      timeoutMs: 120_000,
      message: `the status bar to name oracle-answers.gguf on ${host()}`,
      until: (text) => (text ?? '').includes(`Llama Lens: oracle-answers.gguf (${host()})`),
    });
    const tooltip = await statusBarTooltip(page, STATUS_BAR_ID_PREFIX);
    assert.ok(tooltip.includes(`Server: ${llama?.url ?? ''} (llama-server)`), tooltip);
    console.log(`    status bar: ${ready ?? ''}`);
    await screenshot(page, 'server-status-bar');
  });

  it('shows the server\'s greedy continuation as ghost text, and Tab accepts it', async function () {
    const { workbench, workspace } = session();
    const { page } = workbench;
    const expected = expectedSuggestion(table, TYPED);
    assert.ok(expected.length > 0, 'the typed prefix must have a continuation');
    await typeAtEndOf(workbench, 'sample.js', TYPED);
    await waitFor(() => readGhostText(page), {
      timeoutMs: 90_000, message: `ghost text ${JSON.stringify(expected)}`, until: (text) => text === expected,
    });
    await screenshot(page, 'server-ghost-text');
    await page.keyboard.press('Tab');
    await waitFor(() => readGhostText(page), { message: 'the ghost text to be accepted', until: (text) => !text.startsWith(expected) });
    await saveWithKeyboard(page);
    await waitForFileText(workspace, 'sample.js', TYPED + expected);
    const counters = await statusBarTooltip(page, STATUS_BAR_ID_PREFIX);
    assert.match(counters, /\d+ tokens evaluated, \d+ reused/, 'the tooltip reports the tokens the server evaluated');
  });

  it('the Lens lists the closed-form top tokens from the server and says the tail is not known exactly', async function () {
    const { workbench } = session();
    const { page } = workbench;
    await focusActiveEditor(page);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(LENS_TYPED);
    await runCommand(page, 'Llama Lens: Open the Lens');
    const lens = lensFrame(page);
    const expected = nextTokenDistribution(table, lastOracleToken(table, LENS_TYPED));
    await expectTopRows(page, expected);
    const note = lens.locator('[data-testid="tail-note"]');
    await note.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await note.textContent()) ?? '', /tail is not known exactly/);
    await screenshot(page, 'server-lens');
  });

  it('Ask streams the server\'s chat answer into a Markdown document', async function () {
    const { workbench } = session();
    const { page } = workbench;
    // llama-server's Llama-2 template ends the prompt with " [/INST]" (no space after it): the answer continues from there.
    const answer = greedyContinuation(table, lastOracleToken(table, ' [/INST]'), { maxTokens: 24, stopAtNewline: false });
    assert.match(answer, /^ y=x\+1;\nlet y=x\+1;/, 'the oracle answers with its corpus line');
    await focusActiveEditor(page); // F1 reaches the workbench from an editor, not always from the Lens's webview.
    await runCommandThatAsks(page, 'Llama Lens: Ask…', 'Llama Lens: Ask');
    await answerInputBox(page, 'What is y?');
    const heading = '## What is y?';
    await waitFor(() => allEditorTexts(page), {
      timeoutMs: 120_000,
      message: `a Markdown document with the heading and the answer ${JSON.stringify(answer)}`,
      until: (texts) => texts.some((text) => text.startsWith(heading) && text.slice(heading.length).trim() === answer.trim()),
    });
    await screenshot(page, 'server-ask');
  });

  it('Clear Server API Key forgets the key at once: the server refuses the next probe until the key is set again', async function () {
    const { workbench } = session();
    const { page } = workbench;
    await focusActiveEditor(page);
    await runCommand(page, 'Llama Lens: Clear Server API Key');
    await waitFor(() => statusBarTooltip(page, STATUS_BAR_ID_PREFIX), {
      timeoutMs: 120_000, message: 'the status bar to say the key is missing again', until: (tooltip) => /Set Server API Key/.test(tooltip),
    });
    await runCommandThatAsks(page, 'Llama Lens: Set Server API Key', 'Llama Lens: llama-server API key');
    await answerInputBox(page, API_KEY);
    await waitFor(() => statusBarText(page, STATUS_BAR_ID_PREFIX), {
      timeoutMs: 120_000, message: 'the status bar to name the server again', until: (text) => (text ?? '').includes(`(${host()})`),
    });
  });

  it('the heatmap says it needs the local engine, and its button switches to it with no reload', async function () {
    const { workbench } = session();
    const { page } = workbench;
    await focusActiveEditor(page);
    await runCommand(page, 'View: Show Explorer');
    await openFileFromExplorer(page, 'sample.js');
    await runCommand(page, 'Llama Lens: Show Surprisal Heatmap');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'llama-server does not return it' });
    await toast.first().waitFor({ state: 'visible', timeout: 60_000 });
    await screenshot(page, 'server-heatmap-needs-local');
    // The refused pass leaves no progress behind.
    const scoring = page.locator('.notifications-toasts .notification-toast', { hasText: 'scoring sample.js' });
    await waitFor(() => scoring.count(), { timeoutMs: 30_000, message: 'the "scoring" progress to close', until: (count) => count === 0 });
    await toast.first().getByRole('button', { name: 'Use the Local Engine' }).click();
    const local = await waitForLoadedModel(workbench);
    assert.match(local, /Llama Lens: .*oracle.*\(cpu\)/);
  });
});

describe('E2E: the llama-server backend over https, with a certificate authority the extension host was given', function () {
  this.timeout(600_000);
  const table = loadOracleTable(generatedModelPath('oracle-answers.table.json'));
  let certificates: TestCertificates | undefined;
  let llama: RunningLlamaServer | undefined;
  let proxy: FaultyProxy | undefined;

  before(async function () {
    certificates = makeTestCertificates();
    llama = await startLlamaServer({ model: generatedModelPath('oracle-answers.gguf'), contextSize: 2048 });
    proxy = await startFaultyProxy(llama.url, certificates);
  });
  after(async function () {
    await proxy?.close();
    await llama?.stop();
    certificates?.dispose();
  });

  const session = useCodeServer(
    'server-https',
    { 'sample.js': '' },
    () => ({ 'llamaLens.backend': 'server', 'llamaLens.server.url': proxy?.url, ...EXACT_COMPLETION_SETTINGS }),
    // Node's way to add an authority, as a company's root would come from the system store through VS Code.
    () => ({ env: { NODE_EXTRA_CA_CERTS: certificates?.caFile ?? '' } }),
  );

  it('names the https server in the status bar and shows its greedy continuation as ghost text', async function () {
    const { workbench } = session();
    const { page } = workbench;
    const host = new URL(proxy?.url ?? 'https://unset').host;
    await waitFor(() => statusBarText(page, STATUS_BAR_ID_PREFIX), {
      timeoutMs: 120_000, message: `the status bar to name ${host}`, until: (text) => (text ?? '').includes(`(${host})`),
    });
    const expected = expectedSuggestion(table, TYPED);
    await typeAtEndOf(workbench, 'sample.js', TYPED);
    await waitFor(() => readGhostText(page), {
      timeoutMs: 90_000, message: `ghost text ${JSON.stringify(expected)} over https`, until: (text) => text === expected,
    });
    assert.ok(proxy?.seen.includes('/completion'), 'the completion went through the https proxy');
  });
});
