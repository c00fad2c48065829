// The model shape checks (src/core/gguf/modelShapeChecks.ts) through validateGgufHeader, on headers written in
// memory by the project's GGUF writer: a tiny Llama with one fact changed at a time, and the generators' own models
// (the oracle and every benchmark shape), which must pass.
import { strict as assert } from 'node:assert';
import { GgmlType, GgufWriter, type TensorDataProducer } from '../../scripts/lib/gguf/GgufWriter';
import { buildOracleGguf, buildOracleTable, ORACLE_VARIANTS } from '../../scripts/lib/models/oracleModel';
import { buildShapeGguf, SHAPE_MODEL_NAMES, SHAPE_MODELS, type SpmVocab } from '../../scripts/lib/models/shapeModels';
import { validateGgufHeader } from '../../src/core/gguf/validateGguf';

const MISMADE = ' The file was converted wrongly or has been damaged: get the model again or pick another model file.';
const TOKENS = ['<unk>', '<s>', '</s>', '\u2581', 'a', 'b', 'c', 'd'];
const N_EMBD = 64;
/** Header checks never read tensor data. */
const noData: TensorDataProducer = () => [];

/** Integer keys under the architecture's name; undefined leaves a key out, an array is written as int32[]. */
type ShapeKeys = Record<string, number | number[] | undefined>;

interface TinyOptions {
  arch?: string;
  /** The block numbers that get tensors. */
  blocks?: number[];
  /** Blocks whose tensors have no attention weights (as a recurrent or hybrid model's). */
  attentionFree?: number[];
  /** Prefix of the block tensors' names (T5's enc./dec.). */
  blockPrefixes?: string[];
  embdRows?: number;
  outputRows?: number;
}

/** A Llama-shaped header: 64-wide, 4 heads over 2 key/value heads, 2 blocks, 8 tokens; `keys` override its facts. */
function tinyLlama(keys: ShapeKeys = {}, options: TinyOptions = {}): GgufWriter {
  const arch = options.arch ?? 'llama';
  const w = new GgufWriter(32).setString('general.architecture', arch).setString('general.name', 'tiny shape test');
  const facts: ShapeKeys = {
    context_length: 128,
    embedding_length: N_EMBD,
    block_count: 2,
    'attention.head_count': 4,
    'attention.head_count_kv': 2,
    ...keys,
  };
  for (const [key, value] of Object.entries(facts)) {
    if (typeof value === 'number') w.setUint32(`${arch}.${key}`, value);
    else if (value !== undefined) w.setInt32Array(`${arch}.${key}`, value);
  }
  w.setString('tokenizer.ggml.model', 'llama').setStringArray('tokenizer.ggml.tokens', TOKENS);
  const f32 = (name: string, shape: number[]) => w.addTensor(name, shape, GgmlType.F32, noData);
  f32('token_embd.weight', [N_EMBD, options.embdRows ?? TOKENS.length]);
  for (const prefix of options.blockPrefixes ?? ['']) {
    for (const block of options.blocks ?? [0, 1]) {
      const p = `${prefix}blk.${block}.`;
      f32(`${p}attn_norm.weight`, [N_EMBD]);
      if (options.attentionFree?.includes(block)) f32(`${p}ssm_in.weight`, [N_EMBD, N_EMBD]);
      else for (const name of ['attn_q', 'attn_k', 'attn_v', 'attn_output']) f32(`${p}${name}.weight`, [N_EMBD, N_EMBD]);
    }
  }
  f32('output_norm.weight', [N_EMBD]);
  f32('output.weight', [N_EMBD, options.outputRows ?? TOKENS.length]);
  return w;
}

function problemOf(w: GgufWriter): string | undefined {
  const check = validateGgufHeader(w.headerBytes(), w.fileSize());
  if (check.ok) return undefined;
  assert.ok('problem' in check, `asked for more bytes: ${JSON.stringify(check)}`);
  return check.problem;
}

function accepted(w: GgufWriter): void {
  assert.equal(problemOf(w), undefined);
}

describe('model shape checks', () => {
  it('accept a well-formed Llama header, and one without the optional head_count_kv', () => {
    accepted(tinyLlama());
    accepted(tinyLlama({ 'attention.head_count_kv': undefined }));
  });

  it('refuse a context length of 0', () => {
    assert.equal(
      problemOf(tinyLlama({ context_length: 0 })),
      `its llama.context_length is 0; a model needs a context of at least one token.${MISMADE}`,
    );
  });

  it('refuse a block count of 0, above the blocks present (four billion), or with a block missing', () => {
    assert.equal(
      problemOf(tinyLlama({ block_count: 0 })),
      `its llama.block_count is 0; a model needs at least one block (layer).${MISMADE}`,
    );
    assert.equal(problemOf(tinyLlama({ block_count: 4_000_000_000 })),
      `its llama.block_count is 4000000000, but it has no tensors for block 2 (blk.2.*), so it holds fewer blocks than it says.${MISMADE}`);
    assert.equal(problemOf(tinyLlama({ block_count: 3 }, { blocks: [0, 2] })),
      `its llama.block_count is 3, but it has no tensors for block 1 (blk.1.*), so it holds fewer blocks than it says.${MISMADE}`);
  });

  it('refuse tensors for blocks beyond the block count', () => {
    assert.equal(problemOf(tinyLlama({ block_count: 1 })),
      `its llama.block_count is 1, but it also has tensors for block 1 (blk.1.*), so it holds more blocks than it says.${MISMADE}`);
  });

  it("accept a model's missing multi-token-prediction blocks, but not a block count above llama.cpp's 512", () => {
    accepted(tinyLlama({ block_count: 3, nextn_predict_layers: 1 }));
    assert.equal(problemOf(tinyLlama({ block_count: 600, nextn_predict_layers: 1 })),
      'its llama.block_count is 600; llama.cpp loads models of at most 512 blocks (layers). Pick another model file.');
  });

  it("count an encoder-decoder model's enc.blk and dec.blk blocks", () => {
    accepted(tinyLlama({}, { arch: 't5', blockPrefixes: ['enc.', 'dec.'] }));
  });

  it('refuse a head count of 0 where blocks have attention weights, but not in a model without attention', () => {
    assert.equal(
      problemOf(tinyLlama({ 'attention.head_count': 0, 'attention.head_count_kv': undefined })),
      `its llama.attention.head_count is 0, but blk.0.attn_q.weight is an attention weight; a model with attention needs at least one attention head.${MISMADE}`,
    );
    accepted(tinyLlama({ 'attention.head_count': 0, 'attention.head_count_kv': 0 }, { arch: 'mamba', attentionFree: [0, 1] }));
  });

  it('refuse a head count that does not divide the embedding length, unless the header gives the head size', () => {
    assert.equal(problemOf(tinyLlama({ 'attention.head_count': 5, 'attention.head_count_kv': undefined })),
      `its llama.attention.head_count is 5, which does not divide its llama.embedding_length (64) into whole heads.${MISMADE}`);
    accepted(
      tinyLlama({
        'attention.head_count': 5,
        'attention.head_count_kv': undefined,
        'attention.key_length': 16,
        'attention.value_length': 16,
      }),
    );
  });

  it('refuse a key/value head count of 0, or one that does not divide the head count', () => {
    assert.equal(
      problemOf(tinyLlama({ 'attention.head_count_kv': 0 })),
      `its llama.attention.head_count_kv is 0, but blk.0.attn_q.weight is an attention weight; attention needs at least one key/value head.${MISMADE}`,
    );
    assert.equal(problemOf(tinyLlama({ 'attention.head_count_kv': 3 })),
      `its llama.attention.head_count_kv is 3, which does not divide its llama.attention.head_count (4): ` +
      `each key/value head must serve the same whole number of attention heads.${MISMADE}`);
  });

  it('check per-block head counts block by block, allowing 0 for a block without attention', () => {
    accepted(tinyLlama({ 'attention.head_count': [4, 8], 'attention.head_count_kv': [2, 0] }, { attentionFree: [1] }));
    assert.equal(problemOf(tinyLlama({ 'attention.head_count': [4, 0] })),
      'its llama.attention.head_count is 0 for block 1, but blk.1.attn_q.weight is an attention weight; ' +
      `a model with attention needs at least one attention head.${MISMADE}`);
    assert.match(problemOf(tinyLlama({ 'attention.head_count': [4, 6] })) ?? '',
      /^its llama.attention.head_count is 6 for block 1, which does not divide its llama.embedding_length \(64\)/);
    assert.match(problemOf(tinyLlama({ 'attention.head_count_kv': [2, 3] })) ?? '',
      /^its llama.attention.head_count_kv is 3 for block 1, which does not divide its llama.attention.head_count \(4 for block 1\):/);
    assert.equal(problemOf(tinyLlama({ 'attention.head_count': [4, 4, 4] })),
      `its llama.attention.head_count lists 3 values, but its llama.block_count is 2: it needs one value per block.${MISMADE}`);
  });

  it("refuse a vocabulary whose size is not token_embd's or output's number of rows", () => {
    assert.equal(problemOf(tinyLlama({}, { outputRows: 9 })),
      `its tokenizer.ggml.tokens lists 8 tokens, but output.weight has 9 rows (one per token); the two must agree.${MISMADE}`);
    assert.match(
      problemOf(tinyLlama({}, { embdRows: 7 })) ?? '',
      /^its tokenizer.ggml.tokens lists 8 tokens, but token_embd.weight has 7 rows/,
    );
    assert.match(
      problemOf(tinyLlama({ vocab_size: 9 })) ?? '',
      /^its llama.vocab_size is 9, but token_embd.weight has 8 rows \(one per token\)/,
    );
    accepted(tinyLlama({ vocab_size: 8 }));
    // An audio decoder's output is not one row per token.
    accepted(tinyLlama({}, { arch: 'wavtokenizer-dec', outputRows: 9 }));
  });

  it("accept the generators' models: every oracle variant and every benchmark shape", function () {
    this.timeout(20_000); // laying out a 32,016-token header takes the writer a few tenths of a second
    const table = buildOracleTable('function f(x) {\n  return x + 1;\n}\n', 'test');
    for (const variant of ORACLE_VARIANTS) accepted(buildOracleGguf(table, variant));
    // The shape models' tensors follow the real models'; a stand-in vocabulary (CodeLlama's variants pad it to
    // 32,016 tokens) keeps the headers quick to build.
    const tokens = Array.from({ length: 64 }, (_, i) => `t${i}`);
    const vocab: SpmVocab = {
      tokens,
      scores: tokens.map(() => 0),
      tokenTypes: tokens.map(() => 1),
      bos: 1,
      eos: 2,
      unk: 0,
      addBos: true,
      addEos: false,
    };
    for (const name of SHAPE_MODEL_NAMES) accepted(buildShapeGguf(SHAPE_MODELS[name], vocab));
  });
});
