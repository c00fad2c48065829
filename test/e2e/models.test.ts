// "Llama Lens: Select Model" in a real VS Code (code-server in Chromium): it lists the generated
// GGUF models of the models folder with their inspected facts, and switches between them.
import * as assert from 'node:assert/strict';
import { useCodeServer, waitForLoadedModel, waitForModelFile } from '../support/e2eSession';
import { generatedModelPath, generatedModelsDir } from '../support/oracle';
import { pickerRows, pickModel } from '../support/selectModel';
import { runCommandThatAsks, screenshot, SELECTORS, waitFor } from '../support/workbench';

describe('E2E: Select Model in code-server', function () {
  this.timeout(600_000);
  const session = useCodeServer('models', { 'notes.txt': 'models\n' }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle.gguf'),
    'llamaLens.modelsFolder': generatedModelsDir(),
    'llamaLens.gpu': 'cpu',
    'llamaLens.completions.enabled': false,
  }));

  it('lists the generated models with their facts and switches between them', async function () {
    const { workbench } = session();
    const { page } = workbench;
    await waitForLoadedModel(workbench);
    await runCommandThatAsks(page, 'Llama Lens: Select Model…', 'Llama Lens: Select Model');
    const rows = await waitFor(() => pickerRows(page), {
      timeoutMs: 60_000,
      message: 'the picker to list the generated models, with facts read from their headers',
      until: (list) =>
        ['oracle.gguf', 'oracle-words.gguf', 'oracle-answers.gguf'].every((file) =>
          list.some((row) => row.label === file && /llama .*F32/.test(row.detail)),
        ),
    });
    assert.ok(
      !rows.some((row) => /\.(json|ipull)$/.test(row.label)),
      `only GGUF files are listed: ${JSON.stringify(rows.map((row) => row.label))}`,
    );
    assert.ok(rows.some((row) => row.label === 'oracle.gguf' && /loaded/.test(row.description)), 'the loaded model is marked');
    await screenshot(page, 'select-model');
    // The list is virtual: rows further down exist once the filter brings them up.
    const filter = page.locator(SELECTORS.quickInputBox).first();
    await filter.fill('Browse');
    await waitFor(() => pickerRows(page), {
      message: 'Browse… to be offered',
      until: (list) => list.some((row) => row.label === 'Browse…'),
    });
    await filter.fill('TinyLlama 1.1B Chat');
    await waitFor(() => pickerRows(page), {
      message: 'the catalogue to offer TinyLlama with its quantisation, size and fit',
      until: (list) =>
        list.some(
          (row) => row.label === 'TinyLlama 1.1B Chat' && /Q4_K_M · 637\.8 MB/.test(row.description) && /Needs .* of RAM/.test(row.detail),
        ),
    });
    await page.keyboard.press('Escape');

    await pickModel(page, 'oracle-words.gguf');
    await waitForModelFile(page, generatedModelPath('oracle-words.gguf'));
    await pickModel(page, 'oracle.gguf');
    const tooltip = await waitForModelFile(page, generatedModelPath('oracle.gguf'));
    assert.match(tooltip, /Backend: cpu/);
  });
});
