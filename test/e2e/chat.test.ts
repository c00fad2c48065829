// The chat view in a real VS Code (code-server in Chromium) on the oracle-answers model (a bigram oracle with
// Llama-2's chat template). Whatever is asked, the greedy answer is the chain that follows the space ending the
// prompt, computed here from the count table: ask, stream, stop, regenerate, follow up, reload, clear.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { outputChannelLog } from '../../scripts/lib/codeServer';
import { chatFrame, chatTurns, collapse, openChat, readTurns, sendChatMessage } from '../support/chatFrame';
import { useCodeServer, waitForLoadedModel } from '../support/e2eSession';
import { generatedModelPath, greedyContinuation, loadOracleTable, oracleTokenWithText } from '../support/oracle';
import { focusActiveEditor, screenshot, waitFor } from '../support/workbench';

/** Long enough that Stop lands mid-answer: the oracle writes one character per token. */
const MAX_TOKENS = 1500;

/** Every file called `name` under `dir`. */
function findFiles(dir: string, name: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name === name)
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The log's "Chat: evaluated N of M prompt tokens" lines, oldest first. */
function evaluatedPerTurn(log: string): { evaluated: number; prompt: number }[] {
  return [...log.matchAll(/Chat: evaluated (\d+) of (\d+) prompt tokens/g)].map((match) => ({
    evaluated: Number(match[1]), prompt: Number(match[2]),
  }));
}

describe('E2E: the chat view in code-server', function () {
  this.timeout(600_000);
  const table = loadOracleTable(generatedModelPath('oracle-answers.table.json'));
  // The chat template ends the prompt with "[/INST] ": the answer continues from that space.
  const answer = collapse(greedyContinuation(table, oracleTokenWithText(table, ' '), { maxTokens: MAX_TOKENS, stopAtNewline: false }));
  const session = useCodeServer('chat', { 'sample.ts': 'let x = 1;\n' }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle-answers.gguf'),
    'llamaLens.gpu': 'cpu',
    'llamaLens.completions.enabled': false,
    'llamaLens.prompts.temperature': 0,
    'llamaLens.prompts.maxTokens': MAX_TOKENS,
  }));

  it('streams the answer to a question and shows it whole', async function () {
    const { workbench } = session();
    const { page } = workbench;
    assert.ok(answer.startsWith('y=x+1; let y=x+1;') && answer.length > 1000, 'the oracle answers with its corpus lines');
    await waitForLoadedModel(workbench);
    const frame = await openChat(page);
    await sendChatMessage(frame, 'What is y?');
    // Seen part-way: the answer arrives in pieces, not at the end.
    const partial = await waitFor(() => readTurns(frame), {
      timeoutMs: 120_000, message: 'a part of the answer while it streams',
      until: (turns) => turns[0]?.state === 'streaming' && (turns[0]?.answer.length ?? 0) > 0,
    });
    assert.ok(answer.startsWith(partial[0]?.answer ?? '?'), `a streamed part is the start of the answer: ${partial[0]?.answer}`);
    const done = await waitFor(() => readTurns(frame), {
      timeoutMs: 120_000, message: 'the whole answer', until: (turns) => turns[0]?.state === 'done',
    });
    assert.equal(done[0]?.answer, answer);
  });

  it('stops an answer mid-way and keeps what had come', async function () {
    const { page } = session().workbench;
    const frame = await chatFrame(page);
    await sendChatMessage(frame, 'And x?');
    await waitFor(() => readTurns(frame), {
      timeoutMs: 120_000, message: 'the follow-up to start streaming',
      until: (turns) => turns[1]?.state === 'streaming' && (turns[1]?.answer.length ?? 0) > 20,
    });
    await frame.locator('[data-testid="chat-stop"]').click();
    const turns = await waitFor(() => readTurns(frame), {
      message: 'the answer to stop', until: (shown) => shown[1]?.state === 'stopped',
    });
    const kept = turns[1]?.answer ?? '';
    assert.ok(kept.length > 20 && kept.length < answer.length && answer.startsWith(kept), `kept the answer's start: ${kept.length} chars`);
    assert.equal(await chatTurns(frame).nth(1).locator('[data-testid="chat-note"]').textContent(), 'Stopped.');
  });

  it('regenerates the last answer in full, and a follow-up evaluates only what is new', async function () {
    const { page } = session().workbench;
    const frame = await chatFrame(page);
    await frame.locator('[data-testid="chat-regenerate"]').click();
    const turns = await waitFor(() => readTurns(frame), {
      timeoutMs: 120_000, message: 'the regenerated answer', until: (shown) => shown[1]?.state === 'done',
    });
    assert.equal(turns.length, 2, 'Regenerate replaces the last answer');
    assert.equal(turns[1]?.answer, answer);
    const perTurn = evaluatedPerTurn(outputChannelLog(session().server.userDataDir, 'Llama Lens'));
    const [first, ...later] = perTurn;
    assert.ok(first && first.evaluated === first.prompt, `the first turn evaluates its whole prompt: ${JSON.stringify(perTurn)}`);
    const last = later.at(-1);
    // The follow-up's prompt holds the first turn and its 1500-token answer: far more than its own message.
    assert.ok(last && last.prompt > MAX_TOKENS && last.evaluated < 100, `the follow-up reused the history: ${JSON.stringify(perTurn)}`);
    await screenshot(page, 'chat');
  });

  it('keeps the conversation across a window reload', async function () {
    const { page } = session().workbench;
    const before = await readTurns(await chatFrame(page));
    await page.reload();
    await waitForLoadedModel(session().workbench);
    const frame = await openChat(page);
    const after = await waitFor(() => readTurns(frame), {
      message: 'the conversation to come back', until: (turns) => turns.length === before.length,
    });
    assert.deepEqual(after, before);
  });

  it('New chat clears the conversation, on disk too', async function () {
    const { workbench, server } = session();
    const { page } = workbench;
    assert.equal(findFiles(server.userDataDir, 'chat-history.json').length, 1, 'the history is kept in one file');
    const frame = await chatFrame(page);
    await frame.locator('[data-testid="chat-new"]').click();
    await frame.locator('[data-testid="chat-empty"]').waitFor({ timeout: 30_000 });
    assert.equal(await chatTurns(frame).count(), 0);
    await waitFor(() => findFiles(server.userDataDir, 'chat-history.json'), {
      message: 'the history file to be deleted', until: (files) => files.length === 0,
    });
    await page.reload();
    await waitForLoadedModel(workbench);
    const reloaded = await openChat(page);
    await reloaded.locator('[data-testid="chat-empty"]').waitFor({ timeout: 30_000 });
  });

  it('attaches the selection as a chip that counts its tokens, and sends it with the next message', async function () {
    const { workbench } = session();
    const { page } = workbench;
    // sample.ts has been open since the session started.
    await focusActiveEditor(page);
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Shift+End');
    const frame = await chatFrame(page);
    await frame.locator('[data-testid="chat-add-selection"]').click();
    // The oracle writes one token per character: "let x = 1;" continues a message as 10 tokens.
    const chip = frame.locator('[data-testid="chat-chip"]');
    await waitFor(() => chip.textContent(), {
      message: 'the chip with its token count', until: (text) => (text ?? '').startsWith('sample.ts (line 1) · 10 tokens'),
    });
    assert.match(await frame.locator('[data-testid="chat-budget"]').textContent() ?? '', /^About \d+ of \d+ tokens of context in use/);
    await sendChatMessage(frame, 'Explain this');
    await waitFor(() => readTurns(frame), { timeoutMs: 120_000, message: 'the answer', until: (turns) => turns[0]?.state === 'done' });
    assert.equal(await frame.locator('[data-testid="chat-user-message"] .chip').textContent(), 'sample.ts (line 1)');
    assert.equal(await chip.count(), 0, 'sending takes the chips');
  });
});
