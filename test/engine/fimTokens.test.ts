// The exact tokens of fill-in-the-middle prompts, on the real Llama-2 SentencePiece vocabulary loaded by the real
// node-llama-cpp (vocabulary only). CodeLlama's reference prompt (facebookresearch/codellama, llama/generation.py,
// infilling_prompt_tokens) is `<s><PRE> {pre}<SUF>{suf}<MID>` (PSM) or `<s><PRE><SUF>{suf}<MID> {pre}` (SPM): the
// prefix is encoded with SentencePiece's dummy space ("▁") before it, the suffix without one.
//
// Expected tokens are written as pieces and looked up in the vocabulary's own token list. The fixture is Llama-2's
// vocabulary, which CodeLlama's extends by 16 tokens, so the FIM markers are CodeLlama's ids given as numbers.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Llama, LlamaModel } from 'node-llama-cpp';
import { formatExtraContext } from '../../src/core/ContextRing';
import { buildFimPrompt, fitPrompt, type PromptParts } from '../../src/core/fimPrompt';
import type { FimLayout } from '../../src/protocol/engineProtocol';
import { tokenizeFimParts, type FimTexts } from '../../src/engine/inference/tokenizeFimParts';
import { PINNED_FIM_CASES as PINNED } from '../support/fimPinnedCases';
import { generatedModelPath } from '../support/oracle';
import { REPO_ROOT } from '../support/repoPaths';

const VOCAB = join(REPO_ROOT, 'test', 'fixtures', 'ggml-vocab-llama-spm.gguf');

/** CodeLlama's markers (▁<PRE>, ▁<SUF>, ▁<MID>; ▁<EOT> is 32010), written here as they read in a prompt. */
const MARKERS: ReadonlyMap<string, number> = new Map([['<PRE>', 32007], ['<SUF>', 32008], ['<MID>', 32009]]);
const FIM = { prefix: 32007, suffix: 32008, middle: 32009 };

describe('FIM prompt tokens on the real Llama-2 vocabulary', function () {
  let llama: Llama;
  let model: LlamaModel;
  let pieceIds: Map<string, number>;
  let bos: number;

  // Loading a vocabulary-only file makes node-llama-cpp log "missing tensor 'token_embd.weight'" while it estimates
  // memory; the load itself succeeds.
  before(async function () {
    const { getLlama, readGgufFileInfo } = await import('node-llama-cpp');
    const info = await readGgufFileInfo(VOCAB, { readTensorInfo: false });
    const pieces = info.metadata.tokenizer.ggml.tokens;
    assert.equal(pieces.length, 32000, 'the fixture should be the real Llama-2 vocabulary');
    pieceIds = new Map(pieces.map((piece, id) => [piece, id]));
    llama = await getLlama({ gpu: false, build: 'never' });
    model = await llama.loadModel({ modelPath: VOCAB, vocabOnly: true, gpuLayers: 0 });
    assert.ok(model.tokens.bos !== null);
    bos = model.tokens.bos;
  });

  after(async function () {
    await model?.dispose();
  });

  /** Ids of pieces as the vocabulary lists them; CodeLlama's markers by their ids; `<s>` is BOS. */
  function ids(pieces: readonly string[]): number[] {
    return pieces.map((piece) => {
      const id = MARKERS.get(piece) ?? pieceIds.get(piece);
      assert.ok(id !== undefined, `${JSON.stringify(piece)} is not a piece of the vocabulary`);
      return id;
    });
  }

  function prompt(parts: PromptParts, layout: FimLayout): number[] {
    return buildFimPrompt({ bos, fim: FIM, layout, ...parts }).tokens;
  }

  describe('pinned ids, written as pieces', function () {
    for (const pinned of PINNED) {
      it(pinned.name, function () {
        const parts = tokenizeFimParts(model, pinned.texts);
        const extra = pinned.extra ?? [];
        assert.deepEqual(parts, { extraTokens: ids(extra), prefixTokens: ids(pinned.prefix), suffixTokens: ids(pinned.suffix) });
        assert.deepEqual(prompt(parts, 'spm'), ids(['<s>', '<PRE>', '<SUF>', ...pinned.suffix, '<MID>', ...extra, ...pinned.prefix]));
        assert.deepEqual(prompt(parts, 'psm'), ids(['<s>', '<PRE>', ...extra, ...pinned.prefix, '<SUF>', ...pinned.suffix, '<MID>']));
      });
    }

    it('spells out one prompt as bare ids: "const x" before the cursor, "\\n" after it', function () {
      const parts = tokenizeFimParts(model, { extraContext: '', prefix: 'const x', suffix: '\n' });
      // <s>=1, ▁const=1040, ▁x=921, <0x0A>=13 in Llama-2's vocabulary.
      assert.deepEqual([pieceIds.get('<s>'), pieceIds.get('▁const'), pieceIds.get('▁x'), pieceIds.get('<0x0A>')], [1, 1040, 921, 13]);
      assert.deepEqual(prompt(parts, 'spm'), [1, 32007, 32008, 13, 32009, 1040, 921]);
      assert.deepEqual(prompt(parts, 'psm'), [1, 32007, 1040, 921, 32008, 13, 32009]);
    });

    it("spells out docs/features.md's worked example as bare ids", function () {
      const parts = tokenizeFimParts(model, { extraContext: 'let a = b\n', prefix: 'const x', suffix: '\n}\n' });
      // ▁let=1235 ▁a=263 ▁==353 ▁b=289 const=3075 }=29913.
      assert.deepEqual(ids(['▁let', '▁a', '▁=', '▁b', 'const', '}']), [1235, 263, 353, 289, 3075, 29913]);
      assert.deepEqual(prompt(parts, 'spm'), [1, 32007, 32008, 13, 29913, 13, 32009, 1235, 263, 353, 289, 13, 3075, 921]);
      assert.deepEqual(prompt(parts, 'psm'), [1, 32007, 1235, 263, 353, 289, 13, 3075, 921, 32008, 13, 29913, 13, 32009]);
    });
  });

  describe("the same tokens as CodeLlama's reference prompt", function () {
    /** SentencePiece's encode: llama.cpp adds the dummy space for this vocabulary, as SentencePiece does. */
    const encode = (text: string): number[] => (text.length === 0 ? [] : model.tokenize(text, false));
    /** The reference's encode_infilling: encode "☺" + text, then drop the "▁" and "☺" that start it. */
    const encodeInfilling = (text: string): number[] => {
      const tokens = encode(`\u263A${text}`);
      assert.deepEqual(tokens.slice(0, 2), ids(['▁', '\u263A']));
      return tokens.slice(2);
    };
    /** The reference's infilling prompt, with the extra context as the start of the prefix's text. */
    const reference = (texts: FimTexts, layout: FimLayout): number[] => {
      const pre = encode(texts.extraContext + texts.prefix);
      const suf = encodeInfilling(texts.suffix);
      return layout === 'spm'
        ? [bos, FIM.prefix, FIM.suffix, ...suf, FIM.middle, ...pre]
        : [bos, FIM.prefix, ...pre, FIM.suffix, ...suf, FIM.middle];
    };

    const extraContext = formatExtraContext([
      { path: 'src/util.ts', startLine: 0, text: 'export function clamp(x: number) {\n  return Math.min(1, x);\n}' },
      { path: 'src/names.ts', startLine: 4, text: '\tconst café = "naïve";\n' },
    ], '//');
    const cases: FimTexts[] = [
      { extraContext: '', prefix: 'function add(a, b) {\n  return', suffix: '\n}\n' },
      { extraContext, prefix: 'function add(a, b) {\n  return', suffix: '\n}\n' },
      { extraContext, prefix: '  const y = clamp(', suffix: ');\n  return y;\n}' },
      { extraContext, prefix: '\n\nclass A:\n\tdef f(self):\n\t\t', suffix: '\t\tpass\n' },
      { extraContext: '', prefix: ' leading space', suffix: '   trailing  ' },
      { extraContext, prefix: '', suffix: 'x' },
      { extraContext: '', prefix: 'emoji 🦙 and 中文', suffix: ' → done\r\n' },
    ];
    for (const [index, texts] of cases.entries()) {
      it(`case ${index}: ${JSON.stringify(texts.prefix)} | ${JSON.stringify(texts.suffix)}${texts.extraContext ? ' with extra context' : ''}`, function () {
        const parts = tokenizeFimParts(model, texts);
        for (const layout of ['spm', 'psm'] as const) assert.deepEqual(prompt(parts, layout), reference(texts, layout), layout);
      });
    }

    it('for 300 random texts of spaces, tabs, newlines and code characters', function () {
      const alphabet = [' ', ' ', '  ', '\n', '\t', 'a', 'b', 'x', 'if', 'return', '(', ')', '{', '}', ':', '=', 'é', '1', '_', '\u263A'];
      let seed = 14;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      const text = (length: number) => Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      for (let run = 0; run < 300; run++) {
        // Extra context, when there is some, ends with a newline, as formatExtraContext writes it.
        const texts = { extraContext: run % 3 === 0 ? `${text(1 + (run % 7))}\n` : '', prefix: text(run % 12), suffix: text(run % 9) };
        const parts = tokenizeFimParts(model, texts);
        for (const layout of ['spm', 'psm'] as const)
          assert.deepEqual(prompt(parts, layout), reference(texts, layout), `${layout} ${JSON.stringify(texts)}`);
      }
    });

    it('keeps the reference tokens for what is left when the prompt is cut to its budgets', function () {
      const texts = cases[2]!;
      const parts = tokenizeFimParts(model, texts);
      const fitted = fitPrompt(parts, { prefix: 4, suffix: 3, extra: 6 }, 1000);
      assert.ok(
        fitted.prefixTokens.length < parts.prefixTokens.length && fitted.extraTokens.length < parts.extraTokens.length,
        'the budgets must cut',
      );
      const tail = (tokens: number[], length: number) => tokens.slice(tokens.length - length);
      assert.deepEqual(fitted.extraTokens, tail(encode(texts.extraContext), fitted.extraTokens.length), 'the extra context keeps its end');
      assert.deepEqual(
        fitted.prefixTokens,
        tail(encode(texts.extraContext + texts.prefix), fitted.prefixTokens.length),
        'the prefix keeps its end',
      );
      assert.deepEqual(
        fitted.suffixTokens,
        encodeInfilling(texts.suffix).slice(0, fitted.suffixTokens.length),
        'the suffix keeps its start',
      );
    });
  });

  describe('on a vocabulary without a dummy space (the byte-level oracle)', function () {
    let oracle: LlamaModel;
    before(async function () {
      oracle = await llama.loadModel({ modelPath: generatedModelPath('oracle.gguf'), vocabOnly: true, gpuLayers: 0 });
    });
    after(async function () {
      await oracle?.dispose();
    });

    it('gives every part its plain tokenization', function () {
      const texts = { extraContext: '// a.js\nlet a = 1;\n', prefix: '  const x', suffix: '\n}\n' };
      assert.deepEqual(tokenizeFimParts(oracle, texts), {
        extraTokens: oracle.tokenize(texts.extraContext, false),
        prefixTokens: oracle.tokenize(texts.prefix, false),
        suffixTokens: oracle.tokenize(texts.suffix, false),
      });
    });
  });
});
