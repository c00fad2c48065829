// Proves the E2E harness on its own, with no Llama Lens code involved: a real code-server (VS Code 1.139.1)
// driven by Playwright in Debian's Chromium.
//   1. With only the integration-runner extension installed: the workbench renders, a file opened from the
//      explorer takes typed text, Ctrl+S writes it to disk, a Command Palette command runs, and the integration
//      suite runs inside the real extension host with every test passing.
//   2. With a tiny generated fixture extension: the helpers read multi-line ghost text and status bar items.
// Needs: node esbuild.config.mjs && node out/scripts/setupE2e.js
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CodeServer, startCodeServer } from '../../scripts/lib/codeServer';
import {
  type IntegrationRunResult,
  integrationRunnerEnv,
  readIntegrationResults,
  stageIntegrationRunner,
} from '../support/integrationRunner';
import {
  type Workbench,
  activeEditorIsDirty,
  focusActiveEditor,
  openFileFromExplorer,
  openWorkbench,
  readGhostText,
  runCommand,
  saveWithKeyboard,
  screenshot,
  statusBarText,
  visibleEditorText,
  waitFor,
  waitForGhostText,
} from '../support/workbench';

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** Shared by both suites: dump what explains a failure, then close the browser and stop the server. */
async function tearDown(failed: boolean, workbench: Workbench | undefined, server: CodeServer | undefined): Promise<void> {
  if (failed && server) {
    console.log(
      `--- extension host log ---\n${server.extensionHostLog().slice(-6000)}\n--- code-server output ---\n${server.serverOutput()}`,
    );
  }
  await workbench?.close();
  await server?.stop();
}

describe('E2E harness: code-server + Chromium + in-host integration runner', function () {
  this.timeout(600_000);

  let scratch = '';
  let workspace = '';
  let resultsFile = '';
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let anyFailed = false;

  before(async function () {
    scratch = mkdtempSync(join(tmpdir(), 'llama-lens-e2e-harness-'));
    workspace = join(scratch, 'workspace');
    resultsFile = join(scratch, 'integration-results.json');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'hello.js'), '// hello from the harness\n');
    const runner = stageIntegrationRunner();
    const started = Date.now();
    try {
      server = await startCodeServer({
        workspace,
        extensions: [runner],
        // Only the harness's own suite: the others need the Llama Lens extension installed.
        env: integrationRunnerEnv(resultsFile, '^integration smoke '),
      });
    } finally {
      rmSync(runner, { recursive: true, force: true }); // Installed by copying: the staging folder is done with.
    }
    console.log(`    code-server answered /healthz in ${seconds(started)} at ${server.url}`);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    anyFailed = true;
    if (workbench) {
      const file = await screenshot(workbench.page, `harness-failed-${this.currentTest.title}`).catch(() => undefined);
      if (file) console.log(`    screenshot of the failure: ${file}`);
    }
  });

  after(async function () {
    await tearDown(anyFailed, workbench, server);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('renders the workbench, types into a file from the explorer and saves it with Ctrl+S', async function () {
    assert.ok(server);
    const started = Date.now();
    workbench = await openWorkbench(server.url);
    console.log(`    workbench and explorer rendered in ${seconds(started)}`);
    const { page } = workbench;

    await openFileFromExplorer(page, 'hello.js');
    await waitFor(() => visibleEditorText(page), {
      message: 'hello.js to be shown in the editor',
      until: (text) => text.includes('hello from the harness'),
    });
    await focusActiveEditor(page);
    await page.keyboard.press('Control+End');
    // Brackets and quotes: the default test settings turn auto-closing off, so this lands exactly as typed.
    const typed = 'const typed = "by (playwright) [in] {code-server}";';
    await page.keyboard.type(typed);
    await waitFor(() => visibleEditorText(page), { message: 'the typed text to be rendered', until: (text) => text.includes(typed) });
    await saveWithKeyboard(page);

    const file = join(workspace, 'hello.js');
    const onDisk = await waitFor(() => readFileSync(file, 'utf8'), {
      message: `${file} to hold the typed text after Ctrl+S`,
      until: (text) => text.includes(typed),
    });
    assert.equal(onDisk, `// hello from the harness\n${typed}`);
    console.log(`    typed, saved and found on disk after ${seconds(started)}`);
  });

  it('runs a command from the Command Palette (File: Revert File)', async function () {
    assert.ok(workbench, 'needs the workbench from the previous test');
    const { page } = workbench;
    await focusActiveEditor(page);
    await page.keyboard.type(' // not saved');
    await waitFor(() => activeEditorIsDirty(page), { message: 'the editor to become dirty' });
    await runCommand(page, 'File: Revert File');
    await waitFor(() => visibleEditorText(page), {
      message: 'the unsaved text to be reverted',
      until: (text) => !text.includes('not saved'),
    });
    await waitFor(async () => !(await activeEditorIsDirty(page)), { message: 'the editor to be clean after reverting' });
  });

  it('runs the integration suite inside the real extension host', async function () {
    assert.ok(server && workbench);
    const live = server;
    const results = await waitFor<IntegrationRunResult | undefined>(() => readIntegrationResults(resultsFile), {
      timeoutMs: 120_000,
      message: `the integration runner to write ${resultsFile}`,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n--- extension host log ---\n${live.extensionHostLog().slice(-4000)}`);
    });
    assert.ok(results);
    console.log(`    results (settings reached the extension host via: ${String((results as { source?: unknown }).source)}):`);
    for (const test of results.tests) {
      console.log(`    [${test.state}] ${test.title}${test.durationMs !== undefined ? ` (${test.durationMs} ms)` : ''}`);
      if (test.error) console.log(test.error.replace(/^/gm, '      '));
    }
    const failed = results.tests.filter((t) => t.state === 'failed').map((t) => t.title);
    assert.equal(results.failed, 0, `integration tests failed: ${failed.join(', ')}`);
    // The grep leaves the smoke suite: every test it selects passes, none is skipped.
    assert.deepEqual([results.passed, results.pending], [results.total, 0], `passed and pending of ${results.total} selected tests`);
    assert.ok(results.total >= 2, `the smoke suite's tests were selected: ${results.total}`);

    const { page } = workbench;
    const status = await waitFor(() => statusBarText(page, 'llama-lens-test.integration-runner'), {
      message: "the runner's status bar item to show the results",
      until: (text) => text !== undefined && /passed/.test(text),
    });
    assert.equal(status, `Integration tests: ${results.passed} passed, 0 failed`);
    const shot = await screenshot(page, 'harness-editor');
    console.log(`    screenshot: ${shot}`);
  });
});

/** A fixture extension, written as plain JavaScript: a status bar item and one multi-line inline completion. */
function writeGhostFixture(folder: string): void {
  mkdirSync(folder, { recursive: true });
  const manifest = {
    name: 'ghost-fixture',
    publisher: 'llama-lens-test',
    version: '0.0.1',
    engines: { vscode: '^1.90.0' },
    main: './extension.js',
    activationEvents: ['onStartupFinished'],
  };
  writeFileSync(join(folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    join(folder, 'extension.js'),
    `const vscode = require('vscode');
exports.activate = (context) => {
  const item = vscode.window.createStatusBarItem('state', vscode.StatusBarAlignment.Left, 100);
  item.text = 'Ghost fixture: ready';
  item.show();
  context.subscriptions.push(item);
  context.subscriptions.push(vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, {
    provideInlineCompletionItems(document, position) {
      const prefix = document.lineAt(position.line).text.slice(0, position.character);
      if (!prefix.endsWith('function ghost')) return [];
      // An explicit empty range at the cursor: shown as ghost text, not as an inline edit.
      return [new vscode.InlineCompletionItem('ly(a, b) {\\n  return "a  b";\\n}', new vscode.Range(position, position))];
    },
  }));
};
`,
  );
}

describe('E2E harness: ghost text and status bar helpers', function () {
  this.timeout(600_000);

  let scratch = '';
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let anyFailed = false;

  before(async function () {
    scratch = mkdtempSync(join(tmpdir(), 'llama-lens-e2e-ghost-'));
    const workspace = join(scratch, 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'ghost.js'), '// ghost text fixture\n');
    writeGhostFixture(join(scratch, 'ghost-fixture'));
    server = await startCodeServer({ workspace, extensions: [join(scratch, 'ghost-fixture')] });
    workbench = await openWorkbench(server.url);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    anyFailed = true;
    if (workbench) await screenshot(workbench.page, `harness-failed-${this.currentTest.title}`).catch(() => undefined);
  });

  after(async function () {
    await tearDown(anyFailed, workbench, server);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('reads a status bar item by its id prefix', async function () {
    assert.ok(workbench);
    const text = await waitFor(() => statusBarText(workbench!.page, 'llama-lens-test.ghost-fixture.'), {
      message: "the fixture's status bar item",
    });
    assert.equal(text, 'Ghost fixture: ready');
    assert.equal(await statusBarText(workbench.page, 'no-such-extension.'), undefined);
  });

  it('reads multi-line ghost text, and Tab accepts it', async function () {
    assert.ok(workbench);
    const { page } = workbench;
    await openFileFromExplorer(page, 'ghost.js');
    await focusActiveEditor(page);
    await page.keyboard.press('Control+End');
    await page.keyboard.type('function ghost');
    const expected = 'ly(a, b) {\n  return "a  b";\n}';
    const ghost = await waitForGhostText(page, { message: 'the fixture suggestion as ghost text', until: (text) => text === expected });
    assert.equal(ghost, expected);
    await screenshot(page, 'harness-ghost-text');
    await page.keyboard.press('Tab');
    await waitFor(() => visibleEditorText(page), {
      message: 'the accepted suggestion in the editor',
      until: (text) => text.includes('function ghostly(a, b) {\n  return "a  b";\n}'),
    });
    await waitFor(() => readGhostText(page), { message: 'the ghost text to disappear after Tab', until: (text) => text === '' });
  });
});
