// A code-server session per describe block, with Llama Lens installed, and the steps E2E tests share.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { outputChannelLog, startCodeServer, type CodeServer, type CodeServerOptions } from '../../scripts/lib/codeServer';
import { installedLlamaLens, STATUS_BAR_ID_PREFIX } from '../../scripts/lib/llamaLensStage';
import {
  focusActiveEditor,
  openFileFromExplorer,
  openWorkbench,
  screenshot,
  statusBarText,
  statusBarTooltip,
  waitFor,
  type Workbench,
} from './workbench';

export interface Session {
  workspace: string;
  server: CodeServer;
  workbench: Workbench;
}

/** How code-server is started, beyond its workspace, extensions and settings. */
export type SessionServerOptions = Pick<CodeServerOptions, 'launchPrefix' | 'env'>;

/**
 * Registers hooks on the enclosing describe: a workspace holding `files`, its own code-server with Llama Lens and
 * `settings()` (read when it starts, so a missing model fails the hook, not the loading of the suite), and a workbench
 * in Chromium; a failed test leaves a screenshot and the extension host's log.
 * `server()`, also read when it starts, adds to how code-server is started.
 * Returns the running session (for use inside tests).
 */
export function useCodeServer(
  name: string,
  files: Record<string, string>,
  settings: () => Record<string, unknown>,
  server: () => SessionServerOptions = () => ({}),
): () => Session {
  let scratch: string | undefined;
  let codeServer: CodeServer | undefined;
  let session: Session | undefined;

  before(async function () {
    scratch = mkdtempSync(join(tmpdir(), `llama-lens-e2e-${name}-`));
    const workspace = join(scratch, 'workspace');
    mkdirSync(workspace);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(workspace, file)), { recursive: true });
      writeFileSync(join(workspace, file), text);
    }
    codeServer = await startCodeServer({ ...server(), workspace, extensions: [await installedLlamaLens()], settings: settings() });
    const workbench = await openWorkbench(codeServer.url);
    // Llama Lens activates, and starts loading its model, once a document is open: as for a user opening a file.
    const first = Object.keys(files)[0];
    if (first) await openFileFromExplorer(workbench.page, first);
    session = { workspace, server: codeServer, workbench };
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) {
      console.log(`    failure screenshot: ${await screenshot(session.workbench.page, `${name}-failed-${this.currentTest.title}`)}`);
      console.log(`--- extension host log ---\n${codeServer?.extensionHostLog().slice(-4000)}`);
      if (codeServer) console.log(`--- Llama Lens log ---\n${outputChannelLog(codeServer.userDataDir, 'Llama Lens').slice(-4000)}`);
    }
  });

  after(async function () {
    await session?.workbench.close();
    await codeServer?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  return () => {
    assert.ok(session, 'code-server did not start');
    return session;
  };
}

/** Typing before the extension is active would trigger no request at all: waits for the loaded model. */
export async function waitForLoadedModel(workbench: Workbench): Promise<string> {
  return (await waitFor(() => statusBarText(workbench.page, STATUS_BAR_ID_PREFIX), {
    timeoutMs: 120_000,
    message: 'the Llama Lens status bar item to report the loaded model',
    until: (text) => /Llama Lens:.*\(cpu\)/.test(text ?? ''),
  })) ?? '';
}

/** Waits until the status bar's tooltip names `file` (a full path) as the loaded model, and returns the tooltip. */
export async function waitForModelFile(page: Page, file: string): Promise<string> {
  return waitFor(() => statusBarTooltip(page, STATUS_BAR_ID_PREFIX), {
    timeoutMs: 120_000, message: `the status bar to report ${file} loaded`, until: (tooltip) => tooltip.includes(`File: ${file}\n`),
  });
}

/** Opens `file` from the Explorer, puts the cursor at its end and types `text`. */
export async function typeAtEndOf(workbench: Workbench, file: string, text: string): Promise<void> {
  const { page } = workbench;
  await openFileFromExplorer(page, file);
  await focusActiveEditor(page);
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text);
}

/** Waits until `file` on disk holds exactly `expected` (the editor was saved). */
export async function waitForFileText(workspace: string, file: string, expected: string): Promise<void> {
  await waitFor(() => readFileSync(join(workspace, file), 'utf8'), {
    message: `${file} on disk to hold ${JSON.stringify(expected)}`,
    until: (text) => text === expected,
  });
}
