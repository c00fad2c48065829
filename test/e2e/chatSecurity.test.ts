// The chat against hostile model output, in a real VS Code (code-server in Chromium). The oracle-chat-xss model
// (ORACLE_MODEL_SETS) answers any question with a script tag, an <img> with an event handler, a javascript: link and
// a fenced block of more markup: all of it must show as text. The fenced block then goes through Apply as a diff.
import * as assert from 'node:assert/strict';
import { chatFrame, openChat, readTurns, sendChatMessage } from '../support/chatFrame';
import { useCodeServer, waitForFileText, waitForLoadedModel } from '../support/e2eSession';
import { dialogCallsIn, imagesInFrames, type PageIncidents, watchForIncidents } from '../support/hostileContent';
import { generatedModelPath, greedyContinuation, loadOracleTable, oracleTokenWithText } from '../support/oracle';
import { allEditorTexts, focusActiveEditor, runCommand, screenshot, visibleEditorText, waitFor } from '../support/workbench';

const SOURCE = '<p>hello</p>\n';
const FENCED = '<img src=x onerror=alert(4)>';

describe('E2E: the chat shows hostile model output as text, and applies its code as a diff', function () {
  this.timeout(600_000);
  const table = loadOracleTable(generatedModelPath('oracle-chat-xss.table.json'));
  // The greedy answer after the space that ends a Llama-2 prompt: the chain of crafted tokens, then the end.
  const answer = greedyContinuation(table, oracleTokenWithText(table, ' '), { maxTokens: 64, stopAtNewline: false });
  const session = useCodeServer('chat-security', { 'page.html': SOURCE }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle-chat-xss.gguf'),
    'llamaLens.gpu': 'cpu',
    'llamaLens.completions.enabled': false,
    'llamaLens.prompts.temperature': 0,
  }));
  let incidents: PageIncidents = { dialogs: [], cspErrors: [] };

  before(async function () {
    const { workbench } = session();
    incidents = await watchForIncidents(workbench);
  });

  it('renders an answer of markup as text: no element made from it, no dialog, no CSP violation', async function () {
    const { workbench } = session();
    const { page } = workbench;
    const crafted = '<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3))';
    assert.equal(answer, `${crafted}\n\`\`\`html\n${FENCED}\n\`\`\``,
      'the oracle answers with its crafted tokens');
    // The recorder is in place before the chat's webview frames are made: they are made when the view first opens.
    await waitForLoadedModel(workbench);
    const frame = await openChat(page);
    await sendChatMessage(frame, 'Show me some HTML');
    await waitFor(() => readTurns(frame), { timeoutMs: 120_000, message: 'the answer', until: (turns) => turns[0]?.state === 'done' });
    const shown = frame.locator('[data-testid="chat-answer"]');
    // Markdown: the paragraph's markup is text, the link is its label (its target only a tooltip), the fence is code.
    assert.equal(await shown.locator('p').textContent(), '<script>alert(1)</script> <img src=x onerror=alert(2)> click');
    assert.equal(await shown.locator('.link').getAttribute('title'), 'javascript:alert(3)');
    assert.equal(await shown.locator('pre').textContent(), FENCED);
    assert.equal(await frame.locator('a, img, iframe, object, embed').count(), 0, 'the answer made an element');
    const scripts = await frame.locator('script').evaluateAll((found) => found.map((script) => `${script.outerHTML}`));
    assert.deepEqual(scripts.filter((script) => script.includes('alert')), [], 'a script element holds the answer\'s script');
    assert.equal(await imagesInFrames(page), 0, 'a webview frame holds an img element');
    // The recorder is live in this page: a call made on purpose is recorded (the check below expects it alone).
    const body = frame.locator('body');
    await body.evaluate(() => window.alert('probe'));
    assert.deepEqual(await dialogCallsIn(body), ['alert(probe)'], 'only the probe called a dialog function');
    assert.deepEqual(incidents.dialogs, [], 'a dialog opened');
    assert.deepEqual(incidents.cspErrors, [], 'the page reported Content Security Policy violations');
    await screenshot(page, 'chat-hostile-output');
  });

  it('Apply shows the code block as a diff of the file; Accept applies it, and one undo restores the file', async function () {
    const { workbench, workspace } = session();
    const { page } = workbench;
    // page.html is open since the session started: the editor the chat's code goes into, with nothing selected.
    await focusActiveEditor(page);
    const frame = await chatFrame(page);
    await frame.locator('[data-testid="code-apply"]').click();
    const diffTabs = page.locator('.tab', { hasText: 'Llama Lens proposed edit' });
    await waitFor(() => diffTabs.count(), { timeoutMs: 60_000, message: 'the proposed-edit diff to open', until: (count) => count > 0 });
    // The diff shows the code block as the file's new text, and the file as it is.
    await waitFor(() => allEditorTexts(page), {
      message: 'the diff to show the code block beside the file',
      until: (texts) => texts.includes(`${FENCED}\n`) && texts.includes(SOURCE),
    });
    await screenshot(page, 'chat-apply-diff');
    await runCommand(page, 'Llama Lens: Accept Proposed Edit');
    await waitFor(() => diffTabs.count(), { message: 'the diff to close', until: (count) => count === 0 });
    await waitFor(() => visibleEditorText(page), { message: 'the file to hold the code', until: (text) => text === `${FENCED}\n` });
    await focusActiveEditor(page);
    await page.keyboard.press('Control+S');
    await waitForFileText(workspace, 'page.html', `${FENCED}\n`);
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+S');
    await waitForFileText(workspace, 'page.html', SOURCE);
  });

  it('Insert puts the code block at the cursor in one undo step, and Copy puts it on the clipboard', async function () {
    const { workbench, workspace } = session();
    const { page } = workbench;
    const frame = await chatFrame(page);
    await focusActiveEditor(page);
    await page.keyboard.press('Control+End');
    await frame.locator('[data-testid="code-insert"]').click();
    await waitFor(() => visibleEditorText(page), { message: 'the code at the cursor', until: (text) => text === `${SOURCE}${FENCED}` });
    await focusActiveEditor(page);
    await page.keyboard.press('Control+Z');
    await waitFor(() => visibleEditorText(page), { message: 'one undo to take it out', until: (text) => text === SOURCE });
    await frame.locator('[data-testid="code-copy"]').click();
    await focusActiveEditor(page);
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Control+V');
    await waitFor(() => visibleEditorText(page), { message: 'the copied code pasted', until: (text) => text === `${SOURCE}${FENCED}` });
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+S');
    await waitForFileText(workspace, 'page.html', SOURCE);
  });
});
