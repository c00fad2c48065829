// Ghost text in a real VS Code (code-server in Chromium), from the real engine on the oracle model.
// The expected suggestion is the greedy bigram continuation, computed from the oracle's count table.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCodeServer, type CodeServer } from '../../scripts/lib/codeServer';
import { stageLlamaLens, STATUS_BAR_ID_PREFIX } from '../../scripts/lib/llamaLensStage';
import { generatedModelPath, greedyContinuation, loadOracleTable, tokenizeLikeOracle } from '../support/oracle';
import {
  focusActiveEditor, openFileFromExplorer, openWorkbench, readGhostText, screenshot, statusBarText, waitFor, type Workbench,
} from '../support/workbench';

const MAX_TOKENS = 16;
const HEADER = '// Llama Lens end-to-end test\n';
const TYPED = 'const items = [';

describe('E2E: inline completion in code-server', function () {
  this.timeout(600_000);
  let scratch: string;
  let workspace: string;
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;

  before(async function () {
    scratch = mkdtempSync(join(tmpdir(), 'llama-lens-e2e-completion-'));
    workspace = join(scratch, 'workspace');
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'sample.js'), HEADER);
    server = await startCodeServer({
      workspace,
      extensions: [stageLlamaLens()],
      settings: {
        'llamaLens.modelPath': generatedModelPath('oracle.gguf'),
        'llamaLens.gpu': 'cpu',
        'llamaLens.completions.maxTokens': MAX_TOKENS,
        'llamaLens.completions.maxLines': 1,
        // Large text, so the README's screenshot shows the ghost text clearly.
        'editor.fontSize': 22,
      },
    });
    workbench = await openWorkbench(server.url);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      console.log(`    failure screenshot: ${await screenshot(workbench.page, `completion-failed-${this.currentTest.title}`)}`);
      console.log(`--- extension host log ---\n${server?.extensionHostLog().slice(-4000)}`);
    }
  });

  after(async function () {
    await workbench?.close();
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('shows the greedy continuation as ghost text, and Tab accepts it', async function () {
    assert.ok(workbench);
    const { page } = workbench;
    const table = loadOracleTable();
    const prefixTokens = tokenizeLikeOracle(table, HEADER + TYPED);
    const expected = greedyContinuation(table, prefixTokens[prefixTokens.length - 1] ?? -1, { maxTokens: MAX_TOKENS, stopAtNewline: true }).replace(/[ \t]+$/, '');
    assert.ok(expected.length > 0, 'the chosen prefix must have a non-empty continuation');

    // Typing before the extension is active would trigger no request at all: wait for the loaded model.
    const ready = await waitFor(() => statusBarText(page, STATUS_BAR_ID_PREFIX), {
      timeoutMs: 120_000,
      message: 'the Llama Lens status bar item to report the loaded model',
      until: (text) => /Llama Lens:.*\(cpu\)/.test(text ?? ''),
    });
    assert.match(ready ?? '', /oracle/);
    await openFileFromExplorer(page, 'sample.js');
    await focusActiveEditor(page);
    await page.keyboard.press('Control+End');
    await page.keyboard.type(TYPED);

    const ghost = await waitFor(() => readGhostText(page), { timeoutMs: 90_000, message: `ghost text ${JSON.stringify(expected)}`, until: (text) => text === expected });
    assert.equal(ghost, expected);
    console.log(`    ghost text: ${JSON.stringify(ghost)}; status bar: ${ready}`);
    await screenshot(page, 'inline-completion-ghost-text');

    await page.keyboard.press('Tab');
    await waitFor(() => readGhostText(page), { message: 'the ghost text to be accepted', until: (text) => text === '' || !text.startsWith(expected) });
    await page.keyboard.press('Control+S');
    const file = join(workspace, 'sample.js');
    await waitFor(() => readFileSync(file, 'utf8'), { message: 'sample.js on disk to hold the accepted completion', until: (text) => text === HEADER + TYPED + expected });
  });
});
