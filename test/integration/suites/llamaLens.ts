// Llama Lens inside a real extension host: activation, commands, settings and the status state.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { generatedModelPath } from '../../support/oracle';
import { api, EXTENSION_ID, setUserSetting, waitFor } from './host';

describe('Llama Lens in the extension host', () => {
  after(async () => {
    for (const key of ['llamaLens.modelPath', 'llamaLens.gpu', 'llamaLens.threads', 'llamaLens.completions.maxTokens'])
      await setUserSetting(key, undefined);
  });

  it('activates and exports its API', async () => {
    const lens = await api();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.equal(typeof lens.state, 'function');
  });

  it('registers every contributed command, each under the "Llama Lens" category', async () => {
    const contributed = (
      vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: { command: string; category: string }[] } }
    ).contributes.commands;
    assert.ok(contributed.length >= 4);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const { command, category } of contributed) {
      assert.ok(registered.has(command), `${command} is contributed but not registered`);
      assert.equal(category, 'Llama Lens');
    }
  });

  it('starts with no model when none is configured', async () => {
    const lens = await api();
    await setUserSetting('llamaLens.modelPath', undefined);
    await waitFor(() => lens.state().kind, (kind) => kind === 'noModel', 'the noModel state');
  });

  it('reads settings, and replaces an invalid value by its default with a stated problem', async () => {
    const lens = await api();
    await setUserSetting('llamaLens.completions.maxTokens', 7);
    await waitFor(() => lens.settings().completions.maxTokens, (n) => n === 7, 'maxTokens 7');
    await setUserSetting('llamaLens.threads', -3);
    const problems = await waitFor(
      () => lens.settings().problems,
      (p) => p.some((m) => m.includes('llamaLens.threads')),
      'a threads problem',
    );
    assert.match(problems.join('\n'), /llamaLens\.threads must be a whole number/);
    await setUserSetting('llamaLens.threads', undefined);
  });

  it('loads the configured model and reports it ready with its backend', async () => {
    const lens = await api();
    const modelPath = generatedModelPath('oracle.gguf');
    await setUserSetting('llamaLens.gpu', 'cpu');
    await setUserSetting('llamaLens.modelPath', modelPath);
    const state = await waitFor(() => lens.state(), (s) => s.kind === 'ready' || s.kind === 'error', 'the model to load', 60_000);
    assert.equal(state.kind, 'ready', JSON.stringify(state));
    if (state.kind !== 'ready') return;
    assert.equal(state.info.filePath, modelPath);
    assert.equal(state.info.hasFim, true);
    assert.equal(state.info.backend, 'cpu');
  });

  it('shows an error state for a model file that does not exist', async () => {
    const lens = await api();
    await setUserSetting('llamaLens.modelPath', '/nonexistent/llama-lens/model.gguf');
    const state = await waitFor(() => lens.state(), (s) => s.kind === 'error', 'the error state', 60_000);
    assert.ok(state.kind === 'error' && /does not exist/.test(state.message), JSON.stringify(state));
  });

  it('says a cut-short model file is incomplete, then recovers when a good model is chosen', async () => {
    const lens = await api();
    const folder = mkdtempSync(join(tmpdir(), 'llama-lens-cut-'));
    try {
      const good = readFileSync(generatedModelPath('oracle.gguf'));
      const cut = join(folder, 'cut.gguf');
      writeFileSync(cut, good.subarray(0, Math.floor(good.length * 0.6)));
      await setUserSetting('llamaLens.modelPath', cut);
      const state = await waitFor(() => lens.state(), (s) => s.kind === 'error', 'the error state for the cut file', 60_000);
      assert.ok(state.kind === 'error' && /incomplete/.test(state.message) && state.message.includes(cut), JSON.stringify(state));
      await setUserSetting('llamaLens.modelPath', generatedModelPath('oracle.gguf'));
      await waitFor(() => lens.state().kind, (kind) => kind === 'idle' || kind === 'ready', 'the good model to be configured');
      await vscode.commands.executeCommand('llamaLens.restartEngine');
      await waitFor(() => lens.state().kind, (kind) => kind === 'ready', 'the good model to load', 60_000);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
