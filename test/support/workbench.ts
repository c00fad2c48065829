// Playwright helpers for driving code-server's workbench in Debian's Chromium (playwright-core, never
// `playwright install`). No fixed sleeps: every wait polls a real condition and has a deadline.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { e2ePaths } from '../../scripts/lib/e2ePaths';

export const VIEWPORT = { width: 1400, height: 900 } as const;

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Selectors for code-server 4.139 / VS Code 1.139, in one place so a UI change is fixed once. */
export const SELECTORS = {
  workbench: '.monaco-workbench',
  explorerRows: '.explorer-folders-view .monaco-list-row',
  activeEditor: '.editor-group-container.active .monaco-editor',
  activeTab: '.editor-group-container.active .tab.active',
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputTitle: '.quick-input-widget .quick-input-title',
  quickInputRows: '.quick-input-widget .quick-input-list .monaco-list-row',
  ghostTextInline: '.ghost-text-decoration',
  ghostTextLines: '.suggest-preview-text',
  dirtyActiveTab: '.editor-group-container.active .tab.active.dirty',
  statusBarItem: '.statusbar-item',
  /** The hover VS Code shows for a status bar item's tooltip (and for other workbench elements). */
  workbenchHover: '.monaco-hover.workbench-hover',
  editorPart: '.part.editor',
} as const;

export interface WaitOptions {
  /** The deadline. Default 30 s. */
  timeoutMs?: number;
  /** What was awaited, for the error message. */
  message?: string;
  /** Poll interval. Default 100 ms. */
  intervalMs?: number;
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 2000 ? `${value.slice(0, 2000)}…` : value);
  try {
    const text = JSON.stringify(value);
    return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
  } catch {
    return String(value);
  }
}

/**
 * Polls `probe` until `until(value)` holds (default: the value is truthy), and returns that value.
 * Past the deadline it throws with `message`, the last value observed and the last error the probe threw.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  options: WaitOptions & { until?: (value: T) => boolean } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 100;
  const until = options.until ?? ((value: T) => Boolean(value));
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  let observed = false;
  for (;;) {
    try {
      last = await probe();
      observed = true;
      lastError = undefined;
      if (until(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
  const parts = [`Timed out after ${(timeoutMs / 1000).toFixed(1)} s waiting for ${options.message ?? 'a condition'}`];
  parts.push(observed ? `last value: ${show(last)}` : 'no value was ever observed');
  if (lastError !== undefined) parts.push(`last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  throw new Error(parts.join('; '));
}

export interface Workbench {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Closes the browser (with a deadline). Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenWorkbenchOptions {
  /** Deadline for the workbench and the explorer to render. Default 90 s. */
  timeoutMs?: number;
  /** Run headed (needs a display). Default false. */
  headed?: boolean;
}

/**
 * Launches Chromium, opens `url` (code-server's workbench) at a fixed viewport, and waits until the workbench
 * and the explorer's folder view are rendered. Browser console errors are collected on `page` for debugging.
 */
export async function openWorkbench(url: string, options: OpenWorkbenchOptions = {}): Promise<Workbench> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const browser = await chromium.launch({
    executablePath: e2ePaths().chromium,
    headless: options.headed !== true,
    args: [...CHROMIUM_ARGS],
    timeout: 60_000,
  });
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= Promise.race([
      browser.close().catch(() => undefined),
      new Promise<void>((resolve) => setTimeout(resolve, 15_000)),
    ]);
    return closed;
  };
  try {
    const context = await browser.newContext({ viewport: { ...VIEWPORT }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
    await page.locator(SELECTORS.workbench).first().waitFor({ state: 'visible', timeout: timeoutMs });
    // The explorer is rendered once its folder view shows the workspace's tree (possibly empty) in the side bar.
    await page.locator('.explorer-folders-view').first().waitFor({ state: 'visible', timeout: timeoutMs });
    return { browser, context, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The explorer row for a file or folder at the top level (or any expanded level) of the workspace tree. */
function explorerRow(page: Page, name: string) {
  return page
    .locator(SELECTORS.explorerRows)
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Opens a file by clicking it in the Explorer, waits until its editor is the active one with the text cursor in it,
 * and returns. Typing with `page.keyboard` then goes into that file.
 */
export async function openFileFromExplorer(page: Page, name: string, timeoutMs = 30_000): Promise<void> {
  const row = explorerRow(page, name).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
  const editor = page.locator(`${SELECTORS.activeEditor}[data-uri$="/${encodeURIComponent(name)}"]`).first();
  await editor.waitFor({ state: 'visible', timeout: timeoutMs });
  await waitForEditorContributions(page, timeoutMs);
  await focusActiveEditor(page, timeoutMs);
}

/**
 * Waits until the page has been idle once, by VS Code's own measure, since the editor was created.
 * A new editor instantiates its "Eventually" contributions, the inline-completions controller among them, in a
 * `requestIdleCallback` (at most 5 s later). Keystrokes typed before then do not trigger inline suggestions at all
 * (their onDidType events have no listener yet), so a test that types right after opening a file can see no ghost
 * text. Idle callbacks run in the order they were requested, and ours asks for the same 5 s deadline as the
 * editor's (requested earlier), so when ours runs, the editor's has run.
 */
export async function waitForEditorContributions(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.evaluate(
    (deadline) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline); // Never hang: requestIdleCallback's own timeout should win.
        requestIdleCallback(() => requestIdleCallback(() => (clearTimeout(timer), resolve()), { timeout: 5000 }), { timeout: 5000 });
      }),
    Math.max(1000, timeoutMs - 1000),
  );
}

/**
 * Puts the keyboard focus in the active editor (clicking its text only when it does not have it already; a click
 * moves the cursor). VS Code 1.139 edits through an EditContext `div.native-edit-context`, not a <textarea>, so
 * "focused" means: the active element is inside the editor, which then carries the `focused` class.
 */
export async function focusActiveEditor(page: Page, timeoutMs = 30_000): Promise<void> {
  const focusState = (): Promise<{ focused: boolean; activeElement: string }> =>
    page.evaluate((selector) => {
      const editor = document.querySelector(selector);
      const active = document.activeElement;
      const describe = active
        ? `${active.tagName.toLowerCase()}${active.className ? `.${String(active.className).trim().split(/\s+/).join('.')}` : ''}`
        : 'none';
      return { focused: editor !== null && editor.classList.contains('focused') && editor.contains(active), activeElement: describe };
    }, SELECTORS.activeEditor);
  if ((await focusState()).focused) return;
  await page.locator(`${SELECTORS.activeEditor} .view-lines`).first().click({ timeout: timeoutMs });
  await waitFor(focusState, { timeoutMs, message: 'the active editor to take the keyboard focus', until: (state) => state.focused });
}

/** True while the active editor's tab shows unsaved changes. */
export async function activeEditorIsDirty(page: Page): Promise<boolean> {
  return (await page.locator(SELECTORS.dirtyActiveTab).count()) > 0;
}

/** Ctrl+S in the active editor, then waits until its tab no longer shows unsaved changes. */
export async function saveWithKeyboard(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.keyboard.press('Control+S');
  await waitFor(async () => !(await activeEditorIsDirty(page)), {
    timeoutMs,
    message: 'the active editor to be saved (its tab no longer dirty)',
  });
}

/**
 * Runs a command from the Command Palette by its title as the palette shows it (with its category, e.g.
 * 'File: Revert File'): F1, type the title, wait until a row with exactly that title is listed, Enter (or a click on
 * that row when another row is first), then wait for the palette to close.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  await pickCommand(page, title, timeoutMs);
  await page.locator(SELECTORS.quickInput).first().waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** Runs a command that asks for input: waits for its input box, titled `inputTitle`, instead of a closed palette. */
export async function runCommandThatAsks(page: Page, title: string, inputTitle: string, timeoutMs = 30_000): Promise<void> {
  await pickCommand(page, title, timeoutMs);
  await waitFor(() => page.locator(SELECTORS.quickInputTitle).allTextContents(), {
    timeoutMs, message: `the input box "${inputTitle}" to open`, until: (titles) => titles.some((text) => text.trim() === inputTitle),
  });
}

async function pickCommand(page: Page, title: string, timeoutMs: number): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator(SELECTORS.quickInputBox).first();
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await waitFor(() => input.evaluate((el) => el === document.activeElement), {
    timeoutMs,
    message: 'the Command Palette input to take the focus',
  });
  await input.fill(`>${title}`);
  // Enter only once the palette shows a row for exactly this title (it filters asynchronously).
  const rowLabel = page.locator(`${SELECTORS.quickInputRows} .label-name`);
  await waitFor(() => rowLabel.allTextContents(), {
    timeoutMs,
    message: `the Command Palette to list "${title}"`,
    until: (labels) => labels.some((label) => label.replace(/\u00a0/g, ' ').trim() === title),
  });
  // Enter runs the focused (first) row; when that is another command whose title merely contains ours, click ours.
  const [focusedLabel] = await page.locator(`${SELECTORS.quickInputRows}.focused .label-name`).allTextContents();
  if (focusedLabel !== undefined && focusedLabel.replace(/\u00a0/g, ' ').trim() === title) {
    await page.keyboard.press('Enter');
  } else {
    const exact = page
      .locator(SELECTORS.quickInputRows)
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) }) })
      .first();
    await exact.click({ timeout: timeoutMs });
  }
}

/**
 * The inline suggestion (ghost text) shown in the active editor, or '' when there is none.
 * In VS Code 1.139 the part on the cursor's line is a run of `span.ghost-text-decoration` inside `.view-lines`,
 * split by syntax highlighting. Further lines of a multi-line suggestion are a view zone
 * `div.suggest-preview-text > div.view-line[style="top:…"] > span > span.ghost-text`, one view line per line.
 * Non-breaking spaces are returned as spaces; lines are joined with '\n'.
 */
export async function readGhostText(page: Page): Promise<string> {
  return page.evaluate((selectors) => {
    const root = document.querySelector(selectors.activeEditor) ?? document;
    const clean = (text: string | null): string => (text ?? '').replace(/\u00a0/g, ' ');
    const inline = Array.from(root.querySelectorAll('.view-lines .ghost-text-decoration, .view-lines .ghost-text-decoration-preview'))
      .map((span) => clean(span.textContent))
      .join('');
    const blocks = Array.from(root.querySelectorAll('.suggest-preview-text')).map((block) =>
      (Array.from(block.querySelectorAll('.view-line')) as HTMLElement[])
        .map((line) => ({ top: parseFloat(line.style.top || '0'), text: clean(line.textContent) }))
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text)
        .join('\n'),
    );
    return blocks.length > 0 ? [inline, ...blocks].join('\n') : inline;
  }, SELECTORS);
}

/**
 * Waits until ghost text is shown and has stayed the same for two reads in a row (a multi-line suggestion's
 * further lines render a frame after its first), optionally until it satisfies `until`, and returns it.
 */
export async function waitForGhostText(page: Page, options: WaitOptions & { until?: (text: string) => boolean } = {}): Promise<string> {
  const accept = options.until ?? ((text: string) => text.length > 0);
  let previous: string | undefined;
  const settled = await waitFor(
    async () => {
      const text = await readGhostText(page);
      const stable = text === previous;
      previous = text;
      return { text, stable };
    },
    {
      timeoutMs: options.timeoutMs ?? 60_000,
      intervalMs: options.intervalMs ?? 100,
      message: options.message ?? 'ghost text in the active editor',
      until: (state) => state.stable && accept(state.text),
    },
  );
  return settled.text;
}

/**
 * The text of the status bar item(s) whose element id starts with `idPrefix` (VS Code gives an item created with
 * `createStatusBarItem(id)` the DOM id `<extension id>.<id>`), or undefined when there is none.
 */
export async function statusBarText(page: Page, idPrefix: string): Promise<string | undefined> {
  const texts = await page.locator(`${SELECTORS.statusBarItem}[id^="${idPrefix}"]`).evaluateAll((items) =>
    items.map((item) => (item.textContent ?? '').replace(/\u00a0/g, ' ').trim()),
  );
  return texts.length > 0 ? texts.join(' | ') : undefined;
}

/** The text of every workbench hover on screen, joined with newlines ('' when none is shown). */
async function visibleWorkbenchHoverText(page: Page): Promise<string> {
  const texts = await page.locator(SELECTORS.workbenchHover).evaluateAll((hovers) =>
    (hovers as HTMLElement[])
      .filter((hover) => hover.isConnected && hover.getClientRects().length > 0)
      .map((hover) => (hover.textContent ?? '').replace(/\u00a0/g, ' ').trim()),
  );
  return texts.join('\n');
}

/**
 * The tooltip of the status bar item whose element id starts with `idPrefix`, read as a user would: hover the item,
 * wait for its hover to show, read it, then move the mouse to an empty spot of the editor area and wait for the
 * hover to close (an open hover is not redrawn when the tooltip changes, so every read needs a fresh one).
 * The mouse never passes over the editor's text, so ghost text is not disturbed.
 */
export async function statusBarTooltip(page: Page, idPrefix: string, timeoutMs = 30_000): Promise<string> {
  const area = await page.locator(SELECTORS.editorPart).first().boundingBox({ timeout: timeoutMs });
  if (!area) throw new Error('the editor area is not on screen, so there is no empty spot to move the mouse to');
  const item = page.locator(`${SELECTORS.statusBarItem}[id^="${idPrefix}"]`).first();
  // Lower right of the editor area: below and to the right of the few lines a test types, and clear of the scrollbar.
  // On a loaded machine a hover once showed only after the mouse had left its item, and then stayed open: every later
  // read waited for it in vain. So each poll moves the mouse there again, and now and then crosses the item first.
  let polls = 0;
  const hoverClosed = (what: string) =>
    waitFor(async () => {
      if (++polls % 20 === 0) await item.hover({ timeout: timeoutMs });
      await page.mouse.move(area.x + area.width * 0.7 + (polls % 2), area.y + area.height * 0.8);
      return visibleWorkbenchHoverText(page);
    }, { timeoutMs, message: what, until: (text) => text === '' });
  await hoverClosed('earlier hovers to close before hovering the status bar item');
  await item.hover({ timeout: timeoutMs });
  const text = await waitFor(() => visibleWorkbenchHoverText(page), {
    timeoutMs,
    message: `the tooltip of the status bar item ${idPrefix}`,
    until: (shown) => shown.length > 0,
  });
  await hoverClosed('the status bar tooltip to close once the mouse left the item');
  return text;
}

/** The completion counters Llama Lens shows in its status bar tooltip (src/core/completion/CompletionStats.ts). */
export interface CompletionCounters {
  requests: number;
  engineCalls: number;
  typedThrough: number;
}

/** Parses `Completions: N requests, M engine calls` and `(K typed-through, …)` out of the tooltip's text. */
export function parseCompletionCounters(tooltip: string): CompletionCounters {
  const calls = /Completions: (\d+) requests?, (\d+) engine calls?/.exec(tooltip);
  const typed = /(\d+) typed-through/.exec(tooltip);
  if (!calls || !typed) throw new Error(`no completion counters in the status bar tooltip ${JSON.stringify(tooltip)}`);
  return { requests: Number(calls[1]), engineCalls: Number(calls[2]), typedThrough: Number(typed[1]) };
}

/** The full text of the active editor's model, as rendered (only the visible lines). */
export async function visibleEditorText(page: Page): Promise<string> {
  return page.evaluate((selector) => {
    const lines = Array.from(document.querySelectorAll(`${selector} .view-lines .view-line`)) as HTMLElement[];
    return lines
      .map((line) => ({ top: parseFloat(line.style.top || '0'), text: (line.textContent ?? '').replace(/\u00a0/g, ' ') }))
      .sort((a, b) => a.top - b.top)
      .map((line) => line.text)
      .join('\n');
  }, SELECTORS.activeEditor);
}

/** Saves a PNG to test-results/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = screenshotPath(name);
  await page.screenshot({ path: file, timeout: 30_000 });
  return file;
}

/** Where a screenshot called `name` goes (test-results/screenshots, made if missing). */
export function screenshotPath(name: string): string {
  const dir = join(e2ePaths().testResultsDir, 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
}

/** The visible text of every editor on screen (diff sides included), in DOM order. */
export async function allEditorTexts(page: Page): Promise<string[]> {
  return page.evaluate((selector) => Array.from(document.querySelectorAll(selector)).map((editor) => {
    const lines = Array.from(editor.querySelectorAll('.view-lines .view-line')) as HTMLElement[];
    return lines
      .map((line) => ({ top: parseFloat(line.style.top || '0'), text: (line.textContent ?? '').replace(/\u00a0/g, ' ') }))
      .sort((a, b) => a.top - b.top)
      .map((line) => line.text)
      .join('\n');
  }), `${SELECTORS.editorPart} .monaco-editor`);
}

/** Types `text` into the open quick input (an input box a command showed) and presses Enter. */
export async function answerInputBox(page: Page, text: string, timeoutMs = 30_000): Promise<void> {
  const input = page.locator(SELECTORS.quickInputBox).first();
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await waitFor(() => input.evaluate((el) => el === document.activeElement), { timeoutMs, message: 'the input box to take the focus' });
  await input.fill(text);
  await page.keyboard.press('Enter');
  await page.locator(SELECTORS.quickInput).first().waitFor({ state: 'hidden', timeout: timeoutMs });
}
