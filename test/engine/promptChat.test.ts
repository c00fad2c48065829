// Palette prompts on the oracle models: the tokens the engine evaluates must spell the Llama-2 chat
// format exactly (written out here from Meta's published format, decoded with the test's own
// oracle detokenizer), and a prompt that does not fit is cut visibly or refused.
import { strict as assert } from 'node:assert';
import { EngineRequestError } from '../../src/client/Engine';
import type { PromptParams } from '../../src/protocol/engineProtocol';
import { cpuLoadParams, fimParams, useOracleEngine, type EngineUnderTest } from '../support/engineHarness';
import {
  detokenizeOracle,
  generatedModelPath,
  greedyContinuation,
  greedyContinuationTokens,
  lastOracleToken,
  loadOracleTable,
  nextTokenDistribution,
  oracleTokenWithText,
  TIE_EPSILON,
  type OracleTable,
} from '../support/oracle';

const CONTEXT_SIZE = 512;
/** Meta's Llama-2 format for prompt(); the space after [/INST] is where the answer's own leading space goes. */
const ASK = '[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nExplain this.\n\n```python\nx = 1\n``` [/INST] ';
/** node-llama-cpp's sampler (3.21.1 and 3.22.1) for LlamaChat when only the temperature is given: top-k, top-p, temperature, draw. */
const TOP_K = 40;
const TOP_P = 0.95;

/** The byte a token spells, when it spells exactly one (a normal one-character ASCII token, ▁, or a byte token). */
function byteOf(table: OracleTable, id: number): number | undefined {
  const entry = table.vocab[id];
  if (entry?.type === 6) return parseInt(/^<0x([0-9A-F]{2})>$/.exec(entry.text)?.[1] ?? 'x', 16);
  const text = entry?.type === 1 ? entry.text.replace('\u2581', ' ') : '';
  return text.length === 1 && text.charCodeAt(0) < 0x80 ? text.charCodeAt(0) : undefined;
}

/**
 * The chance that sampling at `temperature` draws exactly `greedy` after `first`, from the closed form and the
 * sampler above: top-k, then top-p over the top-k renormalised (the smallest kept set, so the largest chance), then
 * P^(1/T) renormalised. Every kept candidate spells one byte, each a different one, and the greedy ones are ASCII:
 * so a different token anywhere means a different answer text.
 */
function chanceOfGreedy(table: OracleTable, first: number, greedy: readonly number[], temperature: number): number {
  let chance = 1;
  let previous = first;
  for (const id of greedy) {
    const p = nextTokenDistribution(table, previous);
    const ranked = [...p.keys()].sort((a, b) => (p[b] ?? 0) - (p[a] ?? 0));
    const top = ranked.slice(0, TOP_K);
    const mass = top.reduce((sum, t) => sum + (p[t] ?? 0), 0);
    let kept = 0;
    for (let cumulative = 0; kept < TOP_K && cumulative < TOP_P; kept++) cumulative += (p[top[kept] ?? -1] ?? 0) / mass;
    assert.equal(top[0], id, 'the greedy token leads');
    // Where the cut falls among equally likely tokens, the sampler may keep any of them: all must spell one byte.
    const floor = (p[top[kept - 1] ?? -1] ?? 0) - TIE_EPSILON;
    const bytes = ranked.filter((t) => (p[t] ?? 0) >= floor).map((t) => byteOf(table, t));
    assert.ok(
      bytes.every((b) => b !== undefined) && new Set(bytes).size === bytes.length && (bytes[0] ?? 0x80) < 0x80,
      `after ${previous}: bytes ${bytes.join(', ')}`,
    );
    const weights = top.slice(0, kept).map((t) => (p[t] ?? 0) ** (1 / temperature));
    chance *= (weights[0] ?? 0) / weights.reduce((sum, w) => sum + w, 0);
    previous = id;
  }
  return chance;
}

function prompt(extra: Partial<PromptParams> = {}): PromptParams {
  return {
    system: 'You are terse.', instruction: 'Explain this.', context: 'x = 1', contextName: 'the selection', language: 'python',
    allowCut: true, temperature: 0, maxTokens: 16, ...extra,
  };
}

describe('Palette prompts with the chat template (oracle-chat)', function () {
  const table = loadOracleTable();
  /** A bigram model's answer continues from the prompt's last token, the space after [/INST]. */
  const space = oracleTokenWithText(table, ' ');
  const greedyAnswer = (maxTokens: number) => greedyContinuation(table, space, { maxTokens, stopAtNewline: false });
  const oracleEngine = useOracleEngine('oracle-chat.gguf', { contextSize: CONTEXT_SIZE });
  let engine: EngineUnderTest;
  beforeEach(() => {
    engine = oracleEngine();
  });

  it('evaluates <s>[INST] <<SYS>> system <</SYS>> user [/INST] for Ask, with the selection fenced', async function () {
    const result = await engine.client.request('prompt', prompt());
    assert.equal(result.chatWrapper, 'Llama2Chat');
    assert.equal(result.promptTokens[0], table.bos, 'the prompt starts with BOS');
    assert.equal(detokenizeOracle(table, result.promptTokens.slice(1), { specialTokens: true }), ASK);
    assert.equal(result.promptTokens.at(-1), lastOracleToken(table, ASK));
    assert.equal(result.text, greedyAnswer(16));
    assert.ok(
      !result.promptTokens.slice(1).includes(table.bos) && !result.promptTokens.includes(table.eos),
      'no BOS or EOS inside the prompt',
    );
    assert.equal(result.cut, null);
  });

  it('evaluates the Edit Selection prompt the same way, with the instruction and the code', async function () {
    const result = await engine.client.request(
      'prompt',
      prompt({
        system: 'Rewrite code as asked. Reply with the code only.',
        instruction: 'Rename x to y.',
        context: 'let x = 1;\n',
        language: 'typescript',
        allowCut: false,
      }),
    );
    const expected =
      '[INST] <<SYS>>\nRewrite code as asked. Reply with the code only.\n<</SYS>>\n\nRename x to y.\n\n```typescript\nlet x = 1;\n``` [/INST] ';
    assert.equal(result.promptTokens[0], table.bos);
    assert.equal(detokenizeOracle(table, result.promptTokens.slice(1), { specialTokens: true }), expected);
  });

  it('leaves the system block out when the system prompt is empty', async function () {
    const result = await engine.client.request('prompt', prompt({ system: '', context: '' }));
    assert.equal(
      detokenizeOracle(table, result.promptTokens.slice(1), { specialTokens: true }),
      '[INST] Explain this. [/INST] ',
      result.promptTokens.map((id) => table.vocab[id]?.text).join(' '),
    );
  });

  it('streams the answer: the progress chunks add up to the result', async function () {
    const chunks: string[] = [];
    const result = await engine.client.request('prompt', prompt({ maxTokens: 24 }), { onProgress: ({ text }) => chunks.push(text) });
    assert.equal(result.text, greedyAnswer(24));
    assert.ok(chunks.length > 1, `expected several chunks, got ${chunks.length}`);
    assert.equal(chunks.join(''), result.text);
    assert.equal(result.generatedTokens, greedyContinuationTokens(table, space, { maxTokens: 24 }).length);
  });

  it('samples at the asked temperature: the greedy answer at 0, another at 2 (where the closed form gives the greedy one P < 1e-9)', async function () {
    // After the space, the greedy answer is more spaces (indentation), each at a modest probability: over 16 tokens
    // the closed form puts the chance of drawing exactly them at 2.4e-15.
    const maxTokens = 16;
    const greedy = greedyContinuationTokens(table, space, { maxTokens });
    assert.equal(greedy.length, maxTokens, 'no end of text in the greedy answer');
    const chance = chanceOfGreedy(table, space, greedy, 2);
    assert.ok(chance < 1e-9, `P(greedy answer at temperature 2) = ${chance}`);
    const cold = await engine.client.request('prompt', prompt({ temperature: 0, maxTokens }));
    assert.equal(cold.text, detokenizeOracle(table, greedy));
    const hot = await engine.client.request('prompt', prompt({ temperature: 2, maxTokens }));
    assert.notEqual(hot.text, cold.text);
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
    assert.equal(detokenizeOracle(table, after.promptTokens.slice(1), { specialTokens: true }), ASK);
    assert.equal(after.text, greedyAnswer(16));
  });

  it('stops when cancelled', async function () {
    const controller = new AbortController();
    const request = engine.client.request('prompt', prompt({ maxTokens: 400 }), {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await assert.rejects(request, (error: unknown) => error instanceof EngineRequestError && error.code === 'cancelled');
    const after = await engine.client.request('prompt', prompt());
    assert.deepEqual([after.stopReason, after.text], ['maxTokens', greedyAnswer(16)]);
  });

  it('shares the loaded model with completions: a completion after a prompt needs no reload', async function () {
    const pid = engine.client.pid;
    await engine.client.request('prompt', prompt());
    const completion = await engine.client.request('complete', fimParams('for (let i = 0; i', ''));
    assert.equal(engine.client.pid, pid);
    assert.equal(
      completion.text,
      greedyContinuation(table, lastOracleToken(table, 'for (let i = 0; i'), { maxTokens: 12, stopAtNewline: true }),
    );
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
