// CompletionPipeline's cache rules, with a fake engine and a clock whose sleeps end at once. What must be cached
// and under which key is stated by the pipeline's contract: only whole answers, and only for the model that gave them.
import { strict as assert } from 'node:assert';
import { CompletionPipeline, type Clock, type CompletionQuery, type PipelineSettings } from '../../src/core/completion/CompletionPipeline';
import type { CompleteParams, CompleteResult, StopReason } from '../../src/protocol/engineProtocol';

const clock: Clock = { now: () => 0, sleep: async () => undefined };

const settings: PipelineSettings = {
  maxTokens: 16, budgets: { prefix: 1024, suffix: 256, extra: 512 }, layout: 'spm', maxPromptMs: 0, maxGenerationMs: 0,
  alternatives: 1, debounce: 0, prefetch: false, trace: false,
};

/** Mid-line, so the suggestion is one line; post-processing leaves ` + 1;` as it is. */
const query: CompletionQuery = { prefix: 'let y = x', suffix: '\n', extraContext: '', singleLine: true, maxLines: 1, manual: false };
const TEXT = ' + 1;';

function result(stopReason: StopReason): CompleteResult {
  return {
    text: TEXT, alternatives: [], generatedTokens: 4, evaluatedTokens: 9, reusedTokens: 0, usedFim: true, stopReason, tokensAfterStop: 0,
    predictedTokens: { validated: 0, refuted: 0 }, promptMs: 1, generationMs: 1, durationMs: 2, trace: [],
  };
}

/** A pipeline whose engine answers with `stopReason` and counts its calls; `model` names the loaded model. */
function pipelineAnswering(stopReason: StopReason, model: { key: string } = { key: 'a.gguf' }) {
  const calls: CompleteParams[] = [];
  const pipeline = new CompletionPipeline(async (params) => {
    calls.push(params);
    return result(stopReason);
  }, clock, () => settings, () => model.key);
  const ask = () => pipeline.complete(query, new AbortController().signal);
  return { calls, ask };
}

describe('CompletionPipeline cache', () => {
  it('serves a whole answer again from the cache, without the engine', async () => {
    const { calls, ask } = pipelineAnswering('newline');
    assert.deepEqual(await ask().then((s) => [s?.source, s?.items]), ['engine', [TEXT]]);
    assert.deepEqual(await ask().then((s) => [s?.source, s?.items]), ['cache', [TEXT]]);
    assert.equal(calls.length, 1);
  });

  for (const budget of ['generationBudget', 'promptBudget'] as const) {
    it(`shows an answer cut short by the ${budget}, but asks the engine again next time`, async () => {
      const { calls, ask } = pipelineAnswering(budget);
      assert.deepEqual(await ask().then((s) => [s?.source, s?.items]), ['engine', [TEXT]]);
      assert.deepEqual(await ask().then((s) => [s?.source, s?.items]), ['engine', [TEXT]]);
      assert.equal(calls.length, 2, 'a partial answer must not be cached');
    });
  }

  it("keys the cache by model: another model's suggestion for the same text is not reused", async () => {
    const model = { key: 'a.gguf' };
    const { calls, ask } = pipelineAnswering('newline', model);
    await ask();
    model.key = 'b.gguf';
    assert.equal((await ask())?.source, 'engine');
    assert.equal(calls.length, 2);
    model.key = 'a.gguf';
    assert.equal((await ask())?.source, 'cache', "the first model's answer is still cached for it");
    assert.equal(calls.length, 2);
  });
});
