// Ghost text in a real VS Code (code-server in Chromium), from the real engine on the oracle models.
// The expected suggestion is the greedy bigram continuation, computed from the oracle's count table.
import * as assert from 'node:assert/strict';
import { STATUS_BAR_ID_PREFIX } from '../../scripts/lib/llamaLensStage';
import { typeAtEndOf, useCodeServer, waitForFileText, waitForLoadedModel } from '../support/e2eSession';
import { EXACT_COMPLETION_SETTINGS, expectedSuggestion } from '../support/exactCompletion';
import { generatedModelPath, loadOracleTable } from '../support/oracle';
import {
  parseCompletionCounters,
  readGhostText,
  saveWithKeyboard,
  screenshot,
  statusBarTooltip,
  waitFor,
  waitForGhostText,
  type CompletionCounters,
} from '../support/workbench';

const HEADER = '// Llama Lens end-to-end test\n';
const TYPED = 'const items = [';

const COMPLETION_SETTINGS = {
  ...EXACT_COMPLETION_SETTINGS,
  // Large text, so the README's screenshots show the ghost text clearly.
  'editor.fontSize': 22,
};

describe('E2E: inline completion in code-server', function () {
  this.timeout(600_000);
  const session = useCodeServer('completion', { 'sample.js': HEADER }, () => ({
    ...COMPLETION_SETTINGS,
    'llamaLens.modelPath': generatedModelPath('oracle.gguf'),
  }));

  it('shows the greedy continuation as ghost text, and Tab accepts it', async function () {
    const { workbench, workspace } = session();
    const { page } = workbench;
    const expected = expectedSuggestion(loadOracleTable(), HEADER + TYPED);
    assert.ok(expected.length > 0, 'the chosen prefix must have a non-empty continuation');

    const ready = await waitForLoadedModel(workbench);
    assert.match(ready, /oracle/);
    await typeAtEndOf(workbench, 'sample.js', TYPED);

    const ghost = await waitFor(() => readGhostText(page), {
      timeoutMs: 90_000,
      message: `ghost text ${JSON.stringify(expected)}`,
      until: (text) => text === expected,
    });
    assert.equal(ghost, expected);
    console.log(`    ghost text: ${JSON.stringify(ghost)}; status bar: ${ready}`);
    await screenshot(page, 'inline-completion-ghost-text');

    await page.keyboard.press('Tab');
    await waitFor(() => readGhostText(page), {
      message: 'the ghost text to be accepted',
      until: (text) => text === '' || !text.startsWith(expected),
    });
    await page.keyboard.press('Control+S');
    await waitForFileText(workspace, 'sample.js', HEADER + TYPED + expected);
  });
});

// The oracle-words model continues `obj.` with a suggestion of several words (see ORACLE_MODEL_SETS), long enough
// to type part of it and to accept part of it.
const WORDS_TYPED = 'obj.';
/** How many characters of the suggestion the user types over. */
const TYPED_OVER = 3;

describe('E2E: typing through and accepting a word of a suggestion in code-server', function () {
  this.timeout(600_000);
  const session = useCodeServer(
    'words',
    { 'typed.js': HEADER, 'word.js': HEADER },
    () => ({ ...COMPLETION_SETTINGS, 'llamaLens.modelPath': generatedModelPath('oracle-words.gguf') }),
  );
  let suggestion: string;

  before(async function () {
    suggestion = expectedSuggestion(loadOracleTable(generatedModelPath('oracle-words.table.json')), HEADER + WORDS_TYPED);
    assert.match(
      suggestion,
      /^\w+\W+\w/,
      `the oracle-words suggestion after ${JSON.stringify(WORDS_TYPED)} must start with a word and hold another one`,
    );
    assert.ok(suggestion.length > TYPED_OVER + 1, 'the suggestion must outlast the characters typed over');
    const ready = await waitForLoadedModel(session().workbench);
    const tooltip = await statusBarTooltip(session().workbench.page, STATUS_BAR_ID_PREFIX);
    assert.ok(tooltip.includes('oracle-words.gguf'), `the loaded model should be oracle-words.gguf: ${ready}\n${tooltip}`);
  });

  /**
   * The counters once the status bar has caught up: they satisfy `until` and two reads in a row agree. Each read
   * opens a fresh tooltip; the extension updates the item after every answer, a moment after VS Code has the answer.
   */
  async function settledCounters(message: string, until: (counters: CompletionCounters) => boolean): Promise<CompletionCounters> {
    let previous: CompletionCounters | undefined;
    const settled = await waitFor(
      async () => {
        const counters = parseCompletionCounters(await statusBarTooltip(session().workbench.page, STATUS_BAR_ID_PREFIX));
        const stable = JSON.stringify(counters) === JSON.stringify(previous);
        previous = counters;
        return { counters, stable };
      },
      { timeoutMs: 60_000, message, until: (read) => read.stable && until(read.counters) },
    );
    return settled.counters;
  }

  it('serves the rest of the suggestion without the engine while its first characters are typed', async function () {
    const { page } = session().workbench;
    await typeAtEndOf(session().workbench, 'typed.js', WORDS_TYPED);
    await waitForGhostText(page, {
      timeoutMs: 90_000,
      message: `ghost text ${JSON.stringify(suggestion)}`,
      until: (text) => text === suggestion,
    });
    const before = await settledCounters(
      'the status bar to count the engine call behind the suggestion',
      (counters) => counters.engineCalls >= 1,
    );

    const typed = suggestion.slice(0, TYPED_OVER);
    const rest = suggestion.slice(TYPED_OVER);
    await page.keyboard.type(typed);
    await waitForGhostText(page, {
      message: `ghost text ${JSON.stringify(rest)} after typing ${JSON.stringify(typed)}`,
      until: (text) => text === rest,
    });
    const after = await settledCounters(
      'the status bar to count the requests answered by typing through',
      (counters) => counters.typedThrough > before.typedThrough,
    );
    console.log(
      `    typed ${JSON.stringify(typed)}, ghost text ${JSON.stringify(rest)}; counters before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`,
    );
    assert.equal(after.engineCalls, before.engineCalls, 'typing what the suggestion says must not ask the engine again');
    assert.equal(await readGhostText(page), rest, 'the rest of the suggestion should still be shown');
    await screenshot(page, 'inline-completion-typed-through');
  });

  it('accepts the next word of the suggestion with Ctrl+Right', async function () {
    const { page } = session().workbench;
    await typeAtEndOf(session().workbench, 'word.js', WORDS_TYPED);
    await waitForGhostText(page, {
      timeoutMs: 90_000,
      message: `ghost text ${JSON.stringify(suggestion)}`,
      until: (text) => text === suggestion,
    });

    // Accept Next Word (editor.action.inlineSuggest.acceptNextWord) takes the language's word at the start of the
    // suggestion, when it starts with one; for JavaScript that is the leading run of letters, digits and `_`/`$`.
    // The suggestion starts with plain word characters (checked above), so that is the leading run of \w.
    const word = /^\w+/.exec(suggestion)?.[0] ?? '';
    const rest = suggestion.slice(word.length);
    await page.keyboard.press('Control+ArrowRight');
    await waitForGhostText(page, {
      message: `ghost text ${JSON.stringify(rest)} after accepting ${JSON.stringify(word)}`,
      until: (text) => text === rest,
    });
    await screenshot(page, 'inline-completion-accept-word');

    await saveWithKeyboard(page);
    await waitForFileText(session().workspace, 'word.js', HEADER + WORDS_TYPED + word);
    assert.equal(await readGhostText(page), rest, 'the rest of the suggestion should still be shown after accepting a word');
  });
});
