// The heatmap's two passes and its windows, on both oracle vocabularies: the cheap `bits` pass (native total logit
// weight) equals the `full` one (the whole distribution), and both equal the closed form; a text far longer than the
// context is scored in windows, every token once; an edit re-scores from its window. Expectations come from the
// closed forms in test/support, never from a run of our code.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCancellation } from '../../src/client/Engine';
import type { SurprisalDetail, SurprisalResult, TokenSurprisal } from '../../src/protocol/engineProtocol';
import { useOracleEngine, type EngineUnderTest } from '../support/engineHarness';
import { loadOracleTable, nextTokenDistribution, tokenizeLikeOracle } from '../support/oracle';
import { SPM_ORACLE_MODEL, loadSpmOracleTable, spmNextTokenDistribution } from '../support/spmOracle';
import { REPO_ROOT } from '../support/repoPaths';

/** What the issue asks of the cheap pass: its bits equal the full distribution's to this. */
const PASSES_AGREE_BITS = 1e-4;
const CLOSED_FORM_BITS = 1e-3;

interface Expected {
  id: number;
  bits: number;
  rank: number;
  entropyBits: number;
}

/** The closed form of each token after its predecessor: bits, rank (1 + strictly likelier tokens) and entropy. */
function expectedScores(ids: readonly number[], bos: number, distributionAfter: (prev: number) => Float64Array): Expected[] {
  return ids.map((id, index) => {
    const distribution = distributionAfter(index === 0 ? bos : ids[index - 1] ?? -1);
    const p = distribution[id] ?? NaN;
    let likelier = 0;
    let entropy = 0;
    for (const q of distribution) {
      if (q > p * (1 + 1e-9)) likelier++;
      if (q > 0) entropy -= q * Math.log2(q);
    }
    return { id, bits: -Math.log2(p), rank: 1 + likelier, entropyBits: entropy };
  });
}

async function pass(engine: EngineUnderTest, text: string, detail: SurprisalDetail, scoreFrom = 0): Promise<SurprisalResult> {
  return engine.client.request('surprisal', { text, scoreFrom, detail });
}

function assertMatchesClosedForm(tokens: readonly TokenSurprisal[], expected: readonly Expected[], detail: SurprisalDetail): void {
  assert.deepEqual(tokens.map((token) => token.id), expected.map((token) => token.id));
  tokens.forEach((token, index) => {
    const want = expected[index];
    if (!want) throw new Error(`no expectation for token ${index}`);
    assert.ok(
      Math.abs(token.bits - want.bits) <= CLOSED_FORM_BITS,
      `token ${index} (${token.id}): ${token.bits} bits, closed form ${want.bits}`,
    );
    if (detail === 'full') {
      assert.equal(token.rank, want.rank, `token ${index} (${token.id}): rank`);
      assert.ok(
        Math.abs((token.entropyBits ?? NaN) - want.entropyBits) <= CLOSED_FORM_BITS,
        `token ${index}: entropy ${token.entropyBits}, closed form ${want.entropyBits}`,
      );
    } else {
      assert.equal(token.rank, want.rank === 1 ? 1 : null, `token ${index} (${token.id}): a bits pass knows only first choices`);
      assert.equal(token.entropyBits, null);
    }
  });
}

const vocabularies = [
  {
    name: 'the byte-level oracle',
    file: 'oracle.gguf',
    text: 'const total = items.reduce((sum, x) => sum + x, 0);\nreturn total; // é → ok\n',
    expected: (text: string) => {
      const table = loadOracleTable();
      return expectedScores(tokenizeLikeOracle(table, text), table.bos, (prev) => nextTokenDistribution(table, prev));
    },
  },
  {
    name: 'the real Llama-2 vocabulary (oracle-spm)',
    file: SPM_ORACLE_MODEL,
    // First choices (" = 5;"), a second choice (" +"), and tokens far down the ranks, in byte tokens too.
    text: 'const x = 5;\nconst x += 5; {\n   return 5;\n} obj.鱷(); "🦙"; zebra',
    expected: undefined,
  },
];

for (const vocabulary of vocabularies) {
  describe(`heatmap passes on ${vocabulary.name}`, function () {
    const oracleEngine = useOracleEngine(vocabulary.file);

    it('gives the same bits in the cheap pass as in the full distribution, each equal to the closed form', async function () {
      const engine = oracleEngine();
      const bits = await pass(engine, vocabulary.text, 'bits');
      const full = await pass(engine, vocabulary.text, 'full');
      assert.ok(bits.tokens.length > 10);
      assert.deepEqual(
        bits.tokens.map(({ start, end, id }) => [start, end, id]),
        full.tokens.map(({ start, end, id }) => [start, end, id]),
      );
      bits.tokens.forEach((token, index) => {
        const other = full.tokens[index]?.bits ?? NaN;
        assert.ok(
          Math.abs(token.bits - other) <= PASSES_AGREE_BITS,
          `token ${index} (${token.id}): ${token.bits} bits cheap, ${other} full`,
        );
      });
      const expected = vocabulary.expected?.(vocabulary.text) ?? spmExpected(full.tokens.map((token) => token.id));
      assertMatchesClosedForm(bits.tokens, expected, 'bits');
      assertMatchesClosedForm(full.tokens, expected, 'full');
      const ranks = new Set(expected.map((token) => token.rank));
      assert.ok(ranks.has(1) && [...ranks].some((rank) => rank > 1), 'the text has first choices and others');
    });
  });
}

/**
 * oracle-spm's expectations over the ids node-llama-cpp's tokenizer gave: the test checks the scores, while
 * realVocabulary.test.ts checks that tokenization against the reference.
 */
function spmExpected(ids: readonly number[]): Expected[] {
  const table = loadSpmOracleTable();
  return expectedScores(ids, 1, (prev) => spmNextTokenDistribution(table, prev));
}

describe('heatmap windows on a text longer than the context', function () {
  const CONTEXT = 2048;
  const table = loadOracleTable();
  const oracleEngine = useOracleEngine('oracle.gguf', { contextSize: CONTEXT });
  const corpus = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'oracle-corpus.txt'), 'utf8');
  let text = '';
  while (tokenizeLikeOracle(table, text).length < 20_000) text += corpus;
  text = text.slice(0, 20_000);
  const expectedFor = (of: string) =>
    expectedScores(tokenizeLikeOracle(table, of), table.bos, (prev) => nextTokenDistribution(table, prev));
  let first: SurprisalResult | undefined;

  it('scores every token of a 20,000-token text once, in overlapping windows, with flat memory and rising progress', async function () {
    const engine = oracleEngine();
    const expected = expectedFor(text);
    assert.ok(expected.length >= 20_000, `the text has ${expected.length} tokens`);
    const fractions: number[] = [];
    const heap: number[] = [];
    const before = await engine.client.request('health', {});
    let done = false;
    const scoring = engine.client
      .request('surprisal', { text, scoreFrom: 0, detail: 'bits' }, { onProgress: ({ fraction }) => fractions.push(fraction) })
      .finally(() => (done = true));
    // `health` answers beside the queue while the pass runs.
    while (!done) heap.push((await engine.client.request('health', {})).heapUsedBytes);
    first = await scoring;
    assert.ok(first.windows >= 10, `${first.windows} windows of ${CONTEXT} tokens`);
    assertMatchesClosedForm(first.tokens, expected, 'bits');
    assert.equal(first.tokens.at(-1)?.end, text.length);
    assert.ok(fractions.length >= first.windows, `${fractions.length} progress reports`);
    fractions.forEach((fraction, index) => index > 0 && assert.ok(fraction >= (fractions[index - 1] ?? 0), 'progress never goes back'));
    assert.equal(fractions.at(-1), 1);
    // A loop, not Math.max(...heap): a fast machine polls often enough to overflow the call stack with a spread.
    const grew = heap.reduce((most, bytes) => Math.max(most, bytes), 0) - before.heapUsedBytes;
    assert.ok(grew < 64 * 1024 * 1024, `the engine's heap grew ${(grew / 1048576).toFixed(1)} MB during the pass`);
  });

  it('re-scores an edit from its window on, and the result is the closed form of the edited text', async function () {
    if (!first) this.skip();
    const engine = oracleEngine();
    const at = 12_000;
    const edited = `${text.slice(0, at)}/* edited */${text.slice(at)}`;
    const result = await pass(engine, edited, 'bits', at);
    assert.ok(result.windows > 0 && result.windows < (first?.windows ?? 0), `${result.windows} of ${first?.windows} windows re-scored`);
    assert.ok((result.tokens[0]?.end ?? 0) > at && (result.tokens[0]?.start ?? Infinity) <= at, 'the first re-scored token holds the edit');
    assert.ok(result.evaluatedTokens <= result.windows * CONTEXT, `${result.evaluatedTokens} tokens evaluated`);
    const kept = (first?.tokens ?? []).filter((token) => token.start < (result.tokens[0]?.start ?? 0));
    assertMatchesClosedForm([...kept, ...result.tokens], expectedFor(edited), 'bits');
  });

  it('stops a long pass when cancelled, and scores the next one', async function () {
    const engine = oracleEngine();
    const abort = new AbortController();
    let reports = 0;
    const scoring = engine.client.request('surprisal', { text: `${text} `, scoreFrom: 0, detail: 'bits' }, {
      signal: abort.signal,
      onProgress: () => {
        if (++reports === 1) abort.abort();
      },
    });
    await assert.rejects(scoring, (error: unknown) => isCancellation(error));
    assert.ok(reports < 20, `the pass stopped after ${reports} progress reports`);
    const next = await pass(engine, 'let x = 1;', 'bits');
    assertMatchesClosedForm(next.tokens, expectedFor('let x = 1;'), 'bits');
  });
});
