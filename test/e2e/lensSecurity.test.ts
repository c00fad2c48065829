// The Lens against a hostile vocabulary, and the Lens's state across hiding, in a real VS Code (code-server in
// Chromium). The oracle-xss model (ORACLE_MODEL_SETS) is the oracle plus two tokens whose texts are markup with an
// event handler and one that starts with a bidi override; after `=` they are the three most likely tokens.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { visibleTokenText } from '../../src/core/lens/distributionMath';
import { generatedModelPath, lastOracleToken, loadOracleTable, nextTokenDistribution, oracleTokenWithText } from '../support/oracle';
import { typeAtEndOf, useCodeServer, waitForLoadedModel } from '../support/e2eSession';
import { runCommand, screenshot, waitFor } from '../support/workbench';
import { lensFrame, percent } from '../support/lensFrame';
import { dialogCallsIn, imagesInFrames, type PageIncidents, watchForIncidents } from '../support/hostileContent';

const CRAFTED = '<img src=x onerror=alert(1)>';
/** Parsed as HTML, this one would be a real <img> even with its spaces drawn as '·' (it has none). */
const SPACELESS = "<img/src='x'onerror=alert(2)>";
const BIDI = '\u202Eevil';
const HEADER = '// Llama Lens security test\n';
/** Ends in `=`, after which the crafted tokens lead, and in a non-word character, so no fragment is stepped over. */
const TYPED = 'const x =';
/** Display rounding of "42.17%" plus the engine's float error. */
const PERCENT_TOLERANCE = 0.00006;
/** The dialog calls recorded in the Lens's current page. */
const lensDialogCalls = (page: Page): Promise<string[]> => dialogCallsIn(lensFrame(page).locator('body'));

describe('E2E: the Lens shows hostile token texts as text and keeps its state when hidden', function () {
  this.timeout(600_000);
  const table = loadOracleTable(generatedModelPath('oracle-xss.table.json'));
  const crafted = oracleTokenWithText(table, CRAFTED);
  const spaceless = oracleTokenWithText(table, SPACELESS);
  const bidi = oracleTokenWithText(table, BIDI);
  const expected = nextTokenDistribution(table, lastOracleToken(table, HEADER + TYPED));
  const session = useCodeServer('lens-security', { 'lens.js': HEADER }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle-xss.gguf'),
    'llamaLens.gpu': 'cpu',
    'llamaLens.completions.enabled': false,
    'editor.fontSize': 18,
  }));
  let incidents: PageIncidents = { dialogs: [], cspErrors: [] };
  /** How many children the crafted token's node showed before the Lens was hidden. */
  let childCount = 0;

  before(async function () {
    const { workbench } = session();
    incidents = await watchForIncidents(workbench);
  });

  it('renders tokens whose text is markup as text: no img element, no dialog, no CSP violation', async function () {
    const { workbench } = session();
    const { page } = workbench;
    const leaders = [{ id: crafted, text: CRAFTED }, { id: spaceless, text: SPACELESS }, { id: bidi, text: BIDI }];
    assert.deepEqual([...expected.keys()].sort((a, b) => (expected[b] ?? 0) - (expected[a] ?? 0)).slice(0, 3), leaders.map(({ id }) => id),
      'the crafted tokens should lead the closed form after `=`');
    await waitForLoadedModel(workbench);
    await typeAtEndOf(workbench, 'lens.js', TYPED);
    await runCommand(page, 'Llama Lens: Open the Lens');
    const lens = lensFrame(page);
    const rows = lens.locator('[data-testid="top-row"]');
    await waitFor(() => rows.count(), { timeoutMs: 60_000, message: 'the Lens to list the top tokens', until: (count) => count >= 3 });
    // First what matters most: nothing the tokens hold became an element.
    assert.equal(await lens.locator('img').count(), 0, 'the Lens page holds an img element');
    assert.equal(await imagesInFrames(page), 0, 'a webview frame holds an img element');
    for (const [rank, { id, text }] of leaders.entries()) {
      const row = lens.locator(`[data-testid="top-row"][data-token-id="${id}"]`);
      const shown = row.locator('[data-testid="token-text"]');
      assert.equal(await shown.textContent(), visibleTokenText(text), `the text of token ${id}`);
      assert.equal(await shown.getAttribute('title'), visibleTokenText(text), `the title of token ${id}`);
      assert.equal(await row.getAttribute('data-rank'), String(rank + 1));
      assert.ok(
        Math.abs(percent(await row.locator('[data-testid="raw-prob"]').textContent()) - (expected[id] ?? NaN)) <= PERCENT_TOLERANCE,
      );
    }
    // The bidi override is shown as its escape, so it cannot reorder the row.
    assert.equal(await lens.locator('body').evaluate((body) => (body.textContent ?? '').includes('\u202E')), false,
      'the override character itself is in the page');
    // The recorder is live in this page: a call made on purpose is recorded (the checks below expect it alone).
    await lens.locator('body').evaluate(() => window.alert('probe'));
    assert.deepEqual(await lensDialogCalls(page), ['alert(probe)']);

    await lens.locator(`[data-testid="top-row"][data-token-id="${crafted}"] [data-testid="expand"]`).click();
    const node = lens.locator(`[data-testid="tree-node"][data-path="${crafted}"]`);
    const children = lens.locator(`[data-testid="tree-node"][data-path^="${crafted},"]`);
    childCount = await waitFor(() => children.count(), {
      timeoutMs: 60_000,
      message: 'the crafted token to expand',
      until: (count) => count > 0,
    });
    assert.equal(await node.locator(':scope > .tree-row [data-testid="token-text"]').textContent(), visibleTokenText(CRAFTED));
    assert.equal(await lens.locator('img').count(), 0, 'the token tree holds an img element');
    assert.equal(await imagesInFrames(page), 0, 'a webview frame holds an img element after expanding');
    await screenshot(page, 'lens-crafted-token');

    assert.deepEqual(await lensDialogCalls(page), ['alert(probe)'], 'only the probe called a dialog function');
    assert.deepEqual(incidents.dialogs, [], 'a dialog opened');
    assert.deepEqual(incidents.cspErrors, [], 'the page reported Content Security Policy violations');
  });

  it('restores the expanded node and the sampler settings after the Lens is hidden and shown again', async function () {
    const { workbench } = session();
    const { page } = workbench;
    const lens = lensFrame(page);
    const slider = lens.locator('[data-testid="slider-temperature"]');
    await slider.fill('0.5');
    // p^(1/T) renormalised, for the top token: its final probability shows the settings are in force.
    const squares = [...expected].map((p) => p * p);
    const wantFinal = (squares[crafted] ?? NaN) / squares.reduce((sum, value) => sum + value, 0);
    const finalProb = lens.locator(`[data-testid="top-row"][data-token-id="${crafted}"] [data-testid="final-prob"]`);
    const finalMatches = (value: number): boolean => Math.abs(value - wantFinal) <= PERCENT_TOLERANCE;
    await waitFor(async () => percent(await finalProb.textContent()), {
      message: `the final probability to become ${wantFinal}`,
      until: finalMatches,
    });
    // Marks this page, so that the one shown later can be told apart from it.
    await lens.locator('body').evaluate(() => document.body.setAttribute('data-e2e-old-page', 'true'));

    await runCommand(page, 'View: Show Explorer');
    await waitFor(() => page.locator('iframe.webview.ready').count(), {
      message: 'the hidden Lens to drop its webview',
      until: (count) => count === 0,
    });
    await runCommand(page, 'Llama Lens: Open the Lens');

    const node = lens.locator(`[data-testid="tree-node"][data-path="${crafted}"]`);
    await node.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await lens.locator('body').getAttribute('data-e2e-old-page'), null, 'the Lens should be a new page');
    assert.equal(await node.locator(':scope > .tree-row [data-testid="expand"]').getAttribute('data-state'), 'open');
    assert.equal(await node.locator(':scope > .tree-row [data-testid="token-text"]').textContent(), visibleTokenText(CRAFTED));
    assert.equal(await lens.locator(`[data-testid="tree-node"][data-path^="${crafted},"]`).count(), childCount);
    assert.equal(await slider.inputValue(), '0.5');
    await waitFor(async () => percent(await finalProb.textContent()), {
      message: `the restored final probability ${wantFinal}`,
      until: finalMatches,
    });
    assert.equal(await lens.locator('img').count(), 0, 'the restored Lens page holds an img element');
    assert.deepEqual(await lensDialogCalls(page), [], 'the restored page called a dialog function');
    assert.deepEqual(incidents.dialogs, [], 'a dialog opened');
    assert.deepEqual(incidents.cspErrors, [], 'the page reported Content Security Policy violations');
    await node.scrollIntoViewIfNeeded();
    await screenshot(page, 'lens-restored');
  });
});
