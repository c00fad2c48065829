// The Lens and the surprisal heatmap in a real VS Code (code-server in Chromium), on the oracle
// model. Every expected number comes from the oracle's closed form (test/support/oracle.ts).
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
import {
  focusActiveEditor, runCommand, saveWithKeyboard, screenshot, screenshotPath, visibleEditorText, waitFor,
} from '../support/workbench';
import { expectTopRows, lensFrame, lensPageWidths, percent, PERCENT_TOLERANCE, setLensWidth } from '../support/lensFrame';
import { changeUserSettings } from '../support/heatmapLens';

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

/** The Lens preferences Llama Lens saved in its storage for the workspace ('' before any). */
function savedPreferences(userDataDir: string): string {
  const root = join(userDataDir, 'User', 'workspaceStorage');
  if (!existsSync(root)) return '';
  const files = readdirSync(root).map((workspace) => join(root, workspace, 'llama-lens.llama-lens', 'lens-preferences.json'));
  return files.filter((file) => existsSync(file)).map((file) => readFileSync(file, 'utf8')).join('\n');
}

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
    // A narrow panel shows short headings ("p", "after"): the full ones are in the row too, and in their titles.
    const heading = (await lens.locator('[data-testid="top-header"]').textContent()) ?? '';
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
    // The chart's final curve is reshaped with it: its top point is the same closed-form value.
    const curveTop = Number(await lens.locator('[data-testid="final-curve"]').getAttribute('data-top'));
    assert.ok(Math.abs(curveTop - want) <= 1e-4, `the final curve starts at ${curveTop}, closed form ${want}`);
    await screenshot(workbench.page, 'lens-sampler-lab');
    await lens.locator('[data-testid="sampler-reset"]').click();
  });

  it('draws the top-k, top-p and min-p cut-offs on the sampler chart where the closed form puts them', async function () {
    const { workbench } = session();
    const lens = lensFrame(workbench.page);
    const sorted = [...expected].sort((a, b) => b - a);
    // Min-p between the second and third ranks' share of the first, on the slider's 0.01 steps.
    const [k, p] = [6, 0.5];
    const minP = Math.floor((100 * ((sorted[1] ?? NaN) + (sorted[2] ?? NaN))) / 2 / (sorted[0] ?? NaN)) / 100;
    // llama.cpp's order on the closed form: top-k, then top-p over the survivors renormalised, then min-p.
    const afterK = Math.min(k, sorted.length);
    const massK = sorted.slice(0, afterK).reduce((sum, value) => sum + value, 0);
    let afterP = 0;
    for (let cumulative = 0; afterP < afterK && cumulative < p * massK;) cumulative += sorted[afterP++] ?? 0;
    const afterMinP = sorted.slice(0, afterP).filter((value) => value >= minP * (sorted[0] ?? NaN)).length;
    assert.ok(afterP < afterK && afterMinP < afterP, `the settings must cut at three places: ${afterK}, ${afterP}, ${afterMinP}`);
    await lens.locator('[data-testid="slider-top-k"]').fill(String(k));
    await lens.locator('[data-testid="slider-top-p"]').fill(String(p));
    await lens.locator('[data-testid="slider-min-p"]').fill(String(minP));
    const rankOf = (testId: string) => lens.locator(`[data-testid="${testId}"]`).getAttribute('data-rank');
    await waitFor(() => Promise.all(['cut-top-k', 'cut-top-p', 'cut-min-p', 'kept-region'].map(rankOf)), {
      message: `the cuts at ranks ${afterK}, ${afterP}, ${afterMinP}, and ${afterMinP} kept`,
      until: (ranks) => ranks.join() === [afterK, afterP, afterMinP, afterMinP].join(),
    });
    assert.equal(await lens.locator('[data-testid="kept-count"]').textContent(), `kept ${afterMinP} tokens (of ${sorted.length})`);
    // The rank axis is logarithmic: the line after rank r sits at log(r + 1) / log(N + 1) of the plot's width.
    const x = async (testId: string) => Number(await lens.locator(`[data-testid="${testId}"] line`).getAttribute('x1'));
    const [xK, xP] = [await x('cut-top-k'), await x('cut-top-p')];
    const ratio = Math.log(afterP + 1) / Math.log(afterK + 1);
    assert.ok(Math.abs(xP / xK - ratio) < 0.01, `top-p's line at ${xP}, top-k's at ${xK}: ratio ${xP / xK}, log axis ${ratio}`);
    const threshold = Number(await lens.locator('[data-testid="cut-min-p"]').getAttribute('data-threshold'));
    assert.ok(Math.abs(threshold - minP * (sorted[0] ?? NaN)) < 1e-6, `min-p's threshold ${threshold}`);
    await lens.locator('[data-testid="sampler-chart"]').screenshot({ path: screenshotPath('lens-sampler-chart') });
    await lens.locator('[data-testid="sampler-reset"]').click();
    await lens.locator('[data-testid="cut-top-k"]').waitFor({ state: 'hidden' });
  });

  it('moves through the rows with the arrow keys, opens a node with Enter and closes it with ←, and labels each row', async function () {
    const { workbench } = session();
    const { page } = workbench;
    const lens = lensFrame(page);
    const focused = () => lens.locator('html').evaluate(() => {
      const active = document.activeElement;
      if (!(active instanceof HTMLElement)) return null;
      return { rank: active.dataset.rank ?? '', path: active.dataset.path ?? '', label: active.getAttribute('aria-label') ?? '' };
    });
    await lens.locator('[data-testid="top-row"][data-rank="1"] [data-testid="rank"]').click();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const third = await waitFor(focused, { message: 'the third row to have the focus', until: (row) => row?.rank === '3' });
    const id = order[2] ?? -1;
    const percentText = (100 * (expected[id] ?? NaN)).toFixed(2);
    assert.match(third?.label ?? '', new RegExp(`^rank 3: .+, probability ${percentText}%, .+token id ${id}$`));
    assert.equal(await lens.locator('[data-testid="top-row"][tabindex="0"]').getAttribute('data-rank'), '3', 'one row in the tab order');
    await page.keyboard.press('Enter');
    const node = lens.locator(`[data-testid="tree-node"][data-path="${id}"]`);
    await waitFor(() => node.getAttribute('aria-expanded'), { message: 'Enter to open the node', until: (open) => open === 'true' });
    assert.equal(await node.getAttribute('role'), 'treeitem');
    assert.equal(await lens.locator('[data-testid="tree"] [role="tree"]').count(), 1);
    await page.keyboard.press('ArrowLeft');
    await node.waitFor({ state: 'detached' });
    await page.keyboard.press('End');
    await waitFor(focused, { message: 'End to reach the last row', until: (row) => row?.rank === String(Math.min(20, order.length)) });
  });

  it('collapses a section from its heading, and keeps it collapsed after the window reloads', async function () {
    const { workbench } = session();
    const { page } = workbench;
    const lens = lensFrame(page);
    const stats = lens.locator('[data-testid="stats"]');
    const toggle = stats.locator('[data-testid="section-toggle"]');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await toggle.click();
    await waitFor(() => toggle.getAttribute('aria-expanded'), { message: 'Stats to collapse', until: (expanded) => expanded === 'false' });
    assert.equal(await stats.locator('[data-testid="entropy"]').isVisible(), false);
    // The host keeps it in a file of the workspace's storage: wait until it is written, or a reload now could outrun it.
    await waitFor(() => savedPreferences(session().server.userDataDir), {
      message: 'the collapsed Stats section to be saved in lens-preferences.json',
      until: (text) => text.includes('"collapsed":["stats"]'),
    });
    await page.reload();
    await waitForLoadedModel(workbench);
    await runCommand(page, 'Llama Lens: Open the Lens');
    await waitFor(() => toggle.getAttribute('aria-expanded'), {
      timeoutMs: 60_000, message: 'Stats still collapsed after the reload', until: (expanded) => expanded === 'false',
    });
    await screenshot(page, 'lens-collapsed-stats');
    await toggle.click();
    await stats.locator('[data-testid="entropy"]').waitFor({ state: 'visible' });
    // The reload left the editor unfocused: put the cursor back where the other tests expect it.
    await focusActiveEditor(page);
    await page.keyboard.press('Control+End');
    await expectTopRows(page, expected);
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

  it('fits 250 to 600 px with no sideways scroll, and is screenshot with the heatmap in light, dark and high-contrast themes', async function () {
    const { workbench, server } = session();
    const { page } = workbench;
    const lens = lensFrame(page);
    await runCommand(page, 'Llama Lens: Show Surprisal Heatmap');
    await waitFor(() => heatmapPaint(page), { message: 'heatmap colours in the editor', until: (count) => count >= 10 });
    await lens.locator('[data-testid="heatmap"]').waitFor({ state: 'visible' });
    for (const width of [250, 330, 331, 600]) {
      await setLensWidth(page, width);
      const { client, scroll } = await lensPageWidths(page);
      assert.ok(scroll <= client, `at ${width} px the Lens is ${scroll} px wide: it scrolls sideways`);
      // Every row still shows its token, both probabilities and its bars.
      const row = lens.locator('[data-testid="top-row"]').first();
      for (const part of ['token-text', 'raw-prob', 'final-prob', 'raw-bar']) {
        assert.ok(await row.locator(`[data-testid="${part}"]`).isVisible(), `${part} visible at ${width} px`);
      }
      const heading = await lens.locator('[data-testid="top-header"]').innerText();
      const shown = width > 330 ? ['probability', 'after samplers', 'ln p', 'id'] : ['p', 'after'];
      for (const label of shown) assert.ok(heading.split(/\s+/).join(' ').includes(label), `${label} at ${width} px: ${heading}`);
    }
    const themes = [
      ['Light 2026', 'vs', 'light'], ['Dark 2026', 'vs-dark', 'dark'], ['Default High Contrast', 'hc-black', 'high-contrast'],
    ] as const;
    for (const [theme, themeClass, name] of themes) {
      await changeUserSettings(page, server.userDataDir, { 'workbench.colorTheme': theme });
      await waitFor(() => page.locator('.monaco-workbench').getAttribute('class'), {
        message: `the workbench to take the theme ${theme}`, until: (classes) => (classes ?? '').split(/\s+/).includes(themeClass),
      });
      for (const width of [260, 520]) {
        await setLensWidth(page, width);
        // The top of the Lens, and no sash highlight under the pointer.
        await page.mouse.move(900, 600);
        await lens.locator('html').evaluate(() => window.scrollTo(0, 0));
        await screenshot(page, `lens-${name}-${width}`);
      }
    }
    await changeUserSettings(page, server.userDataDir, { 'workbench.colorTheme': 'Light 2026' });
    await runCommand(page, 'Llama Lens: Show Surprisal Heatmap');
    await waitFor(() => heatmapPaint(page), { message: 'the heatmap to toggle off', until: (count) => count === 0 });
  });
});
