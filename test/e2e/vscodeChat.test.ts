// VS Code's own chat in code-server (VS Code 1.139): Llama Lens offers the loaded model through the Language Model
// Chat Provider API, feature-detected at run time. What we saw in code-server 4.139.1, with no network: the Chat view
// lists an extension's model only when it declares tool calling, and answers without a GitHub sign-in only with
// chat.allowAnonymousAccess. In Ask mode its prompt (a few thousand tokens of instructions) needs a larger context
// than 4096. The answer is the oracle's chain after the space that ends a Llama-2 prompt, from the count table.
import * as assert from 'node:assert/strict';
import { outputChannelLog } from '../../scripts/lib/codeServer';
import { useCodeServer, waitForLoadedModel } from '../support/e2eSession';
import { generatedModelPath, greedyContinuation, loadOracleTable, oracleTokenWithText } from '../support/oracle';
import { runCommand, screenshot, waitFor } from '../support/workbench';

const MAX_TOKENS = 40;
const squeeze = (text: string): string => text.replace(/\s+/g, '');

describe('E2E: the loaded model in VS Code\'s own chat (code-server)', function () {
  this.timeout(600_000);
  const table = loadOracleTable(generatedModelPath('oracle-answers.table.json'));
  const answer = greedyContinuation(table, oracleTokenWithText(table, ' '), { maxTokens: MAX_TOKENS, stopAtNewline: false });
  const session = useCodeServer('vscode-chat', { 'sample.ts': 'let x = 1;\n' }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle-answers.gguf'),
    'llamaLens.gpu': 'cpu',
    'llamaLens.completions.enabled': false,
    'llamaLens.prompts.temperature': 0,
    'llamaLens.prompts.maxTokens': MAX_TOKENS,
    'llamaLens.contextSize': 32768,
    'chat.disableAIFeatures': false,
    'chat.allowAnonymousAccess': true,
  }));

  it('lists "Llama Lens" in the Chat view\'s model picker and answers a question there with it', async function () {
    const { workbench, server } = session();
    const { page } = workbench;
    assert.match(answer, /^y=x\+1;\nlet y=x\+1;/, 'the oracle answers with its corpus line');
    await waitForLoadedModel(workbench);
    await waitFor(() => outputChannelLog(server.userDataDir, 'Llama Lens'), {
      message: 'the provider to be registered', until: (log) => log.includes('Offering the loaded model to VS Code\'s chat'),
    });
    await runCommand(page, 'Chat: Open Chat (Ask)');
    const input = page.locator('.interactive-input-part');
    // The only model on offer, so the picker shows it chosen.
    await input.getByText(/^Llama Lens: /).first().waitFor({ timeout: 60_000 });
    await input.locator('.monaco-editor').first().click();
    await page.keyboard.type('What is y?');
    await page.keyboard.press('Enter');
    const shown = await waitFor(() => page.locator('.interactive-response').last().textContent(), {
      timeoutMs: 180_000, message: `the Chat view to show the oracle's answer ${JSON.stringify(answer)}`,
      until: (text) => squeeze(text ?? '').includes(squeeze(answer)),
    });
    assert.ok(shown);
    await screenshot(page, 'vscode-chat');
  });
});
