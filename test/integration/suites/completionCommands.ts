// The inline-completion commands and settings inside a real extension host.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { api, setUserSetting, waitFor } from './host';

describe('Llama Lens completion commands', () => {
  afterEach(async () => {
    await setUserSetting('llamaLens.completions.enabled', undefined);
    await setUserSetting('llamaLens.completions.languages', undefined);
  });

  it('Toggle Completions turns automatic completions off in the user settings, and on again', async () => {
    const lens = await api();
    await waitFor(() => lens.completionStatus().enabled, (enabled) => enabled, 'completions on');
    await vscode.commands.executeCommand('llamaLens.toggleCompletions');
    await waitFor(() => lens.completionStatus().enabled, (enabled) => !enabled, 'completions off');
    assert.equal(vscode.workspace.getConfiguration('llamaLens').inspect('completions.enabled')?.globalValue, false);
    await vscode.commands.executeCommand('llamaLens.toggleCompletions');
    await waitFor(() => lens.completionStatus().enabled, (enabled) => enabled, 'completions on again');
  });

  it('Snooze Completions pauses them for the given minutes, and Toggle ends the snooze', async () => {
    const lens = await api();
    const before = Date.now();
    await vscode.commands.executeCommand('llamaLens.snoozeCompletions', 15);
    const snoozeEnd = lens.completionStatus().snoozeEnd ?? 0;
    assert.ok(snoozeEnd >= before + 15 * 60_000 && snoozeEnd <= Date.now() + 15 * 60_000, `snooze ends at ${snoozeEnd}`);
    await vscode.commands.executeCommand('llamaLens.toggleCompletions');
    assert.equal(lens.completionStatus().snoozeEnd, undefined);
    assert.equal(lens.completionStatus().enabled, true, 'toggling while snoozed resumes, it does not turn completions off');
  });

  it('merges the per-language setting over the defaults, and rejects a malformed one', async () => {
    const lens = await api();
    await setUserSetting('llamaLens.completions.languages', { python: false });
    const languages = await waitFor(() => lens.settings().completions.languages, (map) => map.python === false, 'python off');
    assert.equal(languages['*'], true);
    assert.equal(languages.markdown, false, 'the default for markdown stays');
    await setUserSetting('llamaLens.completions.languages', { python: 'no' });
    const problems = await waitFor(
      () => lens.settings().problems,
      (list) => list.some((p) => p.includes('completions.languages')),
      'a languages problem',
    );
    assert.match(problems.join('\n'), /completions\.languages must be an object of languageId: true\/false/);
  });

  it('carries a chunk of the file the user left as extra context, never the current file itself', async () => {
    const lens = await api();
    const folder = mkdtempSync(join(tmpdir(), 'llama-lens-extra-'));
    try {
      writeFileSync(join(folder, 'alpha.js'), 'export function alphaHelper(value) {\n  return value * 42;\n}\n');
      writeFileSync(join(folder, 'beta.js'), 'import { alphaHelper } from "./alpha.js";\n');
      const alpha = await vscode.workspace.openTextDocument(join(folder, 'alpha.js'));
      await vscode.window.showTextDocument(alpha);
      const beta = await vscode.workspace.openTextDocument(join(folder, 'beta.js'));
      await vscode.window.showTextDocument(beta);
      const extra = await waitFor(
        () => lens.extraContext(beta),
        (text) => text.includes('return value * 42;'),
        'alpha.js in the extra context of beta.js',
      );
      assert.match(extra, /^\/\/ .*alpha\.js$/m, 'a comment line names the file the chunk comes from');
      assert.ok(!lens.extraContext(alpha).includes('return value * 42;'), "alpha.js's own chunk is not extra context for alpha.js");
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
