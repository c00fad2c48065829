// The Lens and the surprisal heatmap in a real VS Code (code-server in Chromium), on the oracle
// model. Every expected number comes from the oracle's closed form (test/support/oracle.ts).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { surprisalBin } from '../../src/core/lens/surprisalScale';
import { heatmapLevelsAt, heatmapPaint } from '../support/heatmapPaint';
import {
  detokenizeOracle,
  generatedModelPath,
  lastOracleToken,
  loadOracleTable,
  nextTokenDistribution,
  tokenizeLikeOracle,
  type OracleTable,
} from '../support/oracle';
import { typeAtEndOf, useCodeServer, waitForFileText, waitForLoadedModel } from '../support/e2eSession';
import { focusActiveEditor, runCommand, saveWithKeyboard, screenshot, visibleEditorText, waitFor } from '../support/workbench';
import { expectTopRows, lensFrame, percent, PERCENT_TOLERANCE } from '../support/lensFrame';

const HEADER = '// Llama Lens end-to-end test\n';
/** Ends in a non-word character, so the Lens asks for the token after it (no fragment to step back over). */
const TYPED = 'const total = items.map(';

/**
 * The least and the most surprising character of `line` (the file's first line, one oracle token per character), with
 * its closed-form surprisal -log2 P(token | previous token). The first token has no previous one in the file: skipped.
 */
function contrastingTokens(table: OracleTable, line: string): { column: number; bits: number }[] {
  const ids = tokenizeLikeOracle(table, line);
  assert.equal(ids.length, line.length, 'one oracle token per character');
  const scored = ids
    .slice(1)
    .map((id, index) => ({ column: index + 1, bits: -Math.log2(nextTokenDistribution(table, ids[index] ?? -1)[id] ?? NaN) }))
    .filter(({ column }) => line[column] !== ' ')
    .sort((a, b) => a.bits - b.bits);
  const [least, most] = [scored[0], scored[scored.length - 1]];
  assert.ok(
    least && most && surprisalBin(most.bits) - surprisalBin(least.bits) >= 3,
    `the header needs tokens far apart on the scale: ${JSON.stringify(scored)}`,
  );
  return [least, most];
}

/** A bar's width as the Lens set it, e.g. "42.17%". */
const styleWidth = (bar: Element): string => (bar as HTMLElement).style.width;

function ranked(distribution: Float64Array): number[] {
  return [...distribution.keys()].sort((a, b) => (distribution[b] ?? 0) - (distribution[a] ?? 0));
}

describe('E2E: the Lens and the surprisal heatmap in code-server', function () {
  this.timeout(600_000);
  const table = loadOracleTable();
  const session = useCodeServer('lens', { 'lens.js': HEADER }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle.gguf'),
    'llamaLens.gpu': 'cpu',
    'llamaLens.completions.enabled': false,
    'editor.fontSize': 18,
  }));
  const expected = nextTokenDistribution(table, lastOracleToken(table, HEADER + TYPED));
  const order = ranked(expected);

  it('shows the closed-form top tokens and probabilities at the cursor', async function () {
    const { workbench } = session();
    await waitForLoadedModel(workbench);
    await typeAtEndOf(workbench, 'lens.js', TYPED);
    await runCommand(workbench.page, 'Llama Lens: Open the Lens');
    await expectTopRows(workbench.page, expected);
    await screenshot(workbench.page, 'lens-top-tokens');
  });

  it('scales each bar to the likeliest token, linearly or over four decades on the log scale, under column headings', async function () {
    const { workbench } = session();
    const lens = lensFrame(workbench.page);
    const heading = await lens.locator('[data-testid="top-header"]').innerText();
    for (const label of ['token', 'probability', 'after samplers', 'ln p', 'id']) assert.ok(heading.includes(label), heading);
    const top = expected[order[0] ?? -1] ?? NaN;
    const widths = async (): Promise<{ id: number; width: number }[]> => {
      const rows = lens.locator('[data-testid="top-row"]');
      return Promise.all([0, 1, 2, 3, 4].map(async (rank) => ({
        id: Number(await rows.nth(rank).getAttribute('data-token-id')),
        width: Number.parseFloat(await rows.nth(rank).locator('[data-testid="raw-bar"]').evaluate(styleWidth)),
      })));
    };
    const check = (shown: { id: number; width: number }[], want: (ratio: number) => number, scale: string) => {
      for (const { id, width } of shown) {
        const ratio = (expected[id] ?? NaN) / top;
        assert.ok(Math.abs(width - 100 * want(ratio)) <= 0.02, `${scale}: token ${id} at ${ratio} of the top has a ${width}% bar`);
      }
    };
    const linear = await widths();
    assert.equal(linear[0]?.width, 100, 'the likeliest token fills its track');
    check(linear, (ratio) => ratio, 'linear');
    const toggle = lens.locator('[data-testid="bar-scale"]');
    await toggle.click();
    await waitFor(() => toggle.getAttribute('aria-pressed'), { message: 'the log scale to be on', until: (pressed) => pressed === 'true' });
    check(await widths(), (ratio) => Math.max(0, 1 + Math.log10(ratio) / 4), 'log');
    await screenshot(workbench.page, 'lens-log-scale');
    // The choice outlives the page: hidden, the Lens drops its webview; shown again, it is a new page.
    await runCommand(workbench.page, 'View: Show Explorer');
    await waitFor(() => workbench.page.locator('iframe.webview.ready').count(), {
      message: 'the hidden Lens to drop its webview', until: (count) => count === 0,
    });
    await runCommand(workbench.page, 'Llama Lens: Open the Lens');
    await waitFor(() => toggle.getAttribute('aria-pressed'), { message: 'the log scale restored', until: (pressed) => pressed === 'true' });
    await waitFor(() => lens.locator('[data-testid="top-row"]').count(), { message: 'the rows again', until: (count) => count >= 5 });
    check(await widths(), (ratio) => Math.max(0, 1 + Math.log10(ratio) / 4), 'log, restored');
    await toggle.click();
    await waitFor(() => toggle.getAttribute('aria-pressed'), { message: 'linear again', until: (pressed) => pressed === 'false' });
  });

  it('reshapes the final distribution when the temperature slider moves, as p^(1/T) renormalised', async function () {
    const { workbench } = session();
    const lens = lensFrame(workbench.page);
    await lens.locator('[data-testid="slider-temperature"]').fill('0.5');
    const squares = [...expected].map((p) => p * p);
    const total = squares.reduce((sum, value) => sum + value, 0);
    const first = lens.locator('[data-testid="top-row"]').first().locator('[data-testid="final-prob"]');
    const want = (squares[order[0] ?? -1] ?? NaN) / total;
    const shown = await waitFor(async () => percent(await first.textContent()), {
      message: `the top token's final probability to become ${want}`,
      until: (value) => Math.abs(value - want) <= PERCENT_TOLERANCE,
    });
    assert.ok(Math.abs(shown - want) <= PERCENT_TOLERANCE);
    await screenshot(workbench.page, 'lens-sampler-lab');
    await lens.locator('[data-testid="sampler-reset"]').click();
  });

  it('expands a candidate into its closed-form children, and "Insert path" writes those tokens', async function () {
    const { workbench, workspace } = session();
    const lens = lensFrame(workbench.page);
    const parentId = order[1] ?? -1;
    await lens.locator(`[data-testid="top-row"][data-token-id="${parentId}"] [data-testid="expand"]`).click();
    const children = nextTokenDistribution(table, parentId);
    const childId = ranked(children)[0] ?? -1;
    const child = lens.locator(`[data-testid="tree-node"][data-path="${parentId},${childId}"]`);
    await child.first().waitFor({ state: 'visible', timeout: 60_000 });
    const cumulative = Number.parseFloat((await child.locator('[data-testid="cumulative-logprob"]').first().textContent()) ?? '');
    const want = Math.log(expected[parentId] ?? NaN) + Math.log(children[childId] ?? NaN);
    assert.ok(Math.abs(cumulative - want) <= 0.002, `cumulative ln p ${cumulative} vs ${want}`);
    await screenshot(workbench.page, 'lens-tree');
    await child.locator('[data-testid="insert-path"]').first().click();
    // The host asks the engine to decode the path before it edits: save once the edit is in the editor.
    const inserted = TYPED + detokenizeOracle(table, [parentId, childId]);
    await waitFor(() => visibleEditorText(workbench.page), {
      message: `the editor to show ${JSON.stringify(inserted)}`,
      until: (text) => text.includes(inserted),
    });
    await saveWithKeyboard(workbench.page);
    await waitForFileText(workspace, 'lens.js', HEADER + inserted);
  });

  it('inspects the last completion: its tokens, and the closed-form alternatives of a step on hover and click', async function () {
    const { workbench, workspace } = session();
    const { page } = workbench;
    const text = readFileSync(join(workspace, 'lens.js'), 'utf8');
    const first = nextTokenDistribution(table, lastOracleToken(table, text));
    await focusActiveEditor(page);
    await page.keyboard.press('Control+End');
    await runCommand(page, 'Llama Lens: Trigger Completion');
    const lens = lensFrame(page);
    const tokens = lens.locator('[data-testid="trace-token"]');
    await waitFor(() => tokens.count(), {
      timeoutMs: 60_000,
      message: "the inspector to show the completion's tokens",
      until: (count) => count >= 1,
    });
    // Hover: the token's tooltip lists the alternatives with their probabilities.
    const title = (await tokens.first().getAttribute('title')) ?? '';
    const best = ranked(first)[0] ?? -1;
    assert.match(title, /^chosen: /);
    const listed = [...title.matchAll(/(\d+\.\d+)%/g)].map((match) => Number(match[1]) / 100);
    assert.ok(
      listed.some((p) => Math.abs(p - (first[best] ?? NaN)) <= PERCENT_TOLERANCE),
      `the tooltip ${JSON.stringify(title)} lists the likeliest token at ${first[best]} after ${JSON.stringify(text.slice(-30))}`,
    );
    // Click: the alternatives appear as rows, each with its closed-form probability.
    await tokens.first().click();
    const rows = lens.locator('[data-testid="trace-alternative"]');
    await waitFor(() => rows.count(), { message: 'the alternatives of the first step', until: (count) => count >= 2 });
    for (let index = 0; index < (await rows.count()); index++) {
      const row = rows.nth(index);
      const id = Number(await row.getAttribute('data-token-id'));
      const shown = percent(await row.locator('.num').textContent());
      assert.ok(Math.abs(shown - (first[id] ?? NaN)) <= PERCENT_TOLERANCE, `alternative ${id} shows ${shown}, closed form ${first[id]}`);
    }
    await screenshot(page, 'lens-inspector');
  });

  it('colours the file by surprisal and lists the most surprising lines', async function () {
    const { workbench } = session();
    await runCommand(workbench.page, 'Llama Lens: Show Surprisal Heatmap');
    const lens = lensFrame(workbench.page);
    const lines = lens.locator('[data-testid="surprising-line"]');
    await waitFor(() => lines.count(), {
      timeoutMs: 60_000,
      message: 'the Lens to list the most surprising lines',
      until: (count) => count >= 1,
    });
    const tokens = tokenizeLikeOracle(table, readFileSync(join(session().workspace, 'lens.js'), 'utf8')).length;
    await waitFor(() => lens.locator('[data-testid="heatmap-summary"]').textContent(), {
      message: `the heatmap summary to count all ${tokens} tokens`,
      until: (text) => new RegExp(`\\b${tokens} tokens`).test(text ?? ''),
    });
    await waitFor(() => heatmapPaint(workbench.page), { message: 'heatmap colours in the editor', until: (count) => count >= 10 });
    const header = HEADER.trimEnd();
    for (const { column, bits } of contrastingTokens(table, header)) {
      const want = surprisalBin(bits);
      await waitFor(() => heatmapLevelsAt(workbench.page, header, column), {
        message: `${JSON.stringify(header[column])} at column ${column} (${bits.toFixed(2)} bits) painted at level ${want} alone`,
        until: (levels) => levels.length === 1 && levels[0] === want,
      });
    }
    const scoring = workbench.page.locator('.notification-toast', { hasText: 'scoring' });
    await waitFor(() => scoring.count(), { message: 'the scoring notification to close', until: (count) => count === 0 });
    await screenshot(workbench.page, 'heatmap');
    await runCommand(workbench.page, 'Llama Lens: Show Surprisal Heatmap');
    await waitFor(() => heatmapPaint(workbench.page), { message: 'the heatmap to toggle off', until: (count) => count === 0 });
    await lens.locator('[data-testid="heatmap"]').waitFor({ state: 'hidden' });
  });
});
