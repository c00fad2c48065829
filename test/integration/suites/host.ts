// Helpers for suites that run inside the extension host: the extension's API, user settings, waits.
import * as assert from 'node:assert/strict';
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
export async function waitForAsync<T>(read: () => Thenable<T> | Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
