// Toggle, Snooze and the per-language switch must silence the inline completion provider itself, not only the status.
// VS Code's own trigger is asked for an automatic request (`explicit: false`, what typing sends), and it resolves once
// every provider has answered; Commit then inserts whatever suggestion is shown. On the oracle model the suggestion
// is the greedy bigram continuation (test/support/oracle.ts), so "on" gives exactly that and "off" leaves the text.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXACT_COMPLETION_SETTINGS, expectedSuggestion } from '../../support/exactCompletion';
import { generatedModelPath, loadOracleTable } from '../../support/oracle';
import { api, closeAllScratch, openScratch, setUserSetting, waitFor } from './host';

const TYPED = 'const items = [';
const SETTINGS: Record<string, unknown> = { ...EXACT_COMPLETION_SETTINGS, 'llamaLens.modelPath': generatedModelPath('oracle.gguf') };

/** What an automatic inline suggestion at the end of a new JavaScript buffer holding `text` inserts ('' for none). */
async function automaticSuggestion(name: string, text: string): Promise<string> {
  const editor = await openScratch(name, text, 'js');
  const end = editor.document.positionAt(text.length);
  editor.selection = new vscode.Selection(end, end);
  await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger', { explicit: false });
  await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
  const after = editor.document.getText();
  await closeAllScratch();
  assert.ok(after.startsWith(text), `the buffer still starts with what was typed: ${JSON.stringify(after)}`);
  return after.slice(text.length);
}

describe('Llama Lens completion gate in the extension host', () => {
  const table = loadOracleTable(generatedModelPath('oracle.table.json'));
  const expected = expectedSuggestion(table, TYPED);

  before(async () => {
    assert.ok(expected.length > 0, 'the typed text must have a non-empty greedy continuation');
    for (const [key, value] of Object.entries(SETTINGS)) await setUserSetting(key, value);
    const lens = await api();
    await waitFor(() => lens.state().kind, (kind) => kind === 'idle' || kind === 'ready', 'the oracle model to be configured');
  });

  afterEach(async () => {
    await closeAllScratch();
    const lens = await api();
    if (lens.completionStatus().snoozeEnd !== undefined) await vscode.commands.executeCommand('llamaLens.toggleCompletions');
    await setUserSetting('llamaLens.completions.enabled', undefined);
    await setUserSetting('llamaLens.completions.languages', undefined);
    await waitFor(() => lens.completionStatus(), (status) => status.enabled && status.snoozeEnd === undefined, 'completions on again');
  });

  after(async () => {
    for (const key of Object.keys(SETTINGS)) await setUserSetting(key, undefined);
  });

  it('offers the greedy continuation while completions are on, and nothing once Toggle turns them off', async () => {
    assert.equal(await automaticSuggestion('gate-on', TYPED), expected);
    const lens = await api();
    await vscode.commands.executeCommand('llamaLens.toggleCompletions');
    await waitFor(() => lens.completionStatus().enabled, (enabled) => !enabled, 'completions off');
    assert.equal(await automaticSuggestion('gate-off', TYPED), '');
  });

  it('offers nothing while snoozed', async () => {
    await vscode.commands.executeCommand('llamaLens.snoozeCompletions', 15);
    assert.equal(await automaticSuggestion('gate-snoozed', TYPED), '');
    await vscode.commands.executeCommand('llamaLens.toggleCompletions');
    assert.equal(await automaticSuggestion('gate-resumed', TYPED), expected, 'Toggle ends the snooze');
  });

  it('offers nothing in a language switched off, and the suggestion again once it is back on', async () => {
    const lens = await api();
    await setUserSetting('llamaLens.completions.languages', { javascript: false });
    await waitFor(() => lens.settings().completions.languages, (map) => map.javascript === false, 'javascript off');
    assert.equal(await automaticSuggestion('gate-language', TYPED), '');
    await setUserSetting('llamaLens.completions.languages', { python: false });
    await waitFor(() => lens.settings().completions.languages, (map) => map.javascript === undefined, 'javascript back to the default');
    assert.equal(await automaticSuggestion('gate-language-on', TYPED), expected);
  });
});
