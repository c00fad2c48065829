// The heatmap as the E2E tests read it: the Lens's mode switch, figures and legend, the levels painted under each
// character, the passes the log records, and settings changed while code-server runs.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { outputChannelLog } from '../../scripts/lib/codeServer';
import { heatmapLevelsAt } from './heatmapPaint';
import { lensFrame } from './lensFrame';
import { focusActiveEditor, runCommand, waitFor } from './workbench';

export type Mode = 'surprisal' | 'rank' | 'entropy';

/**
 * Changes user settings in a running code-server as a user would: in the user settings.json editor (VS Code 1.139
 * opens it as a modal editor), saved, then closed. Writing the file behind code-server's back goes unnoticed.
 */
export async function changeUserSettings(page: Page, userDataDir: string, changes: Record<string, unknown>): Promise<void> {
  const file = join(userDataDir, 'User', 'settings.json');
  const wanted = { ...(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>), ...changes };
  await focusActiveEditor(page); // F1 reaches the workbench from an editor, not always from a webview that has the focus.
  await runCommand(page, 'Preferences: Open User Settings (JSON)');
  const editor = page.locator('.monaco-editor[data-uri$="/User/settings.json"]').first();
  await editor.locator('.view-lines').click({ timeout: 30_000 });
  await waitFor(() => editor.evaluate((element) => element.contains(document.activeElement)), {
    message: 'the settings.json editor to take the focus',
  });
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(JSON.stringify(wanted, null, 2));
  await page.keyboard.press('Control+S');
  await waitFor(() => JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))), {
    message: `${file} to hold the new settings`,
    until: (text) => text === JSON.stringify(wanted),
  });
  await page.locator('.monaco-modal-editor-block [aria-label^="Close Modal Editor"]').first().click({ timeout: 30_000 });
  // The editor sometimes counts as changed again after its save: VS Code then asks, and the text is what we saved.
  const save = page.locator('.monaco-dialog-box').getByRole('button', { name: 'Save', exact: true });
  await waitFor(async () => {
    if (await save.isVisible()) await save.click();
    return editor.count();
  }, { message: 'the settings.json editor to close', until: (count) => count === 0 });
  assert.equal(JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))), JSON.stringify(wanted), `${file} holds the new settings`);
}

/** Passes of `detail` the extension logged for `file` ("Heatmap: scored N tokens of FILE (DETAIL, …"). */
export function loggedPasses(userDataDir: string, file: string, detail: 'bits' | 'full'): number {
  const pattern = new RegExp(`Heatmap: scored \\d+ tokens of ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(${detail},`, 'g');
  return (outputChannelLog(userDataDir, 'Llama Lens').match(pattern) ?? []).length;
}

export interface LegendEntry {
  level: number;
  label: string;
}

/** Waits until the Lens's heatmap section shows `mode` (pressed, with its legend) and returns the legend. */
export async function waitForLensMode(page: Page, mode: Mode, timeoutMs = 120_000): Promise<LegendEntry[]> {
  const lens = lensFrame(page);
  await waitFor(
    async () => ({
      pressed: await lens.locator('[data-testid="heatmap-mode"][aria-pressed="true"]').getAttribute('data-mode', { timeout: 1000 }),
      legend: await lens.locator('[data-testid="legend"]').getAttribute('data-mode', { timeout: 1000 }),
      pending: await lens.locator('[data-testid="heatmap-pending"]').count(),
    }),
    {
      timeoutMs,
      message: `the Lens to show the heatmap coloured by ${mode}`,
      until: (shown) => shown.pressed === mode && shown.legend === mode && shown.pending === 0,
    },
  );
  const rows = lens.locator('[data-testid="legend"] li');
  const entries: LegendEntry[] = [];
  for (let index = 0; index < (await rows.count()); index++) {
    const row = rows.nth(index);
    entries.push({
      level: Number(await row.locator('[data-testid="legend-swatch"]').getAttribute('data-level')),
      label: (await row.locator('[data-testid="legend-label"]').textContent()) ?? '',
    });
  }
  return entries;
}

/** The legend level whose label is exactly `label` (rank buckets). */
export function levelLabelled(legend: readonly LegendEntry[], label: string): number {
  const entry = legend.find((candidate) => candidate.label === label);
  assert.ok(entry, `the legend ${JSON.stringify(legend)} has no entry ${JSON.stringify(label)}`);
  return entry.level;
}

/**
 * The legend level whose range ('2–4 bits', '≥10 bits') holds `bits`, or undefined when `bits` is within `margin` of
 * an edge (the engine's float32 could put it either side). Checks the ranges tile [0, ∞).
 */
export function levelHolding(legend: readonly LegendEntry[], bits: number, margin = 1e-3): number | undefined {
  const ranges = legend.map(({ level, label }) => {
    const closed = /^([\d.]+)–([\d.]+) bits$/.exec(label);
    const open = /^≥([\d.]+) bits$/.exec(label);
    assert.ok(closed || open, `legend label ${JSON.stringify(label)}`);
    return { level, low: Number(closed?.[1] ?? open?.[1]), high: closed ? Number(closed[2]) : Number.POSITIVE_INFINITY };
  });
  ranges.forEach((range, index) =>
    assert.equal(range.low, index === 0 ? 0 : ranges[index - 1]?.high, `the legend's ranges tile: ${JSON.stringify(legend)}`),
  );
  if (ranges.some((range) => Math.abs(bits - range.low) < margin)) return undefined;
  return ranges.find((range) => range.low <= bits && bits < range.high)?.level;
}

/** Waits until the character at `column` of the rendered line `lineText` is painted at `level` alone. */
export async function expectLevel(page: Page, lineText: string, column: number, level: number, what: string): Promise<void> {
  await waitFor(() => heatmapLevelsAt(page, lineText, column), {
    message: `${JSON.stringify(lineText[column])} at column ${column} of ${JSON.stringify(lineText)} (${what}) painted at level ${level} alone`,
    until: (levels) => levels.length === 1 && levels[0] === level,
  });
}

/** "23.21% (13 of 56)" → 13; throws on anything else. */
export function countOf(text: string | null): number {
  const match = /\((\d+) of \d+\)/.exec(text ?? '');
  if (!match) throw new Error(`no "(N of M)" in ${JSON.stringify(text)}`);
  return Number(match[1]);
}
