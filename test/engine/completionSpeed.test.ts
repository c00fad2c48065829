// The speed machinery of inline completion, on the real engine process and the oracle model:
// KV reuse, newest-wins cancellation, time budgets, alternatives, prompt lookup, and the
// pipeline's typed-through, cache and prefetch, counted in engine calls.
import { strict as assert } from 'node:assert';
import { EngineRequestError } from '../../src/client/Engine';
import { CompletionPipeline, type CompletionQuery, type PipelineSettings } from '../../src/core/completion/CompletionPipeline';
import { realClock } from '../../src/core/completion/realClock';
import { cpuLoadParams, fimParams, startEngine, useOracleEngine, waitUntil, type EngineUnderTest } from '../support/engineHarness';
import {
  detokenizeOracle,
  generatedModelPath,
  greedyContinuation,
  greedyContinuationTokens,
  lastOracleToken,
  loadOracleTable,
  nextTokenDistribution,
  type OracleTable,
  tokenizeLikeOracle,
} from '../support/oracle';

const BUDGETS = fimParams('', '').budgets;



/** A source file of `lines` lines, long enough for the token budgets to matter. */
function sourceFile(lines: number): string {
  return Array.from({ length: lines }, (_, i) => `  const value${i} = compute(input[${i}], ${i * 7});\n`).join('');
}

describe('completion speed on the oracle model', function () {
  const table: OracleTable = loadOracleTable();
  const oracleEngine = useOracleEngine();
  let engine: EngineUnderTest;
  beforeEach(() => {
    engine = oracleEngine();
  });

  it('evaluates at most 8 tokens after a one-character keystroke, with extra context and a prefix over budget', async function () {
    const extraContext = '// src/util.js\nexport function compute(x, k) {\n  return x * k;\n}\n';
    const file = sourceFile(120);
    const budgets = { prefix: 512, suffix: 64, extra: 128 };
    const params = (prefix: string) => fimParams(prefix, '\n}\n', { extraContext, budgets });
    assert.ok(tokenizeLikeOracle(table, file).length > 2 * budgets.prefix, 'the prefix must exceed its budget');
    await engine.client.request('complete', params(file + '  retu'));
    const counts: number[] = [];
    for (const typed of ['r', 'rn', 'rn ', 'rn v', 'rn va']) {
      const result = await engine.client.request('complete', params(`${file}  retu${typed}`));
      counts.push(result.evaluatedTokens);
      assert.ok(result.reusedTokens > budgets.prefix / 2, `reused only ${result.reusedTokens}`);
    }
    assert.ok(counts.every((n) => n <= 8), `tokens evaluated per keystroke: ${counts.join(', ')}`);
  });

  it('keeps the KV state usable after a prefetch whose longer prefix crossed a trim step', async function () {
    // Budget 64 trims in steps of 16: a 94-token prefix keeps its last 62, the prefetch's 102 tokens
    // would keep their last 54, which starts elsewhere, unless the prefix may run one step over.
    const budgets = { prefix: 64, suffix: 64, extra: 0 };
    const prefix = sourceFile(20).slice(0, 94);
    assert.equal(tokenizeLikeOracle(table, prefix).length, 94, 'one oracle token per character');
    await engine.client.request('complete', fimParams(prefix, '\n', { budgets }));
    await engine.client.request('complete', fimParams(`${prefix}compute(`, '\n', { budgets }));
    const keystroke = await engine.client.request('complete', fimParams(`${prefix}c`, '\n', { budgets }));
    assert.ok(keystroke.evaluatedTokens <= 8, `the keystroke after the prefetch evaluated ${keystroke.evaluatedTokens} tokens`);
  });

  it('re-evaluates the whole suffix per keystroke in prefix-first (PSM) order, the cost SPM avoids', async function () {
    const suffix = `\n${sourceFile(10)}`;
    const suffixTokens = tokenizeLikeOracle(table, suffix).length;
    await engine.client.request('complete', fimParams('let total = su', suffix, { layout: 'psm' }));
    const next = await engine.client.request('complete', fimParams('let total = sum', suffix, { layout: 'psm' }));
    const kept = Math.min(suffixTokens, BUDGETS.suffix);
    assert.ok(next.evaluatedTokens > kept, `PSM evaluated ${next.evaluatedTokens}, suffix ${kept}`);
  });

  it('stops a long generation when the request is cancelled: the KV state holds only what came before', async function () {
    const prefix = 'x';
    const abort = new AbortController();
    let streamed = 0;
    const pending = engine.client.request('complete', fimParams(prefix, '', { maxTokens: 4000, stopAtNewline: false }), {
      signal: abort.signal,
      onProgress: () => {
        if (++streamed === 3) abort.abort();
      },
    });
    await assert.rejects(pending, (error: unknown) => error instanceof EngineRequestError && error.code === 'cancelled');
    // Continue the exact greedy text: the engine can reuse only what the cancelled run put into the KV state.
    // The oracle decodes ~100 tokens/s here, so 100 tokens is a second for the cancel to arrive: ample.
    const continued = prefix + greedyContinuation(table, lastOracleToken(table, prefix), { maxTokens: 400 });
    const next = await engine.client.request('complete', fimParams(continued, '', { maxTokens: 1, stopAtNewline: false }));
    const promptLength = 4 + tokenizeLikeOracle(table, prefix).length; // BOS <PRE> <SUF> <MID> + prefix
    assert.ok(
      next.reusedTokens <= promptLength + 100,
      `the cancelled run left ${next.reusedTokens - promptLength} generated tokens in the KV state`,
    );
  });

  it('lets the newest completion win: an older one stops within one token and says it was superseded', async function () {
    let streamed = 0;
    const older = engine.client.request('complete', fimParams('x', '', { maxTokens: 4000, stopAtNewline: false }), {
      onProgress: () => void streamed++,
    });
    await waitUntil(() => streamed >= 2, 30_000, () => 'the first completion never streamed');
    const newer = engine.client.request('complete', fimParams('let count', ' = 0;\n'));
    const [first, second] = await Promise.all([older, newer]);
    assert.equal(first.stopReason, 'superseded');
    assert.ok(first.tokensAfterStop <= 1, `${first.tokensAfterStop} tokens after it was superseded`);
    assert.ok(first.generatedTokens < 4000);
    assert.equal(second.text, greedyContinuation(table, lastOracleToken(table, 'let count'), { maxTokens: 12, stopAtNewline: true }));
  });

  it('shows what has arrived when the generation budget runs out', async function () {
    const result = await engine.client.request(
      'complete',
      fimParams('x', '', { maxTokens: 4000, stopAtNewline: false, maxGenerationMs: 1 }),
    );
    assert.equal(result.stopReason, 'generationBudget');
    assert.ok(result.generatedTokens >= 1 && result.generatedTokens < 4000);
    assert.equal(result.text, greedyContinuation(table, lastOracleToken(table, 'x'), { maxTokens: result.generatedTokens }));
  });

  it('keeps the part of a prompt evaluated before its budget ran out, and the next request continues from it', async function () {
    const file = `${sourceFile(60)}  ret`;
    const cut = await engine.client.request('complete', fimParams(file, '\n', { maxPromptMs: 1 }));
    assert.equal(cut.stopReason, 'promptBudget');
    assert.equal(cut.text, '');
    const next = await engine.client.request('complete', fimParams(file, '\n'));
    assert.ok(next.reusedTokens > 0 && next.reusedTokens < next.reusedTokens + next.evaluatedTokens);
    assert.ok(next.reusedTokens >= 128, `reused ${next.reusedTokens}: the first chunk evaluated before the budget check is kept`);
  });

  it('offers alternatives that start with the next most likely tokens, each continued greedily', async function () {
    const prefix = 'const kind = x';
    const distribution = nextTokenDistribution(table, lastOracleToken(table, prefix));
    const ranked = [...distribution.keys()].sort((a, b) => (distribution[b] ?? 0) - (distribution[a] ?? 0)).slice(0, 3);
    const expected = ranked.map(
      (first) => detokenizeOracle(table, [first]) + greedyContinuation(table, first, { maxTokens: 11, stopAtNewline: true }),
    );
    const result = await engine.client.request('complete', fimParams(prefix, '\n', { alternatives: 3 }));
    assert.deepEqual([result.text, ...result.alternatives], expected);
  });

  it('gives the same text with prompt lookup, and confirms drafted tokens on repetitive text', async function () {
    const lookup = startEngine();
    try {
      await lookup.client.request('load', { ...cpuLoadParams(generatedModelPath('oracle.gguf')), promptLookup: true });
      const start = 'x';
      const cycle = greedyContinuationTokens(table, lastOracleToken(table, start), { maxTokens: 60 });
      const prefix = start + detokenizeOracle(table, cycle);
      const params = fimParams(prefix, '', { maxTokens: 30, stopAtNewline: false });
      const plain = await engine.client.request('complete', params);
      const drafted = await lookup.client.request('complete', params);
      assert.equal(drafted.text, plain.text);
      assert.equal(drafted.text, greedyContinuation(table, lastOracleToken(table, prefix), { maxTokens: 30 }));
      assert.ok(drafted.predictedTokens.validated > 0, `predictions: ${JSON.stringify(drafted.predictedTokens)}`);
      assert.deepEqual(plain.predictedTokens, { validated: 0, refuted: 0 });
    } finally {
      lookup.client.dispose();
    }
  });
});

describe('completion pipeline on the real engine', function () {
  const table: OracleTable = loadOracleTable();
  const oracleEngine = useOracleEngine();
  let engine: EngineUnderTest;
  let engineCalls: number;
  let pipeline: CompletionPipeline;
  const settings: PipelineSettings = {
    maxTokens: 12,
    budgets: BUDGETS,
    layout: 'spm',
    maxPromptMs: 0,
    maxGenerationMs: 0,
    alternatives: 3,
    debounce: 0,
    prefetch: true,
    trace: false,
  };
  const query = (prefix: string, suffix: string, extra: Partial<CompletionQuery> = {}): CompletionQuery => ({
    prefix, suffix, extraContext: '', singleLine: true, maxLines: 1, manual: false, ...extra,
  });
  const signal = () => new AbortController().signal;

  /** A pipeline on the real engine that counts the calls it makes. */
  const countingPipeline = (use: PipelineSettings) =>
    new CompletionPipeline(
      (params, abort) => {
        engineCalls++;
        return engine.client.request('complete', params, { signal: abort });
      },
      realClock,
      () => use,
      () => 'oracle',
    );

  beforeEach(() => {
    engine = oracleEngine();
    engineCalls = 0;
    pipeline = countingPipeline(settings);
  });

  it('serves typed-through characters from the suggestion with 0 engine calls', async function () {
    const prefix = 'const items = [';
    const expected = greedyContinuation(table, lastOracleToken(table, prefix), { maxTokens: 12, stopAtNewline: true });
    assert.ok(expected.length >= 2, `need a suggestion of 2+ characters, got ${JSON.stringify(expected)}`);
    const first = await pipeline.complete(query(prefix, ''), signal());
    assert.deepEqual(first?.items, [expected]);
    assert.equal(first?.source, 'engine');
    const calls = engineCalls;
    for (let typed = 1; typed < expected.length; typed++) {
      const next = await pipeline.complete(query(prefix + expected.slice(0, typed), ''), signal());
      assert.equal(next?.source, 'typedThrough');
      assert.deepEqual(next?.items, [expected.slice(typed)]);
    }
    assert.equal(engineCalls, calls, 'typing through the suggestion asked the engine');
  });

  it('answers a repeated prompt from the cache, and the position after accepting from the prefetch', async function () {
    // Two tokens a suggestion, so that the oracle's greedy chain ("pon" after "x") is still going after the first.
    pipeline = countingPipeline({ ...settings, maxTokens: 2 });
    const prefix = 'let v = x';
    const suffix = '\n';
    const shown = greedyContinuation(table, lastOracleToken(table, prefix), { maxTokens: 2, stopAtNewline: true });
    const following = greedyContinuation(table, lastOracleToken(table, prefix + shown), { maxTokens: 2, stopAtNewline: true }).trimEnd();
    assert.ok(shown.length > 0 && following.length > 0, `the oracle must continue after ${JSON.stringify(prefix + shown)}`);
    const first = await pipeline.complete(query(prefix, suffix), signal());
    assert.deepEqual(first?.items, [shown]);
    // The prefetch runs in the background, after the suggestion was returned.
    await waitUntil(
      () => pipeline.stats.snapshot().prefetched === 1,
      30_000,
      () => `no prefetch finished: ${JSON.stringify(pipeline.stats.snapshot())}`,
    );
    assert.equal(engineCalls, 2);
    const afterAccept = await pipeline.complete(query(prefix + shown, suffix), signal());
    assert.equal(afterAccept?.source, 'prefetch');
    assert.deepEqual(afterAccept?.items, [following]);
    const again = await pipeline.complete(query(prefix, suffix), signal());
    assert.equal(again?.source, 'cache');
    assert.deepEqual(again?.items, [shown]);
    assert.equal(engineCalls, 2, 'the cache and the prefetch answered without the engine');
  });

  it('asks for alternatives on a manual trigger, without debounce', async function () {
    const prefix = 'const kind = x';
    const result = await pipeline.complete(query(prefix, '\n', { manual: true }), signal());
    assert.equal(result?.source, 'engine');
    assert.ok((result?.items.length ?? 0) >= 2, `items ${JSON.stringify(result?.items)}`);
  });

  it('cancels its older engine request when a newer one starts', async function () {
    const slow = pipeline.complete(query('x', '', { singleLine: false, maxLines: 100 }), signal());
    await waitUntil(() => engineCalls === 1, 10_000, () => 'the first request never reached the engine');
    const fast = await pipeline.complete(query('let count', ' = 0;\n'), signal());
    assert.equal(await slow, undefined, 'the superseded request shows nothing');
    assert.equal(fast?.source, 'engine');
  });
});
