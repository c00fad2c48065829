// Split GGUF models (src/core/gguf/splitModel.ts): a tiny two-block Llama written by the project's GGUF writer and
// cut in two by test/support/ggufSplit.ts (gguf-split's layout), so block 1 lives only in part 2.
import { strict as assert } from 'node:assert';
import { GgmlType, GgufWriter } from '../../scripts/lib/gguf/GgufWriter';
import { splitModelProblem, splitPartNames, type SplitHeader } from '../../src/core/gguf/splitModel';
import { validateGgufHeader } from '../../src/core/gguf/validateGguf';
import { splitGguf } from '../support/ggufSplit';

const N_EMBD = 32;
const TOKENS = ['<unk>', '<s>', '</s>', 'a'];
const MISMADE = ' The file was converted wrongly or has been damaged: get the model again or pick another model file.';

/** A whole file (zeros for data: headers are all that is read) with blocks 0 and 1, declaring `blockCount`. */
function twoBlockLlama(blockCount: number, edit: (w: GgufWriter) => void = () => undefined): Buffer {
  const w = new GgufWriter(32).setString('general.architecture', 'llama');
  w.setUint32('llama.block_count', blockCount).setUint32('llama.embedding_length', N_EMBD).setUint32('llama.attention.head_count', 2);
  w.setString('tokenizer.ggml.model', 'llama').setStringArray('tokenizer.ggml.tokens', TOKENS);
  const f32 = (name: string, shape: number[]) => w.addTensor(name, shape, GgmlType.F32, () => []);
  f32('token_embd.weight', [N_EMBD, TOKENS.length]);
  for (const block of [0, 1]) for (const name of ['attn_q', 'attn_k', 'attn_v']) f32(`blk.${block}.${name}.weight`, [N_EMBD, N_EMBD]);
  f32('output.weight', [N_EMBD, TOKENS.length]);
  edit(w);
  const header = w.headerBytes();
  return Buffer.concat([header, Buffer.alloc(w.fileSize() - header.length)]);
}

/** Block 1's first tensor: part 1 gets token_embd and block 0. */
const BLOCK_1_AT = 4;

function splitHeaderOf(part: Buffer): SplitHeader {
  const check = validateGgufHeader(part, part.length);
  assert.ok(check.ok, 'problem' in check ? check.problem : 'asked for more bytes');
  assert.ok(check.split, 'the part says it is part of a split model');
  return check.split;
}

function parts(file: Buffer): { name: string; split: SplitHeader }[] {
  return splitGguf(file, BLOCK_1_AT).map((part, i) => ({ name: `m-0000${i + 1}-of-00002.gguf`, split: splitHeaderOf(part) }));
}

describe('split GGUF models', () => {
  it('judge a part 1 that lacks block 1 with the tensors of both parts', () => {
    const [first, second] = parts(twoBlockLlama(2));
    assert.deepEqual([first?.split.no, first?.split.count, second?.split.no, second?.split.count], [0, 2, 1, 2]);
    assert.equal(splitModelProblem(parts(twoBlockLlama(2))), undefined);
  });

  it('refuse a block that no part holds', () => {
    assert.equal(splitModelProblem(parts(twoBlockLlama(3))),
      `its llama.block_count is 3, but it has no tensors for block 2 (blk.2.*), so it holds fewer blocks than it says.${MISMADE}`);
  });

  it('refuse parts out of order, or a part that does not say it is one', () => {
    const [first, second] = parts(twoBlockLlama(2));
    assert.ok(first && second);
    assert.equal(splitModelProblem([{ ...second, name: 'a.gguf' }, first]),
      'part 1 of 2, a.gguf, says it is part 2 of 2. Get all the parts of the model again, from the same download.');
    assert.equal(splitModelProblem([first, { name: 'b.gguf', split: undefined }]),
      'part 2 of 2, b.gguf, does not say it is part of a split model. Get all the parts of the model again, from the same download.');
  });

  it('refuse split keys that are not u16, which llama.cpp cannot read', () => {
    const file = twoBlockLlama(2, (w) => w.setUint32('split.no', 0).setUint32('split.count', 2));
    const check = validateGgufHeader(file, file.length);
    assert.ok(!check.ok && 'problem' in check);
    assert.match(check.problem, /^its split\.no entry is not a 16-bit unsigned integer/);
  });

  it("name the parts as llama.cpp finds them from part 1's name", () => {
    assert.deepEqual(splitPartNames('model-00001-of-00003.gguf', 3), [
      'model-00001-of-00003.gguf',
      'model-00002-of-00003.gguf',
      'model-00003-of-00003.gguf',
    ]);
    assert.equal(splitPartNames('model-00002-of-00003.gguf', 3), undefined, 'not part 1');
    assert.equal(splitPartNames('model-00001-of-00002.gguf', 3), undefined, 'another count');
    assert.equal(splitPartNames('model.gguf', 2), undefined);
    assert.equal(splitPartNames('-00001-of-00002.gguf', 2), undefined, 'no name before the numbers');
  });
});
