// The server backend against a real llama.cpp llama-server (built from node-llama-cpp's llama.cpp source) serving the
// oracle models on 127.0.0.1. Expected values come from the oracle's closed form and the vocabulary's own pieces.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { ServerRequestError, type ServerEndpoint } from '../../src/client/server/serverHttp';
import { serverComplete, ServerCacheMirror, type ServedModel } from '../../src/client/server/serverCompletion';
import { PromptTooLongError, serverChat } from '../../src/client/server/serverChat';
import { serverChatTurn } from '../../src/client/server/serverChatTurn';
import { serverTopK } from '../../src/client/server/serverTopK';
import type { ChatParams, PromptParams } from '../../src/protocol/engineProtocol';
import { ServerVocabulary } from '../../src/client/server/serverVocabulary';
import { fimParams } from '../support/engineHarness';
import { PINNED_FIM_CASES } from '../support/fimPinnedCases';
import { startLlamaServer, type RunningLlamaServer } from '../../scripts/lib/llamaServerProcess';
import {
  generatedModelPath, greedyContinuation, lastOracleToken, loadOracleTable, nextTokenDistribution, tokenizeLikeOracle,
} from '../support/oracle';
import {
  CODELLAMA_FIM_IDS, loadSpmOracleTable, SPM_ORACLE_MODEL, SPM_RELATIVE_TOLERANCE, spmNextTokenDistribution,
} from '../support/spmOracle';
import { REPO_ROOT } from '../support/repoPaths';

const TOLERANCE = 1e-4;
const API_KEY = 'llama-lens-test-key-5b1f';

function endpointOf(server: RunningLlamaServer, apiKey?: string): ServerEndpoint {
  return { url: new URL(server.url), apiKey };
}

async function servedModel(vocabulary: ServerVocabulary, contextSize: number): Promise<ServedModel> {
  const [bos, fim] = await Promise.all([vocabulary.bos(), vocabulary.fimTokens()]);
  return { contextSize, bos, fim: fim?.tokens ?? null };
}

describe('server backend on a real llama-server (oracle.gguf)', function () {
  this.timeout(180_000);
  const table = loadOracleTable();
  let server: RunningLlamaServer;
  let endpoint: ServerEndpoint;
  let vocabulary: ServerVocabulary;
  let model: ServedModel;

  before(async function () {
    // No host-memory prompt cache (--cache-ram 0): what the slot's KV state keeps is then only what our prompts share,
    // as on servers without one.
    const file = generatedModelPath('oracle.gguf');
    server = await startLlamaServer({ model: file, contextSize: 2048, apiKey: API_KEY, args: ['--cache-ram', '0', '--metrics'] });
    endpoint = endpointOf(server, API_KEY);
    vocabulary = new ServerVocabulary(endpoint, () => ({ timeoutMs: 30_000 }));
    model = await servedModel(vocabulary, 2048);
  });

  after(async function () {
    await server?.stop();
  });

  it('finds the FIM markers and BOS the model declares', function () {
    assert.deepEqual(model.fim, { prefix: table.fim.pre, suffix: table.fim.suf, middle: table.fim.mid });
    assert.equal(model.bos, table.bos);
  });

  it('tokenizes a continuation like the oracle, and never reads "<PRE>" in the code as the FIM marker', async function () {
    for (const text of ['let x = 1;', ' a', '\n}', 'x <PRE> y </s>']) {
      assert.deepEqual(await vocabulary.continuation(text), tokenizeLikeOracle(table, text), text);
    }
  });

  for (const text of ['let count', 'x = ', 'return a']) {
    it(`gives the top 10 after ${JSON.stringify(text)} within 1e-4 of the closed form`, async function () {
      const result = await serverTopK(endpoint, vocabulary, model, { text, path: [], topK: 10 }, {});
      const expected = nextTokenDistribution(table, lastOracleToken(table, text));
      const sorted = [...expected].sort((a, b) => b - a).slice(0, 10);
      assert.equal(result.top.length, 10);
      result.top.forEach((token, rank) => {
        const closedForm = expected[token.id] ?? -1;
        assert.ok(Math.abs(token.probability - closedForm) <= TOLERANCE, `${token.id}: ${token.probability} vs ${closedForm}`);
        assert.ok(Math.abs(token.probability - (sorted[rank] ?? -1)) <= TOLERANCE, `rank ${rank + 1}`);
      });
    });
  }

  it('follows a path of token ids: the distribution after its last token', async function () {
    const path = tokenizeLikeOracle(table, 'ab').slice(-2);
    const result = await serverTopK(endpoint, vocabulary, model, { text: 'x', path, topK: 5 }, {});
    const expected = nextTokenDistribution(table, path[path.length - 1] ?? -1);
    for (const token of result.top) assert.ok(Math.abs(token.probability - (expected[token.id] ?? -1)) <= TOLERANCE, String(token.id));
    assert.deepEqual(result.contextTokens.slice(-2), path);
  });

  it('completes greedily with the suffix-first prompt: the closed-form continuation of the prefix', async function () {
    for (const prefix of ['function add(a, b) {\n  return', 'let count']) {
      const result = await serverComplete(endpoint, vocabulary, model, fimParams(prefix, '\n}\n'), {});
      assert.equal(result.text, greedyContinuation(table, lastOracleToken(table, prefix), { maxTokens: 12, stopAtNewline: true }), prefix);
      assert.ok(result.usedFim);
    }
  });

  it('re-evaluates only the typed tokens on the next keystroke: the server keeps the prompt before the cursor', async function () {
    // One token per character in the oracle's vocabulary: a 600-token suffix.
    const suffix = '\n'.padEnd(600, 'z');
    const prefix = 'function add(a, b) {\n  return a';
    const budgets = { prefix: 1024, suffix: 1024, extra: 0 };
    await serverComplete(endpoint, vocabulary, model, fimParams(prefix, suffix, { budgets }), {});
    const next = await serverComplete(endpoint, vocabulary, model, fimParams(`${prefix} +`, suffix, { budgets }), {});
    assert.ok(next.evaluatedTokens <= 8, `evaluated ${next.evaluatedTokens}, reused ${next.reusedTokens}`);
    assert.ok(next.reusedTokens >= 600 + prefix.length, `reused ${next.reusedTokens}`);
  });

  it('keeps the server cache usable after a prefetch whose longer prefix crossed a trim step', async function () {
    // Budget 64 trims in steps of 16: a 94-token prefix keeps its last 62, the prefetch's 102 tokens would keep their
    // last 54, which starts elsewhere, unless the prefix may run one step over (one oracle token per character).
    const budgets = { prefix: 64, suffix: 64, extra: 0 };
    const code = 'function add(a, b) {\n  const sum = a + b;\n  return sum;\n}\nfunction sub(a, b) {\n  const diff = a - b;\n';
    const prefix = code.repeat(2).slice(0, 94);
    assert.equal(tokenizeLikeOracle(table, prefix).length, 94);
    const cache = new ServerCacheMirror();
    await serverComplete(endpoint, vocabulary, model, fimParams(prefix, '\n', { budgets }), {}, cache);
    await serverComplete(endpoint, vocabulary, model, fimParams(`${prefix}compute(`, '\n', { budgets }), {}, cache);
    const keystroke = await serverComplete(endpoint, vocabulary, model, fimParams(`${prefix}c`, '\n', { budgets }), {}, cache);
    assert.ok(keystroke.evaluatedTokens <= 8, `the keystroke after the prefetch evaluated ${keystroke.evaluatedTokens} tokens`);
  });

  it('refuses a wrong key with "unauthorized", and names neither key in the message', async function () {
    const wrong = new ServerVocabulary(endpointOf(server, 'not-the-key'), () => ({ timeoutMs: 10_000 }));
    await assert.rejects(wrong.tokenize('x'), (error: unknown) => {
      assert.ok(error instanceof ServerRequestError);
      assert.equal(error.code, 'unauthorized', error.message);
      assert.doesNotMatch(error.message, /not-the-key|llama-lens-test-key/);
      return true;
    });
  });

  it('closes the request when a completion is aborted, and the server stops generating', async function () {
    const controller = new AbortController();
    const long = fimParams('let count', '', { maxTokens: 1900, stopAtNewline: false });
    const pending = serverComplete(endpoint, vocabulary, { ...model, fim: null }, long, { signal: controller.signal });
    await waitForSlot(endpoint, true);
    const before = await decodeCalls(endpoint);
    controller.abort();
    await assert.rejects(pending, (error: unknown) => error instanceof ServerRequestError && error.code === 'cancelled');
    await waitForSlot(endpoint, false);
    // Streamed, the server notices the closed connection at its next token; unstreamed, only at its next one-second
    // poll, by when the oracle (thousands of tokens a second) has run to the end of its 1,900.
    const after = await decodeCalls(endpoint);
    assert.ok(after - before < 300, `the server decoded ${after - before} tokens after the abort`);
  });
});

describe('server backend on the real Llama-2/CodeLlama vocabulary (oracle-spm.gguf)', function () {
  this.timeout(180_000);
  let server: RunningLlamaServer;
  let vocabulary: ServerVocabulary;
  let pieceIds: Map<string, number>;

  before(async function () {
    const { readGgufFileInfo } = await import('node-llama-cpp');
    const info = await readGgufFileInfo(join(REPO_ROOT, 'test', 'fixtures', 'ggml-vocab-llama-spm.gguf'), { readTensorInfo: false });
    pieceIds = new Map(info.metadata.tokenizer.ggml.tokens.map((piece, id) => [piece, id]));
    server = await startLlamaServer({ model: generatedModelPath(SPM_ORACLE_MODEL), contextSize: 1024 });
    vocabulary = new ServerVocabulary(endpointOf(server), () => ({ timeoutMs: 30_000 }));
  });

  after(async function () {
    await server?.stop();
  });

  const ids = (pieces: readonly string[]) => pieces.map((piece) => pieceIds.get(piece) ?? assert.fail(`no piece ${piece}`));

  for (const pinned of PINNED_FIM_CASES) {
    it(`tokenizes the FIM parts as SentencePiece does: ${pinned.name}`, async function () {
      const parts = await vocabulary.fimParts(pinned.texts);
      assert.deepEqual(parts, { extraTokens: ids(pinned.extra ?? []), prefixTokens: ids(pinned.prefix), suffixTokens: ids(pinned.suffix) });
    });
  }

  it('cuts a text between its tokens and keeps its leading space, even inside a multi-byte character', async function () {
    // ' a\n' is ▁a <0x0A>; the llama emoji has no piece: it is four byte tokens <0xF0> <0x9F> <0xA6> <0x99>.
    assert.equal(await vocabulary.continuationStart(' a\n', 1), ' a');
    assert.equal(await vocabulary.continuationStart('  b\n}', 2), '  b');
    assert.equal(await vocabulary.continuationStart('x\u{1F999}y', 3), 'x');
    assert.equal(await vocabulary.continuationStart('x\u{1F999}y', 5), 'x\u{1F999}');
  });

  it('marks the top k\'s byte tokens with their byte and ▁<EOT> as a control token, as the local engine does', async function () {
    const model: ServedModel = { contextSize: 1024, bos: await vocabulary.bos(), fim: null };
    const top = async (text: string) => (await serverTopK(endpointOf(server), vocabulary, model, { text, path: [], topK: 5 }, {})).top;
    // After "." the oracle puts <0xE9> (the first byte of 鱷) first. The server holds back the probabilities of a token
    // that is only part of a character, so it is steered to another; the probabilities stay the closed form's.
    const cjkTop = await top('obj.');
    const [cjk] = cjkTop;
    assert.deepEqual([cjk?.id, cjk?.bytes, cjk?.special], [pieceIds.get('<0xE9>'), [0xe9], undefined]);
    const expected = spmNextTokenDistribution(loadSpmOracleTable(), pieceIds.get('.') ?? NaN);
    for (const row of cjkTop) assert.ok(Math.abs(row.probability / (expected[row.id] ?? NaN) - 1) < SPM_RELATIVE_TOLERANCE, `P(${row.id})`);
    // After ";" it puts ▁<EOT> first, which the server sends with no text: /detokenize names it.
    const [end, ...rest] = await top('const x = 5;');
    assert.deepEqual([end?.id, end?.text, end?.special, end?.bytes], [CODELLAMA_FIM_IDS.eot, '▁<EOT>', true, undefined]);
    for (const row of rest) assert.ok(row.special === undefined || row.id < 3 || row.id >= 32000, `${row.id} ${row.text}`);
    const [newline] = await top('function f() {');
    assert.deepEqual([newline?.id, newline?.bytes, newline?.special], [pieceIds.get('<0x0A>'), undefined, undefined]);
  });

  it("finds CodeLlama's ▁<PRE> ▁<SUF> ▁<MID> markers", async function () {
    const fim = await vocabulary.fimTokens();
    const { pre, suf, mid } = CODELLAMA_FIM_IDS;
    assert.deepEqual(fim, { tokens: { prefix: pre, suffix: suf, middle: mid }, codeLlamaStyle: true });
  });
});

describe('server backend prompts on a real llama-server (oracle-chat.gguf, with a Llama-2 chat template)', function () {
  this.timeout(180_000);
  const table = loadOracleTable();
  let server: RunningLlamaServer;
  let endpoint: ServerEndpoint;
  let vocabulary: ServerVocabulary;
  const prompt = (extra: Partial<PromptParams> = {}): PromptParams => ({
    system: 'You write code.', instruction: 'add one to x', context: 'let x = 1;\n', contextName: 'the selection', language: 'js',
    allowCut: true, temperature: 0, maxTokens: 24, ...extra,
  });

  before(async function () {
    server = await startLlamaServer({ model: generatedModelPath('oracle-chat.gguf'), contextSize: 512 });
    endpoint = endpointOf(server);
    vocabulary = new ServerVocabulary(endpoint, () => ({ timeoutMs: 30_000 }));
  });

  after(async function () {
    await server?.stop();
  });

  it('streams the greedy answer after the prompt the server\'s template rendered', async function () {
    const chunks: string[] = [];
    const result = await serverChat(endpoint, vocabulary, 512, prompt(), {}, (text) => chunks.push(text));
    const last = result.promptTokens[result.promptTokens.length - 1] ?? -1;
    const expected = greedyContinuation(table, last, { maxTokens: 24, stopAtNewline: false });
    assert.equal(result.text, expected);
    assert.equal(chunks.join(''), expected);
    assert.ok(chunks.length > 1, 'streamed in pieces');
    assert.equal(result.cut, null);
  });

  it('cuts a context that does not fit from its end, and says how much', async function () {
    const long = 'let x = 1;\n'.repeat(60);
    const result = await serverChat(endpoint, vocabulary, 512, prompt({ context: long }), {}, () => undefined);
    assert.ok(result.cut && result.cut.cutTokens > 0, JSON.stringify(result.cut));
    assert.ok(result.promptTokens.length <= 512 - 24, `prompt of ${result.promptTokens.length} tokens`);
    await assert.rejects(serverChat(endpoint, vocabulary, 512, prompt({ context: long, allowCut: false }), {}, () => undefined),
      (error: unknown) => error instanceof PromptTooLongError && /too long/.test(error.message));
  });

  it('keeps a chat in the server\'s cache: a follow-up does not evaluate the earlier turns again', async function () {
    const turn = (message: string, history: ChatParams['history']) => serverChatTurn(endpoint, vocabulary, 512, {
      system: 'Chat test.', history, message, attachments: [], temperature: 0, maxTokens: 16,
    }, {}, () => undefined);
    const first = await turn('What is x?', []);
    assert.equal(first.evaluatedTokens + first.reusedTokens, first.promptTokens, JSON.stringify(first));
    const second = await turn('And y?', [{ role: 'user', content: first.content }, { role: 'assistant', content: first.text }]);
    // The server's own counts (its timings): the whole first turn's prompt came from its cache. The answer may not:
    // llama.cpp's Llama-2 template trims a message, and this answer ends in spaces that the cache holds untrimmed.
    const answer = tokenizeLikeOracle(table, first.text).length;
    const own = second.promptTokens - first.promptTokens - answer;
    assert.ok(second.reusedTokens >= first.promptTokens, JSON.stringify({ first, second }));
    assert.ok(second.evaluatedTokens <= own + answer + 1, JSON.stringify(second));
    assert.equal(second.reusedTokens + second.evaluatedTokens, second.promptTokens);
    console.log(`      server follow-up: evaluated ${second.evaluatedTokens} of ${second.promptTokens}` +
      ` (its own ${own}, the answer ${answer})`);
  });

  it('stops when cancelled mid-answer, with the text so far', async function () {
    const controller = new AbortController();
    let seen = '';
    const result = await serverChat(endpoint, vocabulary, 512, prompt({ maxTokens: 400 }), { signal: controller.signal }, (text) => {
      seen += text;
      controller.abort();
    });
    assert.equal(result.stopReason, 'cancelled');
    assert.equal(result.text, seen);
    await waitForSlot(endpoint, false);
  });
});

/** Waits until the server's one slot is (or is no longer) generating, as its /slots route reports. */
/** llama-server's count of llama_decode() calls so far (one per generated token here), from /metrics. */
async function decodeCalls(endpoint: ServerEndpoint): Promise<number> {
  const response = await fetch(new URL('/metrics', endpoint.url), { headers: { authorization: `Bearer ${endpoint.apiKey ?? ''}` } });
  const match = /^llamacpp:n_decode_total (\d+)/m.exec(await response.text());
  assert.ok(match, 'llama-server reports llamacpp:n_decode_total');
  return Number(match[1]);
}

async function waitForSlot(endpoint: ServerEndpoint, processing: boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const response = await fetch(new URL('/slots', endpoint.url), { headers: { authorization: `Bearer ${endpoint.apiKey ?? ''}` } });
    const last = await response.text();
    const slots = JSON.parse(last) as { is_processing: boolean }[];
    if (slots[0]?.is_processing === processing) return;
    if (Date.now() > deadline) {
      throw new Error(`the slot did not become ${processing ? 'busy' : 'idle'} within 20 s: ${last.slice(0, 300)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
