// Every path that turns tokens into text, on the real Llama-2/CodeLlama vocabulary (oracle-spm.gguf): SentencePiece's
// "▁" word starts, runs of spaces, <0x0A>, byte-fallback characters, markup and ▁<EOT>. Expected tokens come from the
// oracle's closed form (test/support/spmOracle.ts), expected text from the vocabulary's pieces spelled out here, and
// expected tokenization from node-llama-cpp's own tokenizer, never from an earlier run of our code.
import { strict as assert } from 'node:assert';
import type { Llama, LlamaModel } from 'node-llama-cpp';
import type { DistributionParams, TokenSurprisal } from '../../src/protocol/engineProtocol';
import { fimParams, useOracleEngine, type EngineUnderTest } from '../support/engineHarness';
import { generatedModelPath } from '../support/oracle';
import {
  CODELLAMA_FIM_IDS, SPM_ORACLE_MODEL, closeToClosedForm, loadSpmOracleTable, spmGreedyTokens, spmNextTokenDistribution,
} from '../support/spmOracle';

const BYTE_PIECE = /^<0x([0-9A-F]{2})>$/;

/** SentencePiece's decoding, spelled out: "▁" is a space, <0xHH> a byte, control tokens nothing; no space is dropped. */
function spell(pieces: readonly string[], ids: readonly number[]): string {
  const bytes: number[] = [];
  for (const id of ids) {
    const piece = pieces[id] ?? '';
    const byte = BYTE_PIECE.exec(piece);
    if (byte) bytes.push(parseInt(byte[1] ?? '', 16));
    else if (!(id <= 2 || id >= 32000)) bytes.push(...Buffer.from(piece.replaceAll('\u2581', ' '), 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

describe('Real Llama-2/CodeLlama vocabulary (oracle-spm): text keeps its spaces and characters', function () {
  const table = loadSpmOracleTable();
  const oracleEngine = useOracleEngine(SPM_ORACLE_MODEL);
  let engine: EngineUnderTest;
  let llama: Llama;
  let vocabulary: LlamaModel;
  let pieces: string[];
  /**
   * node-llama-cpp's tokens for a text in the middle of others: after a newline (▁ <0x0A> at a text's start), which
   * no piece of this vocabulary spans, so SentencePiece adds no space of its own to the text.
   */
  const tokenize = (text: string) => {
    const tokens = [...vocabulary.tokenize(`\n${text}`, false)] as number[];
    assert.deepEqual(tokens.slice(0, 2), [id('▁'), id('<0x0A>')]);
    return tokens.slice(2);
  };
  const id = (piece: string) => {
    const found = pieces.indexOf(piece);
    assert.ok(found >= 0, `the vocabulary has no piece ${piece}`);
    return found;
  };
  /** What greedy decoding writes after `text`, by the closed form. */
  const greedyAfter = (text: string, maxTokens = 12) => spmGreedyTokens(table, tokenize(text).at(-1) ?? CODELLAMA_FIM_IDS.mid, maxTokens);

  before(async function () {
    engine = oracleEngine();
    const { getLlama } = await import('node-llama-cpp');
    llama = await getLlama({ gpu: false, build: 'never' });
    vocabulary = await llama.loadModel({ modelPath: generatedModelPath(SPM_ORACLE_MODEL), vocabOnly: true });
    pieces = [...(vocabulary.fileInfo.metadata.tokenizer?.ggml?.tokens ?? [])];
    assert.equal(pieces.length, 32016, "CodeLlama's vocabulary");
  });
  after(async () => {
    await vocabulary?.dispose();
  });

  describe('completions', function () {
    it('after "const x" suggests " = 5;" with its leading space: ▁= ▁ 5 ; then ▁<EOT>', async function () {
      const expected = greedyAfter('const x');
      assert.deepEqual(expected, [id('▁='), id('▁'), id('5'), id(';')], 'the closed form');
      assert.equal(spell(pieces, expected), ' = 5;');
      const result = await engine.client.request('complete', fimParams('const x', '\n'));
      assert.equal(result.text, ' = 5;');
      assert.equal(result.stopReason, 'endOfText', 'ended by ▁<EOT>');
      assert.equal(result.generatedTokens, 4);
    });

    it('keeps the space of every alternative: " += 5;" and the markup `"></script>` as plain text', async function () {
      const result = await engine.client.request('complete', fimParams('const x', '\n', { alternatives: 3 }));
      const [, second, third] = [...Object.entries(table.states[1]?.logits ?? {})]
        .sort(([, a], [, b]) => b - a)
        .map(([key]) => Number(key));
      assert.deepEqual([second, third], [id('▁+'), id('"></')], 'the closed form ranks the first tokens');
      assert.equal(result.text, ' = 5;');
      assert.deepEqual(result.alternatives, [
        spell(pieces, [id('▁+'), ...spmGreedyTokens(table, id('▁+'), 12)]),
        spell(pieces, [id('"></'), ...spmGreedyTokens(table, id('"></'), 12)]),
      ]);
      assert.deepEqual(result.alternatives, [' += 5;', '"></script>']);
    });

    it('writes a newline and an indented line through <0x0A> and a run of spaces', async function () {
      const result = await engine.client.request('complete', fimParams('function f() {', '\n}', { stopAtNewline: false }));
      assert.equal(spell(pieces, greedyAfter('function f() {')), '\n    return 5;');
      assert.equal(result.text, '\n    return 5;');
      const singleLine = await engine.client.request('complete', fimParams('function f() {', '\n}'));
      assert.equal(singleLine.text, '', 'a single-line suggestion stops before the newline');
    });

    it('keeps all four spaces of a continuation that starts with a run of spaces, after text and after an empty prefix', async function () {
      assert.equal(spell(pieces, greedyAfter('f(a)')), '    // ok');
      assert.equal((await engine.client.request('complete', fimParams('f(a)', ''))).text, '    // ok');
      // An empty prefix: the prompt ends with ▁<MID>, whose text is nothing.
      assert.equal((await engine.client.request('complete', fimParams('', '\n'))).text, '    // ok');
    });

    it('spells an emoji and a CJK identifier from byte-fallback tokens, whole', async function () {
      const emoji = greedyAfter('const s = "');
      assert.deepEqual(emoji.slice(0, 4).map((token) => pieces[token]), ['<0xF0>', '<0x9F>', '<0xA6>', '<0x99>']);
      assert.equal((await engine.client.request('complete', fimParams('const s = "', '\n'))).text, '🦙";');
      assert.deepEqual(greedyAfter('obj.').slice(0, 3).map((token) => pieces[token]), ['<0xE9>', '<0xB1>', '<0xB7>']);
      assert.equal((await engine.client.request('complete', fimParams('obj.', '\n'))).text, '鱷();');
    });

    it('leaves out a character cut short by the token limit instead of showing "�"', async function () {
      const result = await engine.client.request('complete', fimParams('const s = "', '\n', { maxTokens: 2 }));
      assert.equal(result.stopReason, 'maxTokens');
      assert.equal(result.text, '', 'two of the emoji\'s four bytes are no text');
      const whole = await engine.client.request('complete', fimParams('const s = "', '\n', { maxTokens: 4 }));
      assert.equal(whole.text, '🦙');
    });

    it('traces each step with its text as shown mid-line and the closed-form probabilities', async function () {
      const result = await engine.client.request('complete', fimParams('const x', '\n', { trace: true }));
      assert.deepEqual(result.trace.map((step) => step.chosen.text), [' =', ' ', '5', ';']);
      let prev = id('▁x');
      for (const step of result.trace) {
        const expected = spmNextTokenDistribution(table, prev);
        assert.ok(
          closeToClosedForm(step.chosen.probability, expected[step.chosen.id] ?? NaN),
          `P(${step.chosen.id} | ${prev}) = ${step.chosen.probability}, closed form ${expected[step.chosen.id]}`,
        );
        prev = step.chosen.id;
      }
      assert.deepEqual(result.trace[0]?.alternatives.slice(0, 2).map((row) => row.text), [' +', '"></']);
    });
  });

  describe('the Lens', function () {
    const query = (text: string, extra: Partial<DistributionParams> = {}): DistributionParams => ({
      text,
      path: [],
      topK: 5,
      backUpToBoundary: false,
      ...extra,
    });

    it('shows the candidates after "const x" with their spaces and the closed-form probabilities', async function () {
      const result = await engine.client.request('distribution', query('const x'));
      const expected = spmNextTokenDistribution(table, id('▁x'));
      assert.deepEqual(result.top.slice(0, 3).map((row) => [row.id, row.text]), [[id('▁='), ' ='], [id('▁+'), ' +'], [id('"></'), '"></']]);
      for (const row of result.top)
        assert.ok(
          closeToClosedForm(row.probability, expected[row.id] ?? NaN),
          `P(${row.id}) = ${row.probability}, closed form ${expected[row.id]}`,
        );
    });

    it('shows a run of spaces and a newline as the whitespace they are', async function () {
      const afterParen = await engine.client.request('distribution', query('f(a)'));
      assert.deepEqual([afterParen.top[0]?.id, afterParen.top[0]?.text], [id('▁▁▁▁'), '    ']);
      const afterBrace = await engine.client.request('distribution', query('function f() {'));
      assert.deepEqual([afterBrace.top[0]?.id, afterBrace.top[0]?.text], [id('<0x0A>'), '\n']);
    });

    it('lists ▁<EOT> as a candidate when ending the text is most likely, as a Lens query after "const x = 5;"', async function () {
      const result = await engine.client.request('distribution', query('const x = 5;'));
      const expected = spmNextTokenDistribution(table, id(';'));
      assert.equal(result.top[0]?.id, CODELLAMA_FIM_IDS.eot);
      assert.match(result.top[0]?.text ?? '', /<EOT>/);
      assert.ok(closeToClosedForm(result.top[0]?.probability ?? NaN, expected[CODELLAMA_FIM_IDS.eot] ?? NaN));
    });

    it('marks a byte token that is part of a character with its byte, and ▁<EOT> as a control token', async function () {
      // The oracle's state after "." puts <0xE9> (the first byte of 鱷) first; after ";" it puts ▁<EOT> first.
      const cjk = await engine.client.request('distribution', query('obj.'));
      assert.deepEqual(cjk.top[0], { id: id('<0xE9>'), text: '<0xE9>', probability: cjk.top[0]?.probability, bytes: [0xe9] });
      const end = await engine.client.request('distribution', query('const x = 5;'));
      assert.equal(end.top[0]?.special, true);
      assert.equal(end.top[0]?.bytes, undefined);
      // Plain tokens carry neither mark, nor does a byte token that is a whole character (<0x0A> reads "\n").
      const newline = await engine.client.request('distribution', query('function f() {'));
      assert.deepEqual(Object.keys(newline.top[0] ?? {}).sort(), ['id', 'probability', 'text']);
      for (const row of end.top.slice(1)) assert.ok(row.special === undefined || row.id < 3 || row.id >= 32000, `${row.id} ${row.text}`);
    });

    it('decodes a tree path as the text that continues the cursor, which Insert path writes', async function () {
      const path = [id('▁='), id('▁'), id('5'), id(';')];
      const result = await engine.client.request('distribution', query('const x', { path }));
      assert.equal(result.pathText, ' = 5;');
      const first = await engine.client.request('distribution', query('const x', { path: path.slice(0, 1) }));
      assert.equal(first.pathText, ' =');
      const emoji = await engine.client.request(
        'distribution',
        query('const s = "', { path: ['<0xF0>', '<0x9F>', '<0xA6>', '<0x99>'].map(id) }),
      );
      assert.equal(emoji.pathText, '🦙');
      const fromStart = await engine.client.request('distribution', query('', { path: [id('▁▁▁▁'), id('//')] }));
      assert.equal(fromStart.pathText, '    //', 'a path from the very start keeps its leading spaces');
    });
  });

  describe('prompts', function () {
    it('answers with the closed-form continuation of the chat prompt, streamed in chunks that add up to it', async function () {
      const chunks: string[] = [];
      const result = await engine.client.request(
        'prompt',
        {
          system: '',
          instruction: 'Finish the line.',
          context: 'const x =',
          contextName: 'the selection',
          language: 'typescript',
          allowCut: true,
          temperature: 0,
          maxTokens: 16,
        },
        { onProgress: ({ text }) => chunks.push(text) },
      );
      const last = result.promptTokens.at(-1) ?? -1;
      assert.deepEqual(result.promptTokens.slice(-2), [id(']'), id('▁')], 'Llama-2 chat: the prompt ends with "[/INST] "');
      assert.equal(result.text, spell(pieces, spmGreedyTokens(table, last, 16)));
      assert.equal(result.text, '5;');
      assert.equal(chunks.join(''), result.text);
    });
  });

  describe('surprisal spans', function () {
    const texts = [
      'const x = 5;\n',
      '    indented(1);\n',
      ' leading space',
      '\n\nfunction f() {\n  return 1;\n}\n',
      '\tif (a) {\r\n\t\tb();\r\n}\r\n',
      'const 名前 = "🦙";\nobj.鱷();',
      '<script>alert(1)</script>',
    ];
    for (const text of texts) {
      it(`tiles ${JSON.stringify(text)} exactly, each span scored by the closed form`, async function () {
        const result = await engine.client.request('surprisal', { text, scoreFrom: 0, detail: 'bits' });
        assertTiles(result.tokens, text);
        const tokens = tokenize(text);
        assert.deepEqual(result.tokens.map((token) => token.id), tokens, "node-llama-cpp's tokenization");
        let prev = 1; // BOS
        for (const token of result.tokens) {
          const expectedBits = -Math.log2(spmNextTokenDistribution(table, prev)[token.id] ?? NaN);
          assert.ok(
            Math.abs(token.bits - expectedBits) <= 0.01,
            `token ${token.id} after ${prev}: ${token.bits} bits, closed form ${expectedBits}`,
          );
          prev = token.id;
        }
      });
    }
  });
});

/**
 * Spans cover the text from 0 to its end with no gap or overlap; the byte tokens of one character share its span, and
 * every other token's span is the text it spells.
 */
function assertTiles(spans: readonly TokenSurprisal[], text: string): void {
  let at = 0;
  let rebuilt = '';
  for (const span of spans) {
    if (span.start === at - (span.end - span.start) && span.start < at) continue; // another byte of the same character
    assert.equal(span.start, at, `a gap or overlap at ${at}: ${JSON.stringify(spans)}`);
    rebuilt += text.slice(span.start, span.end);
    at = span.end;
  }
  assert.equal(at, text.length, 'the spans reach the end of the text');
  assert.equal(rebuilt, text);
}
