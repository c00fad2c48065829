// Llama Lens inside a real extension host: activation, commands, settings and the status state.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { generatedModelPath } from '../../support/oracle';
import { api, EXTENSION_ID, setUserSetting, waitFor } from './host';

describe('Llama Lens in the extension host', () => {
  after(async () => {
    for (const key of ['llamaLens.modelPath', 'llamaLens.gpu', 'llamaLens.threads', 'llamaLens.completions.maxTokens']) await setUserSetting(key, undefined);
  });

  it('activates and exports its API', async () => {
    const lens = await api();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.equal(typeof lens.state, 'function');
  });

  it('registers every contributed command, each under the "Llama Lens" category', async () => {
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: { command: string; category: string }[] } }).contributes.commands;
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
    const problems = await waitFor(() => lens.settings().problems, (p) => p.some((m) => m.includes('llamaLens.threads')), 'a threads problem');
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
});
