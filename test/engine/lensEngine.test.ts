// The Lens's engine methods on the oracle model: every value is compared with the closed-form
// bigram table (test/support/oracle.ts), never with an earlier run of our code.
import { strict as assert } from 'node:assert';
import { EngineRequestError } from '../../src/client/Engine';
import { decodeProbabilities } from '../../src/core/lens/distributionMath';
import type { DistributionParams } from '../../src/protocol/engineProtocol';
import { fimParams, useOracleEngine, type EngineUnderTest } from '../support/engineHarness';
import {
  closedFormSurprisal,
  detokenizeOracle,
  greedyContinuationTokens,
  lastOracleToken,
  loadOracleTable,
  nextTokenDistribution,
  tokenizeLikeOracle,
  type OracleTable,
} from '../support/oracle';

const TOLERANCE = 1e-4;

function ranked(distribution: Float64Array): number[] {
  return [...distribution.keys()].sort((a, b) => (distribution[b] ?? 0) - (distribution[a] ?? 0));
}

function entropy(distribution: Float64Array): number {
  return -[...distribution].reduce((sum, p) => sum + (p > 0 ? p * Math.log2(p) : 0), 0);
}

/** What the Lens shows for a token: its text, or for a byte token that is only part of a character, its name. */
function shownText(id: number): string {
  const text = detokenizeOracle(loadOracleTable(), [id]);
  return text === '\uFFFD' ? loadOracleTable().vocab[id]?.text ?? '' : text;
}

function query(text: string, extra: Partial<DistributionParams> = {}): DistributionParams {
  return { text, path: [], topK: 10, backUpToBoundary: false, ...extra };
}

describe('Lens engine methods on the oracle model', function () {
  const table: OracleTable = loadOracleTable();
  const oracleEngine = useOracleEngine();
  let engine: EngineUnderTest;
  beforeEach(() => {
    engine = oracleEngine();
  });

  for (const context of ['for (let i = 0; i', 'return x', 'if (']) {
    it(`gives the closed-form top-k, tail mass and entropy after ${JSON.stringify(context)}`, async function () {
      const expected = nextTokenDistribution(table, lastOracleToken(table, context));
      const order = ranked(expected);
      const result = await engine.client.request('distribution', query(context));
      assert.equal(result.top.length, 10);
      result.top.forEach((row, rank) => {
        assert.ok(
          Math.abs(row.probability - (expected[row.id] ?? NaN)) <= TOLERANCE,
          `P(${row.id}) = ${row.probability}, closed form ${expected[row.id]}`,
        );
        assert.ok(Math.abs(row.probability - (expected[order[rank] ?? -1] ?? NaN)) <= TOLERANCE, `rank ${rank}`);
        assert.equal(row.text, shownText(row.id));
      });
      const topMass = order.slice(0, 10).reduce((sum, id) => sum + (expected[id] ?? 0), 0);
      assert.ok(Math.abs(result.tailMass - (1 - topMass)) <= TOLERANCE, `tail ${result.tailMass} vs ${1 - topMass}`);
      assert.ok(Math.abs(result.entropyBits - entropy(expected)) <= TOLERANCE, `entropy ${result.entropyBits} vs ${entropy(expected)}`);
      const sorted = decodeProbabilities(result.sortedProbabilities);
      assert.equal(sorted.length, table.vocab.length);
      order.forEach((id, rank) => assert.ok(Math.abs((sorted[rank] ?? NaN) - (expected[id] ?? NaN)) <= TOLERANCE, `sorted rank ${rank}`));
    });
  }

  it('expands a tree node: the children of a path are the closed form after its last token, from the KV state of the parent', async function () {
    const context = 'const total = items';
    const parent = await engine.client.request('distribution', query(context));
    const child = parent.top[1];
    assert.ok(child);
    const grandchild = nextTokenDistribution(table, child.id);
    const children = await engine.client.request('distribution', query(context, { path: [child.id] }));
    assert.ok(children.evaluatedTokens <= 2, `expanding one node evaluated ${children.evaluatedTokens} tokens`);
    for (const row of children.top)
      assert.ok(Math.abs(row.probability - (grandchild[row.id] ?? NaN)) <= TOLERANCE, `P(${row.id} | ${child.id})`);
    const deeper = children.top[0];
    assert.ok(deeper);
    const level3 = await engine.client.request('distribution', query(context, { path: [child.id, deeper.id] }));
    const expected3 = nextTokenDistribution(table, deeper.id);
    for (const row of level3.top) assert.ok(Math.abs(row.probability - (expected3[row.id] ?? NaN)) <= TOLERANCE);
  });

  it('mid-word, steps back over the typed fragment and lists the candidates consistent with it', async function () {
    const context = 'const val';
    const result = await engine.client.request('distribution', query(context, { backUpToBoundary: true }));
    assert.equal(result.fragment, 'l');
    // Stepping back over "l" asks what follows "a". In this vocabulary only "l" and its byte token <0x6C> read "l".
    const expected = nextTokenDistribution(table, lastOracleToken(table, 'const va'));
    for (const row of result.top) assert.ok(Math.abs(row.probability - (expected[row.id] ?? NaN)) <= TOLERANCE);
    const l = tokenizeLikeOracle(table, 'l')[0] ?? -1;
    const byteL = table.vocab.findIndex((entry) => entry.text === '<0x6C>');
    assert.deepEqual(result.consistent.map((row) => row.id), [l, byteL]);
    assert.deepEqual(result.consistent.map((row) => row.text), ['l', 'l']);
    assert.ok(Math.abs((result.consistent[0]?.probability ?? NaN) - (expected[l] ?? NaN)) <= TOLERANCE);
  });

  it('scores every token of a text with its closed-form surprisal, at its characters', async function () {
    const text = 'let sum = 0;\nfor (const x of xs) sum += x;\n';
    const result = await engine.client.request('surprisal', { text, scoreFrom: 0, detail: 'bits' });
    const expected = closedFormSurprisal(table, text);
    assert.deepEqual(result.tokens.map((token) => token.id), expected.map((token) => token.id));
    result.tokens.forEach((token, index) => {
      const bits = expected[index]?.bits ?? NaN;
      assert.ok(Math.abs(token.bits - bits) <= 1e-3, `token ${index}: ${token.bits} bits, closed form ${bits}`);
      assert.equal(text.slice(token.start, token.end), detokenizeOracle(table, [token.id]));
    });
  });

  it('scores the whole text after a Lens query left part of it in the KV state', async function () {
    const text = 'const a = 1;\nconst b = 2;\n';
    await engine.client.request('distribution', query(text.slice(0, 20)));
    const result = await engine.client.request('surprisal', { text, scoreFrom: 0, detail: 'bits' });
    assert.equal(result.tokens.length, tokenizeLikeOracle(table, text).length);
  });

  it('gives byte tokens that spell one non-ASCII character that character\'s span, so the spans tile the text', async function () {
    const text = 'const arrow = "→"; // é\nlet x = 1;\n';
    const result = await engine.client.request('surprisal', { text, scoreFrom: 0, detail: 'bits' });
    const ids = tokenizeLikeOracle(table, text);
    assert.equal(result.tokens.length, ids.length);
    const spans = [...new Map(result.tokens.map((token) => [token.start, token.end])).entries()];
    assert.equal(spans.map(([start, end]) => text.slice(start, end)).join(''), text);
    spans.forEach(([start], index) => index > 0 && assert.equal(start, spans[index - 1]?.[1], 'contiguous'));
    const arrow = result.tokens.filter((token) => text.slice(token.start, token.end) === '→');
    assert.equal(arrow.length, 3, 'the three byte tokens of "→" share its span');
  });

  it('decodes a tree path as a whole: byte tokens of one character give that character', async function () {
    const bytes = [...Buffer.from('→', 'utf8')].map((byte) =>
      table.vocab.findIndex((entry) => entry.text === `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`),
    );
    const result = await engine.client.request('distribution', query('const s = "', { path: bytes }));
    assert.equal(result.pathText, '→');
    const plain = await engine.client.request('distribution', query('x = ', { topK: table.vocab.length }));
    assert.equal(plain.pathText, '');
    const e2 = plain.top.find((row) => row.id === bytes[0]);
    assert.equal(e2?.text, '<0xE2>', 'a byte token that is part of a character shows its name, not "\uFFFD"');
  });

  it('refuses a path token outside the vocabulary (2^32 + 5 must not wrap around to 5), and keeps working', async function () {
    const size = table.vocab.length;
    for (const id of [2 ** 32 + 5, size]) {
      await assert.rejects(engine.client.request('distribution', query('x = ', { path: [id] })), (error: unknown) => {
        assert.ok(error instanceof EngineRequestError, String(error));
        assert.equal(error.code, 'badRequest');
        assert.equal(error.message, `The Lens path names token ${id}, which is not in the model's vocabulary (ids 0 to ${size - 1}).`);
        return true;
      });
    }
    // The last id is in the vocabulary: its children are the closed form after it.
    const expected = nextTokenDistribution(table, size - 1);
    const result = await engine.client.request('distribution', query('x = ', { path: [size - 1] }));
    for (const row of result.top)
      assert.ok(Math.abs(row.probability - (expected[row.id] ?? NaN)) <= TOLERANCE, `P(${row.id}) = ${row.probability}`);
  });

  it('after an edit, scores only from the first changed token', async function () {
    const before = 'const a = 1;\nconst b = 2;\n';
    const after = `${before}const c = 3;\n`;
    await engine.client.request('surprisal', { text: before, scoreFrom: 0, detail: 'bits' });
    const result = await engine.client.request('surprisal', { text: after, scoreFrom: before.length, detail: 'bits' });
    const added = tokenizeLikeOracle(table, after).length - tokenizeLikeOracle(table, before).length;
    assert.equal(result.tokens.length, added, 'only the new tokens are scored');
    assert.ok(result.evaluatedTokens <= added + 1, `evaluated ${result.evaluatedTokens} tokens for ${added} new ones`);
    assert.equal(result.tokens[0]?.start, before.length);
    assert.equal(result.tokens.at(-1)?.end, after.length);
  });

  for (const alternatives of [1, 3]) {
  it(`traces an inline completion (${alternatives} suggestion(s)): each token with its closed-form probability and the likeliest alternatives`, async function () {
    const prefix = 'const items = [';
    // With several suggestions the first token is chosen before generation starts: its step must still be traced.
    const result = await engine.client.request('complete', fimParams(prefix, '', { trace: true, alternatives }));
    const expectedIds = greedyContinuationTokens(table, lastOracleToken(table, prefix), { maxTokens: 12, stopAtNewline: true });
    assert.deepEqual(
      result.trace.map((step) => step.chosen.id),
      expectedIds,
    );
    let previous = lastOracleToken(table, prefix);
    for (const step of result.trace) {
      const distribution = nextTokenDistribution(table, previous);
      assert.ok(Math.abs(step.chosen.probability - (distribution[step.chosen.id] ?? NaN)) <= TOLERANCE);
      const expectedAlternatives = ranked(distribution)
        .filter((id) => id !== step.chosen.id)
        .slice(0, step.alternatives.length);
      step.alternatives.forEach((alternative, index) =>
        assert.ok(
          Math.abs(alternative.probability - (distribution[expectedAlternatives[index] ?? -1] ?? NaN)) <= TOLERANCE,
          `alternative ${index}`,
        ),
      );
      assert.equal(step.alternatives.length, 5);
      previous = step.chosen.id;
    }
    const untraced = await engine.client.request('complete', fimParams(prefix, '', { alternatives }));
    assert.deepEqual(untraced.trace, []);
    assert.equal(untraced.text, result.text);
  });
  }
});
