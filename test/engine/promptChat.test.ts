// Palette prompts on the oracle models: the tokens the engine evaluates must spell the Llama-2 chat
// format exactly (written out here from Meta's published format, decoded with the test's own
// oracle detokenizer), and a prompt that does not fit is cut visibly or refused.
import { strict as assert } from 'node:assert';
import { EngineRequestError } from '../../src/client/EngineClient';
import type { PromptParams } from '../../src/protocol/engineProtocol';
import { cpuLoadParams, fimParams, useOracleEngine, type EngineUnderTest } from '../support/engineHarness';
import { detokenizeOracle, generatedModelPath, loadOracleTable } from '../support/oracle';

const CONTEXT_SIZE = 512;

function prompt(extra: Partial<PromptParams> = {}): PromptParams {
  return {
    system: 'You are terse.', instruction: 'Explain this.', context: 'x = 1', contextName: 'the selection', language: 'python',
    allowCut: true, temperature: 0, maxTokens: 16, ...extra,
  };
}

describe('Palette prompts with the chat template (oracle-chat)', function () {
  const table = loadOracleTable();
  const oracleEngine = useOracleEngine('oracle-chat.gguf', { contextSize: CONTEXT_SIZE });
  let engine: EngineUnderTest;
  beforeEach(() => {
    engine = oracleEngine();
  });

  it('evaluates <s>[INST] <<SYS>> system <</SYS>> user [/INST] for Ask, with the selection fenced', async function () {
    const result = await engine.client.request('prompt', prompt());
    assert.equal(result.chatWrapper, 'Llama2Chat');
    assert.equal(result.promptTokens[0], table.bos, 'the prompt starts with BOS');
    // Meta's Llama-2 format; the space after [/INST] is where the answer's own leading space goes.
    const expected = '[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nExplain this.\n\n```python\nx = 1\n``` [/INST] ';
    assert.equal(detokenizeOracle(table, result.promptTokens.slice(1), { specialTokens: true }), expected);
    assert.ok(!result.promptTokens.slice(1).includes(table.bos) && !result.promptTokens.includes(table.eos), 'no BOS or EOS inside the prompt');
    assert.equal(result.cut, null);
  });

  it('evaluates the Edit Selection prompt the same way, with the instruction and the code', async function () {
    const result = await engine.client.request('prompt', prompt({
      system: 'Rewrite code as asked. Reply with the code only.', instruction: 'Rename x to y.', context: 'let x = 1;\n', language: 'typescript', allowCut: false,
    }));
    const expected = '[INST] <<SYS>>\nRewrite code as asked. Reply with the code only.\n<</SYS>>\n\nRename x to y.\n\n```typescript\nlet x = 1;\n``` [/INST] ';
    assert.equal(result.promptTokens[0], table.bos);
    assert.equal(detokenizeOracle(table, result.promptTokens.slice(1), { specialTokens: true }), expected);
  });

  it('leaves the system block out when the system prompt is empty', async function () {
    const result = await engine.client.request('prompt', prompt({ system: '', context: '' }));
    assert.equal(detokenizeOracle(table, result.promptTokens.slice(1), { specialTokens: true }), '[INST] Explain this. [/INST] ', result.promptTokens.map((id) => table.vocab[id]?.text).join(' '));
  });

  it('streams the answer: the progress chunks add up to the result', async function () {
    const chunks: string[] = [];
    const result = await engine.client.request('prompt', prompt({ maxTokens: 24 }), { onProgress: ({ text }) => chunks.push(text) });
    assert.ok(result.text.length > 0, 'the oracle answers something');
    assert.ok(chunks.length > 1, `expected several chunks, got ${chunks.length}`);
    assert.equal(chunks.join(''), result.text);
    assert.ok(result.generatedTokens > 0 && result.generatedTokens <= 24);
  });

  it('cuts a context that does not fit from its end, and says how much', async function () {
    const context = Array.from({ length: 400 }, (_, i) => `let value${i} = ${i};`).join('\n');
    const result = await engine.client.request('prompt', prompt({ context, maxTokens: 32 }));
    assert.ok(result.cut, 'the context was cut');
    assert.ok(result.cut.cutTokens > 0 && result.cut.keptTokens > 0);
    assert.ok(result.promptTokens.length + 32 <= CONTEXT_SIZE, `prompt ${result.promptTokens.length} + answer 32 must fit ${CONTEXT_SIZE}`);
    const shown = detokenizeOracle(table, result.promptTokens, { specialTokens: true });
    assert.ok(shown.includes('let value0 = 0;'), `the start of the context is kept: ${shown.slice(0, 200)}`);
    assert.ok(!shown.includes('let value399'), 'the end of the context is cut');
  });

  it('refuses an edit whose selection does not fit, and keeps working', async function () {
    const context = Array.from({ length: 400 }, (_, i) => `let value${i} = ${i};`).join('\n');
    await assert.rejects(engine.client.request('prompt', prompt({ context, allowCut: false })), (error: unknown) => {
      assert.ok(error instanceof EngineRequestError);
      assert.equal(error.code, 'contextFull');
      assert.match(error.message, /The selection is too long/);
      return true;
    });
    const after = await engine.client.request('prompt', prompt());
    assert.ok(after.promptTokens.length > 0);
  });

  it('stops when cancelled', async function () {
    const controller = new AbortController();
    const request = engine.client.request('prompt', prompt({ maxTokens: 400 }), { signal: controller.signal, onProgress: () => controller.abort() });
    await assert.rejects(request, (error: unknown) => error instanceof EngineRequestError && error.code === 'cancelled');
    const after = await engine.client.request('prompt', prompt());
    assert.equal(after.stopReason === 'cancelled', false);
  });

  it('shares the loaded model with completions: a completion after a prompt needs no reload', async function () {
    const pid = engine.client.pid;
    await engine.client.request('prompt', prompt());
    const completion = await engine.client.request('complete', fimParams('for (let i = 0; i', ''));
    assert.equal(engine.client.pid, pid);
    assert.ok(completion.text.length > 0);
  });
});

describe('Palette prompts on a model without a chat template (oracle)', function () {
  const oracleEngine = useOracleEngine();

  it('falls back to the general wrapper and says so in the model info', async function () {
    const { client } = oracleEngine();
    const info = await client.request('load', cpuLoadParams(generatedModelPath('oracle.gguf')));
    assert.equal(info.chatWrapperSource, 'fallback');
    const result = await client.request('prompt', prompt({ maxTokens: 4 }));
    assert.equal(result.chatWrapper, info.chatWrapper);
    assert.match(detokenizeOracle(loadOracleTable(), result.promptTokens, { specialTokens: true }), /Explain this\./);
  });
});
