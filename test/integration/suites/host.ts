// Helpers for suites that run inside the extension host: the extension's API, user settings, waits.
import * as assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LlamaLensApi } from '../../../src/extension/extension';

export const EXTENSION_ID = 'llama-lens.llama-lens';

export async function api(): Promise<LlamaLensApi> {
  const extension = vscode.extensions.getExtension<LlamaLensApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  return extension.activate();
}

export async function setUserSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration().update(key, value, vscode.ConfigurationTarget.Global);
}

export async function waitFor<T>(read: () => T, done: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** waitFor for a value read asynchronously (a command's result, say). */
export async function waitForAsync<T>(
  read: () => Thenable<T> | Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A new buffer holding `content`, named `<name>.<extension>` so that it gets that language, under a name no other test
 * uses: "Untitled-N" names are reused once closed, and a document opened right after another was closed could come
 * back as the closed one's stale copy. Close it with workbench.action.revertAndCloseActiveEditor (nobody answers a
 * save prompt here).
 */
export async function openScratch(name: string, content: string, extension = 'ts'): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.parse(`untitled:${join(tmpdir(), `llama-lens-${name}-${process.pid}-${Date.now()}.${extension}`)}`);
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  assert.ok(await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), content)), 'the scratch buffer took its text');
  assert.equal(editor.document.getText(), content);
  return editor;
}

/** Reverts and closes every editor: a changed untitled buffer would otherwise ask to be saved. */
export async function closeAllScratch(): Promise<void> {
  while (vscode.window.activeTextEditor) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}
