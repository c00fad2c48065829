// Checks the generated oracle models against their closed form, through the real node-llama-cpp: the engine's
// next-token distribution must be the bigram table, its tokenizer must be the oracle's, and FIM tokens must be
// declared exactly in the variants that have them. Needs `node out/scripts/generateModels.js` first.
import * as assert from 'node:assert/strict';
import type { Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import {
  OracleTable,
  detokenizeOracle,
  generatedModelPath,
  greedyContinuationTokens,
  loadOracleTable,
  nextTokenDistribution,
  tokenizeLikeOracle,
} from '../support/oracle';

/** node-llama-cpp brands token ids; the oracle's ids are the same numbers. */
const asTokens = (ids: number[]): Token[] => ids as Token[];

/** float32 logits and softmax in the engine; the construction itself is exact. */
const TOLERANCE = 1e-4;

describe('oracle model (generated GGUF, real node-llama-cpp)', function () {
  let table: OracleTable;
  let llama: Llama;
  let model: LlamaModel;
  let context: LlamaContext;
  let sequence: LlamaContextSequence;

  before(async function () {
    table = loadOracleTable();
    const { getLlama } = await import('node-llama-cpp');
    llama = await getLlama({ gpu: false, build: 'never' });
    model = await llama.loadModel({ modelPath: generatedModelPath('oracle.gguf') });
    context = await model.createContext({ contextSize: 512, threads: llama.cpuMathCores });
    sequence = context.getSequence();
  });

  after(async function () {
    await context?.dispose();
    await model?.dispose();
  });

  /** The engine's full next-token distribution after `tokens` (one evaluation from an empty sequence). */
  async function engineDistribution(tokens: number[]): Promise<Map<number, number>> {
    await sequence.clearHistory();
    for await (const output of sequence.evaluateWithMetadata(asTokens(tokens), { probabilities: true }, { temperature: 0 })) {
      return output.probabilities;
    }
    throw new Error('the engine produced no token');
  }

  const contexts = [
    'return ',
    'function add(a, b) {\n\t',
    'for (let i = 0; i < n; i++) {\n  ',
    "const greeting = 'caf\u00e9",
  ];
  for (const text of contexts) {
    it(`gives P(j|i) from the bigram table after ${JSON.stringify(text)}`, async function () {
      const tokens = [table.bos, ...tokenizeLikeOracle(table, text)];
      const last = tokens[tokens.length - 1] ?? table.bos;
      const expected = nextTokenDistribution(table, last);
      const actual = await engineDistribution(tokens);
      assert.equal(actual.size, table.vocab.length, 'the engine should return a probability for every token');
      let worst = 0;
      expected.forEach((p, id) => {
        const q = actual.get(id);
        assert.ok(q !== undefined, `no probability for token ${id}`);
        worst = Math.max(worst, Math.abs(q - p));
      });
      assert.ok(worst < TOLERANCE, `max |engine - oracle| = ${worst}`);
    });
  }

  it('gives a uniform distribution after BOS, a token with no counts', async function () {
    const actual = await engineDistribution([table.bos]);
    const uniform = 1 / table.vocab.length;
    for (const [id, q] of actual) assert.ok(Math.abs(q - uniform) < TOLERANCE, `token ${id}: ${q}`);
  });

  it('generates the greedy bigram continuation at temperature 0', async function () {
    const prompt = 'function ';
    const tokens = [table.bos, ...tokenizeLikeOracle(table, prompt)];
    const expected = greedyContinuationTokens(table, tokens[tokens.length - 1] ?? table.bos, { maxTokens: 12 });
    await sequence.clearHistory();
    const generated: number[] = [];
    for await (const token of sequence.evaluate(asTokens(tokens), { temperature: 0 })) {
      generated.push(token);
      if (generated.length === expected.length) break;
    }
    assert.deepEqual(generated, expected, `engine ${JSON.stringify(detokenizeOracle(table, generated))}`);
  });

  it('tokenizes like the oracle: ▁ for spaces, one token per printable character, bytes for the rest', function () {
    const snippet = 'if (x > 0) {\n\treturn "caf\u00e9 \u2192 ok";  // two  spaces\r\n}\n';
    const expected = tokenizeLikeOracle(table, snippet);
    assert.deepEqual(model.tokenize(snippet), expected);
    assert.equal(model.detokenize(asTokens(expected)), snippet);
    assert.equal(detokenizeOracle(table, expected), snippet);
  });

  it('declares the CodeLlama FIM tokens in oracle.gguf', function () {
    assert.equal(model.tokens.infill.prefix, table.fim.pre);
    assert.equal(model.tokens.infill.suffix, table.fim.suf);
    assert.equal(model.tokens.infill.middle, table.fim.mid);
    assert.equal(model.tokens.eot, table.fim.eot);
    assert.equal(model.tokens.bos, table.bos);
    assert.equal(model.tokens.eos, table.eos);
  });

  it('declares no FIM tokens in oracle-nofim.gguf', async function () {
    const noFim = await llama.loadModel({ modelPath: generatedModelPath('oracle-nofim.gguf') });
    try {
      assert.equal(noFim.tokens.infill.prefix, null);
      assert.equal(noFim.tokens.infill.suffix, null);
      assert.equal(noFim.tokens.infill.middle, null);
    } finally {
      await noFim.dispose();
    }
  });

  it('carries a Llama-2 chat template in oracle-chat.gguf', async function () {
    const { resolveChatWrapper, Llama2ChatWrapper } = await import('node-llama-cpp');
    const chat = await llama.loadModel({ modelPath: generatedModelPath('oracle-chat.gguf') });
    try {
      assert.match(String(chat.fileInfo.metadata.tokenizer?.chat_template), /\[INST\]/);
      assert.ok(resolveChatWrapper(chat) instanceof Llama2ChatWrapper, 'node-llama-cpp should recognise it as Llama-2 chat');
      assert.equal(chat.tokens.infill.prefix, table.fim.pre);
    } finally {
      await chat.dispose();
    }
  });
});
