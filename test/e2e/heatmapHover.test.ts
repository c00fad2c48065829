// Hovering a coloured token in a real VS Code (code-server in Chromium): its probability, rank and the entropy where
// it stands, and the likeliest tokens there, all equal to the oracle's closed form (test/support/oracle.ts); and token
// texts that are markup or Markdown syntax shown as text.
import * as assert from 'node:assert/strict';
import { visibleTokenText } from '../../src/core/lens/distributionMath';
import { useCodeServer, waitForLoadedModel } from '../support/e2eSession';
import { hoverCharacter, type ShownHover } from '../support/heatmapHover';
import { waitForLensMode } from '../support/heatmapLens';
import { heatmapPaint } from '../support/heatmapPaint';
import { lensFrame, openLens } from '../support/lensFrame';
import {
  closedFormScores, generatedModelPath, loadOracleTable, nextTokenDistribution, oracleTokenWithText, tokenizeLikeOracle, type OracleTable,
} from '../support/oracle';
import { focusActiveEditor, runCommand, screenshot, waitFor } from '../support/workbench';

/** Three significant digits of a percentage, plus the engine's float32 error. */
const RELATIVE_TOLERANCE = 0.006;
const BITS_TOLERANCE = 0.0011;

function close(shown: number, expected: number): boolean {
  return Math.abs(shown - expected) <= RELATIVE_TOLERANCE * expected + 1e-12;
}

/** The token whose text the hover shows (visible whitespace undone). */
function tokenOfShown(table: OracleTable, shown: string): number {
  return oracleTokenWithText(table, shown.replaceAll('·', ' '));
}

/**
 * Checks the hover of the token at `offset` of `text` against the closed form: its probability, rank and entropy, and
 * the likeliest tokens after the token before it (ties may list in any order: each shown token's own probability and
 * the probability at each place are checked).
 */
function expectClosedForm(table: OracleTable, text: string, offset: number, hover: ShownHover): void {
  const score = closedFormScores(table, text)[offset];
  assert.ok(score);
  const where = `the hover over ${JSON.stringify(text[offset])} at ${offset}`;
  assert.ok(close(hover.probability, 2 ** -score.bits), `${where}: probability ${hover.probability}, closed form ${2 ** -score.bits}`);
  assert.equal(hover.rank, score.rank, `${where}: rank`);
  assert.ok(
    hover.entropyBits !== null && Math.abs(hover.entropyBits - score.entropyBits) <= BITS_TOLERANCE,
    `${where}: entropy ${hover.entropyBits}, closed form ${score.entropyBits}`,
  );
  const ids = tokenizeLikeOracle(table, text);
  const distribution = nextTokenDistribution(table, offset === 0 ? table.bos : ids[offset - 1] ?? -1);
  const sorted = [...distribution].sort((a, b) => b - a);
  assert.equal(hover.alternatives.length, 5, `${where}: five likeliest tokens`);
  hover.alternatives.forEach((alternative, place) => {
    const id = tokenOfShown(table, alternative.text);
    assert.ok(
      close(alternative.probability, distribution[id] ?? NaN),
      `${where}: ${alternative.text} shows ${alternative.probability}, closed form ${distribution[id]}`,
    );
    assert.ok(
      close(alternative.probability, sorted[place] ?? NaN),
      `${where}: place ${place + 1} shows ${alternative.probability}, closed form ${sorted[place]}`,
    );
    assert.equal(alternative.actual, id === score.id, `${where}: ${alternative.text} is marked as the token in the file or not`);
  });
}

describe('E2E: hovering a heatmap token shows its closed-form probability, rank, entropy and alternatives', function () {
  this.timeout(600_000);
  const table = loadOracleTable(generatedModelPath('oracle-views.table.json'));
  /** `x` after `#` ranks 1,011th and `y` after `~` 151st; `o` after `c` is the first choice. */
  const lines = ['// views: #x ~y', 'const total = items.map('];
  const text = lines.join('\n');
  const session = useCodeServer('heatmap-hover', { 'hover.js': text }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle-views.gguf'),
    'llamaLens.gpu': 'cpu',
    'llamaLens.completions.enabled': false,
    'editor.hover.enabled': true,
    'editor.fontSize': 18,
  }));

  before(async function () {
    const { workbench } = session();
    await waitForLoadedModel(workbench);
    await runCommand(workbench.page, 'Llama Lens: Show Surprisal Heatmap');
    await openLens(workbench.page);
    await waitForLensMode(workbench.page, 'surprisal');
    await waitFor(() => heatmapPaint(workbench.page), { message: 'heatmap colours in the editor', until: (count) => count >= 10 });
  });

  it('computes the rank, the entropy and the alternatives on demand after the fast pass: x after # ranks 1,011th', async function () {
    const { workbench } = session();
    const column = lines[0]?.indexOf('#x') ?? -1;
    const hover = await hoverCharacter(workbench.page, lines[0] ?? '', column + 1, () => screenshot(workbench.page, 'heatmap-hover'));
    expectClosedForm(table, text, column + 1, hover);
    assert.match(hover.text, /rank 1011 \(beyond 1000\)/);
  });

  it('does the same for y after ~, 151st, in the top 1000', async function () {
    const { workbench } = session();
    const column = lines[0]?.indexOf('~y') ?? -1;
    const hover = await hoverCharacter(workbench.page, lines[0] ?? '', column + 1);
    expectClosedForm(table, text, column + 1, hover);
    assert.match(hover.text, /\(top 1000\)/);
  });

  it('in rank mode takes rank and entropy from the pass, and marks the token in the file among the alternatives', async function () {
    const { workbench } = session();
    await lensFrame(workbench.page).locator('[data-testid="heatmap-mode"][data-mode="rank"]').click();
    await waitForLensMode(workbench.page, 'rank');
    const offset = text.indexOf('const') + 1;
    const hover = await hoverCharacter(workbench.page, lines[1] ?? '', 1);
    expectClosedForm(table, text, offset, hover);
    assert.equal(hover.rank, 1);
    assert.equal(hover.alternatives[0]?.actual, true, 'the first choice is the token in the file');
  });
});

describe('E2E: the heatmap hover shows hostile token texts as text', function () {
  this.timeout(600_000);
  const table = loadOracleTable(generatedModelPath('oracle-xss.table.json'));
  /** After `=` the likeliest tokens are markup and a bidi override; the token in the file there is a backtick. */
  const line = 'x=`;';
  const session = useCodeServer('heatmap-hover-xss', { 'xss.js': line }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle-xss.gguf'),
    'llamaLens.gpu': 'cpu',
    'llamaLens.completions.enabled': false,
    'editor.hover.enabled': true,
    'editor.fontSize': 18,
  }));

  it('lists <img …> tokens as text with no img element, escapes the bidi override, and shows a backtick token whole', async function () {
    const { workbench } = session();
    const dialogs: string[] = [];
    workbench.page.on('dialog', (dialog) => void dialog.dismiss().then(() => dialogs.push(dialog.message())));
    await waitForLoadedModel(workbench);
    await focusActiveEditor(workbench.page);
    await runCommand(workbench.page, 'Llama Lens: Show Surprisal Heatmap');
    await waitFor(() => heatmapPaint(workbench.page), { message: 'heatmap colours in the editor', until: (count) => count >= 2 });
    const hover = await hoverCharacter(workbench.page, line, 2, () => screenshot(workbench.page, 'heatmap-hover-crafted'));
    const shown = hover.alternatives.map((alternative) => alternative.text);
    for (const crafted of ['<img src=x onerror=alert(1)>', "<img/src='x'onerror=alert(2)>", '\u202Eevil']) {
      assert.ok(
        shown.includes(visibleTokenText(crafted)),
        `${JSON.stringify(visibleTokenText(crafted))} is listed as text: ${JSON.stringify(shown)}`,
      );
      const id = oracleTokenWithText(table, crafted);
      const expected = nextTokenDistribution(table, tokenizeLikeOracle(table, '=')[0] ?? -1)[id] ?? NaN;
      const listed = hover.alternatives.find((alternative) => alternative.text === visibleTokenText(crafted));
      assert.ok(listed && close(listed.probability, expected), `${crafted}: ${listed?.probability}, closed form ${expected}`);
    }
    assert.equal(hover.images, 0, 'no img element in the hover');
    assert.match(
      hover.text,
      /^Llama Lens\s*`\s*probability/,
      `the backtick token is shown whole: ${JSON.stringify(hover.text.slice(0, 60))}`,
    );
    assert.deepEqual(dialogs, [], 'no dialog opened');
  });
});
