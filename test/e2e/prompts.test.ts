// Palette prompts in a real VS Code (code-server in Chromium) on the oracle-answers model (a
// bigram oracle with Llama-2's chat template). Whatever the prompt, its greedy answer is the chain
// that follows the prompt's last token (the space after [/INST]), computed here from the count table.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { useCodeServer, waitForFileText, waitForLoadedModel } from '../support/e2eSession';
import { generatedModelPath, greedyContinuation, loadOracleTable, oracleTokenWithText } from '../support/oracle';
import {
  activeEditorIsDirty,
  allEditorTexts,
  answerInputBox,
  focusActiveEditor,
  openFileFromExplorer,
  runCommand,
  runCommandThatAsks,
  saveWithKeyboard,
  screenshot,
  visibleEditorText,
  waitFor,
} from '../support/workbench';

const MAX_TOKENS = 24;
const SOURCE = 'let x = 1;\nconsole.log(x);\n';
const QUESTION = 'apply the proposed edit?';

const diffTabs = (page: Page) => page.locator('.tab', { hasText: 'Llama Lens proposed edit' });
const toasts = (page: Page, text: string) => page.locator('.notifications-toasts .notification-toast', { hasText: text });

describe('E2E: palette prompts in code-server', function () {
  this.timeout(600_000);
  const table = loadOracleTable(generatedModelPath('oracle-answers.table.json'));
  // The chat template ends the prompt with "[/INST] ": the answer continues from that space.
  const answer = greedyContinuation(table, oracleTokenWithText(table, ' '), { maxTokens: MAX_TOKENS, stopAtNewline: false });
  const lines = answer.split('\n');
  while (lines.length > 0 && lines[0]?.trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  const rewrite = lines.join('\n');
  const session = useCodeServer('prompts', { 'sample.ts': SOURCE }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle-answers.gguf'),
    'llamaLens.gpu': 'cpu',
    'llamaLens.completions.enabled': false,
    'llamaLens.prompts.temperature': 0,
    'llamaLens.prompts.maxTokens': MAX_TOKENS,
    'editor.fontSize': 16,
  }));

  it('Ask streams the answer into a Markdown document', async function () {
    const { workbench } = session();
    const { page } = workbench;
    assert.match(answer, /^y=x\+1;\nlet y=x\+1;/, 'the oracle answers with its corpus line');
    await waitForLoadedModel(workbench);
    await openFileFromExplorer(page, 'sample.ts');
    await runCommandThatAsks(page, 'Llama Lens: Ask…', 'Llama Lens: Ask');
    await answerInputBox(page, 'What is x?');
    const heading = '## What is x?';
    const shown = await waitFor(() => allEditorTexts(page), {
      timeoutMs: 120_000,
      message: `a Markdown document with the heading and the answer ${JSON.stringify(answer)}`,
      until: (texts) => texts.some((text) => text.startsWith(heading) && text.slice(heading.length).trim() === answer.trim()),
    });
    console.log(`    answer document: ${JSON.stringify(shown.find((text) => text.startsWith(heading)))}`);
    await screenshot(page, 'prompt-ask');
  });

  /** Edit Selection on the first line of sample.ts, up to the Accept/Reject question: the answer is complete. */
  async function proposeFirstLineEdit(page: Page): Promise<void> {
    await clearNotifications(page);
    await openFileFromExplorer(page, 'sample.ts');
    await focusActiveEditor(page);
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Shift+End');
    await runCommandThatAsks(page, 'Llama Lens: Edit Selection…', 'Llama Lens: Edit Selection');
    await answerInputBox(page, 'Rename x to y');
    await waitFor(() => diffTabs(page).count(), {
      timeoutMs: 60_000,
      message: 'the proposed-edit diff to open',
      until: (count) => count > 0,
    });
    await waitFor(() => toasts(page, QUESTION).count(), {
      timeoutMs: 120_000, message: 'the answer to finish and the Accept/Reject question to show', until: (count) => count > 0,
    });
  }

  /** A diff settled from the palette leaves the question of an earlier proposal on screen: clear it first. */
  async function clearNotifications(page: Page): Promise<void> {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await waitFor(() => toasts(page, QUESTION).count(), { message: 'the notifications to clear', until: (count) => count === 0 });
  }

  it('Edit Selection shows a diff; Accept applies it and one undo restores the original', async function () {
    const { workbench, workspace } = session();
    const { page } = workbench;
    assert.ok(!answer.includes('```'), 'the expected rewrite is the whole answer only when it has no fence');
    await proposeFirstLineEdit(page);
    const texts = await allEditorTexts(page);
    // A narrow diff editor renders inline, with the removed line above the new ones: look for the rewrite anywhere.
    assert.ok(
      texts.some((text) => text.includes(rewrite)),
      `the diff shows the rewrite ${JSON.stringify(rewrite)}: ${JSON.stringify(texts)}`,
    );
    await screenshot(page, 'prompt-edit-diff');
    await runCommand(page, 'Llama Lens: Accept Proposed Edit');
    const edited = `${rewrite}\nconsole.log(x);\n`;
    await waitFor(() => diffTabs(page).count(), { message: 'the diff to close', until: (count) => count === 0 });
    await focusActiveEditor(page);
    await page.keyboard.press('Control+S');
    await waitForFileText(workspace, 'sample.ts', edited);
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+S');
    await waitForFileText(workspace, 'sample.ts', SOURCE);
  });

  it('Reject Proposed Edit closes the diff and leaves the file as it was', async function () {
    const { workbench, workspace } = session();
    const { page } = workbench;
    await proposeFirstLineEdit(page);
    await runCommand(page, 'Llama Lens: Reject Proposed Edit');
    await waitFor(() => diffTabs(page).count(), { message: 'the diff to close', until: (count) => count === 0 });
    await openFileFromExplorer(page, 'sample.ts');
    await waitFor(() => visibleEditorText(page), { message: 'sample.ts unchanged', until: (text) => text === SOURCE });
    assert.equal(await activeEditorIsDirty(page), false, 'Reject left no unsaved change');
    await waitForFileText(workspace, 'sample.ts', SOURCE);
  });

  it('Accept after the file changed is refused with a message, and the file keeps only its own change', async function () {
    const { workbench, workspace } = session();
    const { page } = workbench;
    await proposeFirstLineEdit(page);
    await openFileFromExplorer(page, 'sample.ts');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('// changed');
    await runCommand(page, 'Llama Lens: Accept Proposed Edit');
    await waitFor(() => toasts(page, 'the file changed after the edit was proposed, so it was not applied').count(), {
      message: 'the refusal to be shown', until: (count) => count > 0,
    });
    await waitFor(() => diffTabs(page).count(), { message: 'the diff to close', until: (count) => count === 0 });
    await openFileFromExplorer(page, 'sample.ts');
    await saveWithKeyboard(page);
    await waitForFileText(workspace, 'sample.ts', `${SOURCE}// changed`);
  });
});
