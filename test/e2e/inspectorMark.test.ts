// The completion inspector's mark on a token chosen from outside the top tokens the trace lists, in a real VS Code
// (code-server in Chromium) on oracle-views. Expectations come from the closed form (test/support/oracle.ts).
//
// The engine traces only the main suggestion, whose tokens are greedy: each is the likeliest, never outside the
// listed top 5. It does trace each alternative suggestion's first token (rank 2 to 8), but does not return those
// steps, and when the likeliest token ends the generation it suggests nothing at all (node-llama-cpp's
// evaluateWithMetadata ends before yielding it). So the first test checks a real completion's steps against the
// closed form (all unmarked), and the second posts to the Lens page the step the engine computes for a suggestion
// that starts with `e` after `@`, the 8th likeliest token there, behind seven end-of-generation tokens.
import * as assert from 'node:assert/strict';
import { useCodeServer, waitForLoadedModel } from '../support/e2eSession';
import { lensFrame, openLens, percent } from '../support/lensFrame';
import {
  closedFormRank,
  detokenizeOracle,
  generatedModelPath,
  greedyContinuationTokens,
  lastOracleToken,
  loadOracleTable,
  nextTokenDistribution,
  oracleTokenWithText,
} from '../support/oracle';
import { focusActiveEditor, runCommand, screenshot, waitFor } from '../support/workbench';

const TEXT = 'const items = [';
/** Display rounding of "42.17%" plus the engine's float error. */
const PERCENT_TOLERANCE = 0.00006;

describe('E2E: the completion inspector marks a chosen token outside the listed top tokens', function () {
  this.timeout(600_000);
  const table = loadOracleTable(generatedModelPath('oracle-views.table.json'));
  const session = useCodeServer('inspector-mark', { 'mark.js': TEXT }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle-views.gguf'),
    'llamaLens.gpu': 'cpu',
    'llamaLens.completions.enabled': false,
    'editor.fontSize': 18,
  }));

  it('marks a step of a real completion exactly when the closed form ranks its token below the listed ones', async function () {
    const { workbench } = session();
    const { page } = workbench;
    await waitForLoadedModel(workbench);
    // The trace is recorded only while the Lens is on screen.
    await openLens(page);
    await focusActiveEditor(page);
    await page.keyboard.press('Control+End');
    await runCommand(page, 'Llama Lens: Trigger Completion');
    const tokens = lensFrame(page).locator('[data-testid="trace-token"]');
    const expected = greedyContinuationTokens(table, lastOracleToken(table, TEXT), { maxTokens: 3, stopAtNewline: true });
    await waitFor(() => tokens.count(), {
      timeoutMs: 60_000,
      message: `the inspector to show the completion ${JSON.stringify(detokenizeOracle(table, expected))}`,
      until: (count) => count >= 2,
    });
    let previous = lastOracleToken(table, TEXT);
    for (let index = 0; index < (await tokens.count()); index++) {
      const token = tokens.nth(index);
      const id = Number(await token.getAttribute('data-token-id'));
      const listed = Number(await token.getAttribute('data-listed'));
      const rank = closedFormRank(nextTokenDistribution(table, previous), id);
      assert.ok(listed > 0, `step ${index} lists its top tokens`);
      assert.equal(
        await token.getAttribute('data-outside-top'),
        String(rank > listed),
        `step ${index}: token ${id} ranks ${rank}, ${listed} listed`,
      );
      previous = id;
    }
  });

  it('marks e after @, the 8th likeliest, outside the top 5 listed: a dashed token, a note, and the chosen row last', async function () {
    const { page } = session().workbench;
    const afterAt = nextTokenDistribution(table, lastOracleToken(table, '@'));
    const e = oracleTokenWithText(table, 'e');
    assert.equal(closedFormRank(afterAt, e), 8, 'the closed form: e is 8th after @');
    const ranked = [...afterAt.keys()].sort((a, b) => (afterAt[b] ?? 0) - (afterAt[a] ?? 0));
    const row = (id: number) => ({ id, text: table.vocab[id]?.text ?? '', probability: afterAt[id] ?? 0 });
    const step = { chosen: row(e), alternatives: ranked.filter((id) => id !== e).slice(0, 5).map(row) };
    const lens = lensFrame(page);
    // As the host delivers its messages: a message event in the Lens's page, validated like any other.
    await lens.locator('body').evaluate((_, message) => window.postMessage(message, '*'), { kind: 'trace', text: 'e', steps: [step] });
    const token = lens.locator('[data-testid="trace-token"]');
    await waitFor(() => token.count(), { message: 'the posted step in the inspector', until: (count) => count === 1 });
    assert.equal(await token.getAttribute('data-outside-top'), 'true');
    assert.match((await token.getAttribute('title')) ?? '', /chosen outside the top 5 listed/);
    assert.match((await token.getAttribute('class')) ?? '', /\boutside-top\b/);
    await token.click();
    const rows = lens.locator('[data-testid="trace-alternative"]');
    await waitFor(() => rows.count(), { message: 'the listed tokens and the chosen one', until: (count) => count === 6 });
    for (let index = 0; index < 6; index++) {
      const id = Number(await rows.nth(index).getAttribute('data-token-id'));
      const shown = percent(await rows.nth(index).locator('.num').textContent());
      assert.ok(
        Math.abs(shown - (afterAt[id] ?? NaN)) <= PERCENT_TOLERANCE,
        `row ${index}: token ${id} shows ${shown}, closed form ${afterAt[id]}`,
      );
      assert.equal(closedFormRank(afterAt, id), index < 5 ? index + 1 : 8, `row ${index} holds the token of that rank`);
    }
    const last = rows.nth(5);
    assert.equal(Number(await last.getAttribute('data-token-id')), e, 'the chosen token comes last');
    assert.match((await last.locator('[data-testid="outside-note"]').textContent()) ?? '', /chosen outside the top 5 listed/);
    await last.scrollIntoViewIfNeeded();
    await screenshot(page, 'inspector-outside-top');
  });
});
