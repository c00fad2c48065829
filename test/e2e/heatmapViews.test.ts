// The heatmap's modes, the Lens's file summary and its legend in a real VS Code (code-server in Chromium), on the
// oracle-views model: the oracle corpus plus extra tokens that put a character after `~` 151st and one after `#`
// 1,011th, so that the file below reaches every rank bucket. Every expected number comes from the closed form
// (test/support/oracle.ts); a token's expected colour is the legend's entry for its closed-form value, and the lines
// the overview ruler must mark (read from its canvas) are those holding a token in the two hottest colours. In each
// theme, the editor's text contrast on every level is measured from the colours the workbench computes.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { outputChannelLog } from '../../scripts/lib/codeServer';
import { e2ePaths } from '../../scripts/lib/e2ePaths';
import { lineOf, lineStarts } from '../../src/core/lens/heatmapSummary';
import { useCodeServer, waitForLoadedModel } from '../support/e2eSession';
import {
  changeUserSettings,
  countOf,
  expectLevel,
  levelHolding,
  levelLabelled,
  loggedPasses,
  waitForLensMode,
  type LegendEntry,
} from '../support/heatmapLens';
import { blendOver, contrastRatio, parseColour } from '../../src/core/lens/colourContrast';
import { editorColours, heatmapLevelColours, heatmapPaint, overviewRulerColour, overviewRulerMarks } from '../support/heatmapPaint';
import { lensFrame, openLens } from '../support/lensFrame';
import { REPO_ROOT } from '../support/repoPaths';
import { closedFormScores, generatedModelPath, generatedModelsDir, loadOracleTable, type ClosedFormScore } from '../support/oracle';
import { pickModel } from '../support/selectModel';
import { focusActiveEditor, runCommand, screenshot, waitFor } from '../support/workbench';

const FILE = 'views.js';
/** One oracle token per character. `#x` ranks beyond 1000, `~y` in the top 1000, ` #` in the top 100. */
const TEXT = '// views: #x ~y\nconst total = items.map(';
/** Display rounding of 3 decimals plus the engine's float32 error. */
const BITS_TOLERANCE = 0.0011;

/** GLTR's buckets, written out here rather than taken from the code under test. */
function bucketLabel(rank: number): string {
  if (rank <= 1) return 'top 1';
  if (rank <= 10) return 'top 10';
  if (rank <= 100) return 'top 100';
  return rank <= 1000 ? 'top 1000' : 'beyond 1000';
}

interface Placed extends ClosedFormScore {
  line: string;
  column: number;
}

/** Each token with the rendered line and column it is drawn at; newlines (drawn as nothing) left out. */
function placedTokens(scores: readonly ClosedFormScore[]): Placed[] {
  const starts = lineStarts(TEXT);
  const lines = TEXT.split('\n');
  return scores.flatMap((score, offset) => {
    const line = lineOf(starts, offset);
    return TEXT[offset] === '\n' ? [] : [{ ...score, line: lines[line] ?? '', column: offset - (starts[line] ?? 0) }];
  });
}

/** The coloured lines and the Lens's heatmap section at full size, to look at the contrast closely. */
async function closeUps(page: Page, name: string): Promise<void> {
  const dir = join(e2ePaths().testResultsDir, 'screenshots');
  const lines = await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().boundingBox();
  if (lines) await page.screenshot({ path: join(dir, `${name}-lines.png`), clip: { x: lines.x, y: lines.y, width: 360, height: 60 } });
  await lensFrame(page).locator('[data-testid="heatmap"]').screenshot({ path: join(dir, `${name}-lens.png`) });
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('E2E: the heatmap coloured by surprisal, rank and entropy, with the file summary and the legend', function () {
  this.timeout(600_000);
  const table = loadOracleTable(generatedModelPath('oracle-views.table.json'));
  const scores = closedFormScores(table, TEXT);
  const placed = placedTokens(scores);
  const session = useCodeServer('heatmap-views', { [FILE]: TEXT }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle-views.gguf'),
    'llamaLens.gpu': 'cpu',
    'llamaLens.completions.enabled': false,
    'editor.fontSize': 18,
  }));

  /** Checks every token's colour against the legend entry its closed-form value falls in. */
  async function expectColours(legend: readonly LegendEntry[], valueOf: (score: Placed) => number | string, what: string): Promise<void> {
    let checked = 0;
    for (const score of placed) {
      const value = valueOf(score);
      const level = typeof value === 'string' ? levelLabelled(legend, value) : levelHolding(legend, value);
      if (level === undefined) continue;
      await expectLevel(
        session().workbench.page,
        score.line,
        score.column,
        level,
        `${what} ${typeof value === 'number' ? value.toFixed(3) : value}`,
      );
      checked++;
    }
    assert.ok(checked >= placed.length - 2, `checked ${checked} of ${placed.length} tokens`);
  }

  /**
   * Waits until the overview ruler marks exactly the lines holding a token that `hot` picks (the file's newline and
   * spaces left out: they say little about a line), and returns those lines.
   */
  async function expectRulerMarks(hot: (score: Placed) => boolean, what: string): Promise<string[]> {
    const { page } = session().workbench;
    const marked = new Set(placed.filter((score) => score.line[score.column]?.trim() && hot(score)).map((score) => score.line));
    const lines = TEXT.split('\n');
    const colour = await overviewRulerColour(page);
    await waitFor(() => overviewRulerMarks(page, colour), {
      message: `the overview ruler to mark ${JSON.stringify([...marked])} alone, in ${colour} (${what})`,
      until: (shown) =>
        lines.every((line) => {
          const share = shown.find((entry) => entry.text === line)?.share;
          return share !== undefined && (marked.has(line) ? share >= 0.5 : share === 0);
        }),
    });
    return lines.filter((line) => marked.has(line));
  }

  before(async function () {
    const ranks = new Set(scores.map((score) => bucketLabel(score.rank)));
    assert.deepEqual([...ranks].sort(), ['beyond 1000', 'top 1', 'top 10', 'top 100', 'top 1000'], 'the file reaches every rank bucket');
    const { workbench } = session();
    await waitForLoadedModel(workbench);
    // The session opened the file, with the keyboard focus in it; the Lens then takes the Explorer's place.
    await runCommand(workbench.page, 'Llama Lens: Show Surprisal Heatmap');
    await openLens(workbench.page);
  });

  it('summarises the file from the fast pass: bits per token, perplexity and the top-1 share, and says top-10 needs ranks', async function () {
    const { workbench, server } = session();
    const lens = lensFrame(workbench.page);
    const legend = await waitForLensMode(workbench.page, 'surprisal');
    await waitFor(() => lens.locator('[data-testid="heatmap-summary"]').textContent(), {
      message: `the summary to count ${scores.length} tokens`,
      until: (text) => new RegExp(`\\b${scores.length} tokens`).test(text ?? ''),
    });
    const meanBits = mean(scores.map((score) => score.bits));
    const shownBits = Number.parseFloat((await lens.locator('[data-testid="figure-bits"]').textContent()) ?? '');
    assert.ok(Math.abs(shownBits - meanBits) <= BITS_TOLERANCE, `bits per token ${shownBits}, closed form ${meanBits}`);
    const perplexity = Number.parseFloat((await lens.locator('[data-testid="figure-perplexity"]').textContent()) ?? '');
    assert.ok(
      Math.abs(perplexity - 2 ** meanBits) <= 0.006 + 2 ** meanBits * BITS_TOLERANCE * Math.LN2,
      `perplexity ${perplexity}, closed form ${2 ** meanBits}`,
    );
    assert.equal(
      countOf(await lens.locator('[data-testid="figure-top1"]').textContent()),
      scores.filter((score) => score.rank === 1).length,
    );
    assert.equal(await lens.locator('[data-testid="figure-top10"]').textContent(), '—');
    assert.match(
      (await lens.locator('[data-testid="figures-note"]').textContent()) ?? '',
      /Top-10 and mean entropy need every token's rank/,
    );
    await expectColours(legend, (score) => score.bits, 'surprisal');
    // The two hottest of six equal bins up to 12 bits: 8 bits or more.
    assert.deepEqual(await expectRulerMarks((score) => score.bits >= 8, 'tokens of 8 bits or more'), TEXT.split('\n'));
    assert.equal(loggedPasses(server.userDataDir, FILE, 'bits'), 1, 'one fast pass');
    assert.equal(loggedPasses(server.userDataDir, FILE, 'full'), 0, 'no full pass for surprisal');
  });

  it('switches to Rank from the Lens: one full pass, each token in its closed-form bucket, and the top-10 share', async function () {
    const { workbench, server } = session();
    const lens = lensFrame(workbench.page);
    await lens.locator('[data-testid="heatmap-mode"][data-mode="rank"]').click();
    const legend = await waitForLensMode(workbench.page, 'rank');
    assert.deepEqual(legend.map((entry) => entry.label), ['top 1', 'top 10', 'top 100', 'top 1000', 'beyond 1000']);
    await expectColours(legend, (score) => bucketLabel(score.rank), 'rank bucket');
    // The two hottest buckets, top 1000 and beyond: the first line alone, so the second must carry no mark.
    assert.deepEqual(await expectRulerMarks((score) => score.rank > 100, 'ranks beyond 100'), [TEXT.split('\n')[0]]);
    assert.equal(
      countOf(await lens.locator('[data-testid="figure-top10"]').textContent()),
      scores.filter((score) => score.rank <= 10).length,
    );
    assert.equal(
      countOf(await lens.locator('[data-testid="figure-top1"]').textContent()),
      scores.filter((score) => score.rank === 1).length,
    );
    const entropy = Number.parseFloat((await lens.locator('[data-testid="figure-entropy"]').textContent()) ?? '');
    const meanEntropy = mean(scores.map((score) => score.entropyBits));
    assert.ok(Math.abs(entropy - meanEntropy) <= BITS_TOLERANCE, `mean entropy ${entropy}, closed form ${meanEntropy}`);
    assert.equal(await lens.locator('[data-testid="figures-note"]').count(), 0, 'no note once the ranks are known');
    assert.equal(loggedPasses(server.userDataDir, FILE, 'full'), 1, 'one full pass');
    await screenshot(workbench.page, 'heatmap-rank');
  });

  it('switches to Entropy through the setting with no new pass: each token in the bin of its closed-form entropy', async function () {
    const { workbench, server } = session();
    await changeUserSettings(workbench.page, server.userDataDir, { 'llamaLens.heatmap.mode': 'entropy' });
    const legend = await waitForLensMode(workbench.page, 'entropy');
    await expectColours(legend, (score) => score.entropyBits, 'entropy');
    assert.equal(loggedPasses(server.userDataDir, FILE, 'full'), 1, 'the rank pass serves entropy');
    await screenshot(workbench.page, 'heatmap-entropy');
  });

  it('switches back to Surprisal with no pass at all, and keeps the top-10 share the full pass found', async function () {
    const { workbench, server } = session();
    const lens = lensFrame(workbench.page);
    await lens.locator('[data-testid="heatmap-mode"][data-mode="surprisal"]').click();
    const legend = await waitForLensMode(workbench.page, 'surprisal');
    await expectColours(legend, (score) => score.bits, 'surprisal');
    assert.equal(
      countOf(await lens.locator('[data-testid="figure-top10"]').textContent()),
      scores.filter((score) => score.rank <= 10).length,
    );
    assert.deepEqual([loggedPasses(server.userDataDir, FILE, 'bits'), loggedPasses(server.userDataDir, FILE, 'full')], [1, 1]);
  });

  it('after an edit, re-scores in the mode shown and colours the new token by its closed-form rank', async function () {
    const { workbench, server } = session();
    const lens = lensFrame(workbench.page);
    await lens.locator('[data-testid="heatmap-mode"][data-mode="rank"]').click();
    const legend = await waitForLensMode(workbench.page, 'rank');
    await focusActiveEditor(workbench.page);
    await workbench.page.keyboard.press('Control+End');
    await workbench.page.keyboard.type('#');
    const edited = closedFormScores(table, `${TEXT}#`);
    const last = edited[edited.length - 1];
    assert.ok(last);
    const line = TEXT.split('\n').pop() ?? '';
    await expectLevel(workbench.page, `${line}#`, line.length, levelLabelled(legend, bucketLabel(last.rank)), `rank ${last.rank}`);
    await waitFor(() => loggedPasses(server.userDataDir, FILE, 'full'), {
      message: 'a second full pass, for the edit',
      until: (passes) => passes === 2,
    });
    assert.equal(loggedPasses(server.userDataDir, FILE, 'bits'), 1, 'no fast pass in rank mode');
    await workbench.page.keyboard.press('Backspace');
  });

  it('keeps the editor\'s text readable on every level, and shows the same colours in the legend, in light, dark and both high-contrast themes', async function () {
    const { workbench, server } = session();
    const lens = lensFrame(workbench.page);
    const themes = [
      ['Light 2026', 'vs', 4.5],
      ['Dark 2026', 'vs-dark', 4.5],
      ['Default High Contrast', 'hc-black', 7],
      ['Default High Contrast Light', 'hc-light', 7],
    ] as const;
    for (const [theme, themeClass, minimum] of themes) {
      await changeUserSettings(workbench.page, server.userDataDir, { 'workbench.colorTheme': theme });
      await waitFor(() => workbench.page.locator('.monaco-workbench').getAttribute('class'), {
        message: `the workbench to take the theme ${theme}`, until: (classes) => (classes ?? '').split(/\s+/).includes(themeClass),
      });
      const colours = await heatmapLevelColours(workbench.page);
      const editor = await editorColours(workbench.page);
      assert.equal(parseColour(editor.background).alpha, 1, `${theme}: an opaque editor background, ${editor.background}`);
      const text = parseColour(editor.foreground).rgb;
      const ratios = colours.map((colour) => contrastRatio(blendOver(colour, editor.background), text));
      ratios.forEach((ratio, level) =>
        assert.ok(
          ratio >= minimum,
          `${theme}: text ${editor.foreground} on level ${level} (${colours[level]} over ${editor.background}): ${ratio.toFixed(2)}:1`,
        ),
      );
      const shown = ratios.map((ratio) => ratio.toFixed(2)).join(', ');
      console.log(`    ${theme}: text ${editor.foreground} on ${editor.background}; levels 0–5 at ${shown}:1`);
      for (const mode of ['surprisal', 'rank', 'entropy'] as const) {
        await lens.locator(`[data-testid="heatmap-mode"][data-mode="${mode}"]`).click();
        const legend = await waitForLensMode(workbench.page, mode);
        const swatches = lens.locator('[data-testid="legend-swatch"]');
        await waitFor(() => swatches.evaluateAll((elements) => elements.map((element) => getComputedStyle(element).backgroundColor)), {
          message: `the ${mode} legend's swatches to take the ${theme} colours`,
          until: (shown) =>
            shown.length === legend.length && shown.every((colour, index) => colour === colours[legend[index]?.level ?? -1]),
        });
        await screenshot(workbench.page, `heatmap-${themeClass}-${mode}`);
        await closeUps(workbench.page, `heatmap-${themeClass}-${mode}`);
      }
    }
    await changeUserSettings(workbench.page, server.userDataDir, { 'workbench.colorTheme': 'Light 2026' });
  });
});

describe('E2E: switching the heatmap to a mode that needs the slower pass shows its progress and can be cancelled', function () {
  this.timeout(600_000);
  /** Long enough for the full pass to take seconds on two cores (12,000 oracle tokens: about 14 s). */
  const text = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'oracle-corpus.txt'), 'utf8').repeat(2).slice(0, 12_000);
  const session = useCodeServer('heatmap-cancel', { 'long.js': text }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle-views.gguf'),
    'llamaLens.gpu': 'cpu',
    'llamaLens.completions.enabled': false,
  }));

  it('keeps colouring by surprisal when the rank pass is cancelled, and colours by rank once a pass completes', async function () {
    const { workbench, server } = session();
    const { page } = workbench;
    await waitForLoadedModel(workbench);
    await runCommand(page, 'Llama Lens: Show Surprisal Heatmap');
    await openLens(page);
    await waitForLensMode(page, 'surprisal');
    const lens = lensFrame(page);
    // The README's pictures: a screenful of code in each mode, with the Lens's heatmap section in view.
    await lens.locator('[data-testid="heatmap"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'heatmap-surprisal-long');
    await lens.locator('[data-testid="heatmap-mode"][data-mode="rank"]').click();
    const toast = page.locator('.notification-toast', { hasText: 'scoring long.js (ranks and entropy)' });
    await toast.first().waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await lens.locator('[data-testid="heatmap-pending"]').textContent(), 'Scoring for rank…');
    await toast.first().getByRole('button', { name: 'Cancel' }).click();
    await waitFor(() => outputChannelLog(server.userDataDir, 'Llama Lens'), {
      message: 'the log to say the switch was cancelled',
      until: (log) => log.includes('Heatmap: switching to rank was cancelled; staying with surprisal.'),
    });
    await waitForLensMode(page, 'surprisal');
    assert.equal(loggedPasses(server.userDataDir, 'long.js', 'full'), 0, 'the cancelled pass scored nothing');
    assert.ok(await heatmapPaint(page) >= 10, 'the surprisal colours stay');
    await lens.locator('[data-testid="heatmap-mode"][data-mode="rank"]').click();
    await waitForLensMode(page, 'rank');
    assert.equal(loggedPasses(server.userDataDir, 'long.js', 'full'), 1);
    await screenshot(page, 'heatmap-rank-long');
  });
});

describe('E2E: the heatmap is scored again by a model picked with Select Model', function () {
  this.timeout(600_000);
  const line = '// #x';
  const session = useCodeServer('heatmap-model-switch', { 'switch.js': `${line}\n` }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle-views.gguf'),
    'llamaLens.modelsFolder': generatedModelsDir(),
    'llamaLens.gpu': 'cpu',
    'llamaLens.completions.enabled': false,
    'llamaLens.heatmap.mode': 'rank',
  }));

  it('starts in the mode the setting names, and recolours x after # from beyond 1000 to the first choice', async function () {
    const { workbench, server } = session();
    const { page } = workbench;
    const rankOfX = (model: string) =>
      closedFormScores(loadOracleTable(generatedModelPath(`${model}.table.json`)), `${line}\n`)[line.length - 1]?.rank ?? NaN;
    assert.deepEqual(
      [bucketLabel(rankOfX('oracle-views')), bucketLabel(rankOfX('oracle'))],
      ['beyond 1000', 'top 1'],
      'the closed forms differ',
    );
    await waitForLoadedModel(workbench);
    await runCommand(page, 'Llama Lens: Show Surprisal Heatmap');
    await openLens(page);
    const legend = await waitForLensMode(page, 'rank');
    await expectLevel(page, line, line.length - 1, levelLabelled(legend, 'beyond 1000'), 'rank 1011 in oracle-views');
    await focusActiveEditor(page);
    await pickModel(page, 'oracle.gguf');
    await expectLevel(page, line, line.length - 1, levelLabelled(legend, 'top 1'), 'rank 1 in oracle');
    assert.equal(loggedPasses(server.userDataDir, 'switch.js', 'full'), 2, 'one full pass per model');
  });
});
