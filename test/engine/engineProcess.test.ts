// The engine child process, driven through the same client the extension uses, on the
// exact-oracle bigram model. Every expectation comes from the closed form in test/support/oracle.ts.
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineRequestError } from '../../src/client/Engine';
import { ModelSession } from '../../src/client/ModelSession';
import { cpuLoadParams, fimParams, startEngine, useOracleEngine, waitUntil, type EngineUnderTest } from '../support/engineHarness';
import {
  generatedModelPath, greedyContinuation, lastOracleToken, loadOracleTable, nextTokenDistribution, type OracleTable, tokenizeLikeOracle,
} from '../support/oracle';

const TOLERANCE = 1e-4;



describe('engine process on the oracle model', function () {
  const table: OracleTable = loadOracleTable();
  const oracleEngine = useOracleEngine();
  let engine: EngineUnderTest;
  beforeEach(() => {
    engine = oracleEngine();
  });

  it('reports the model, its FIM tokens, the backend and the threads in use', async function () {
    const info = await engine.client.request('load', cpuLoadParams(generatedModelPath('oracle.gguf')));
    assert.equal(info.architecture, 'llama');
    assert.match(info.name, /oracle/i);
    assert.equal(info.hasFim, true);
    assert.equal(info.hasChatTemplate, false);
    assert.equal(info.backend, 'cpu');
    assert.equal(info.trainContextLength, 4096);
    assert.ok(info.sizeBytes > 0);
    // threads 0 means llama.cpuMathCores, which never exceeds the machine's cores.
    assert.ok(info.threads >= 1 && info.threads <= availableParallelism(), `threads ${info.threads}`);
  });

  it('honours an explicit thread count', async function () {
    const info = await engine.client.request('load', { ...cpuLoadParams(generatedModelPath('oracle.gguf')), threads: 1 });
    assert.equal(info.threads, 1);
    await engine.client.request('load', cpuLoadParams(generatedModelPath('oracle.gguf')));
  });

  it('caps a thread count past the cores at the cores, and stays up (100,000 once hung it)', async function () {
    const info = await engine.client.request('load', { ...cpuLoadParams(generatedModelPath('oracle.gguf')), threads: 100_000 });
    assert.equal(info.threads, availableParallelism());
    const health = await engine.client.request('health', {});
    assert.ok(health, 'the engine still answers');
    await engine.client.request('load', cpuLoadParams(generatedModelPath('oracle.gguf')));
  });

  for (const context of ['for (let i = 0; i', 'return x', 'const value = ', '}\n']) {
    it(`gives the closed-form bigram distribution after ${JSON.stringify(context)}`, async function () {
      const expected = nextTokenDistribution(table, lastOracleToken(table, context));
      const result = await engine.client.request('distribution', {
        text: context,
        path: [],
        topK: table.vocab.length,
        backUpToBoundary: false,
      });
      assert.deepEqual(result.contextTokens.slice(1), tokenizeLikeOracle(table, context), 'tokenization');
      assert.equal(result.top.length, table.vocab.length);
      for (const { id, probability } of result.top) {
        const want = expected[id] ?? NaN;
        assert.ok(Math.abs(probability - want) <= TOLERANCE, `P(${id}) = ${probability}, closed form ${want}`);
      }
      const ranked = [...expected.keys()].sort((a, b) => (expected[b] ?? 0) - (expected[a] ?? 0));
      assert.equal(result.top[0]?.id, ranked[0], 'most likely token');
    });
  }

  it('completes fill-in-the-middle greedily, continuing the prefix (suffix-first layout)', async function () {
    // In <PRE><SUF>suffix<MID>prefix the last prompt token is the prefix's last character, so a
    // bigram model continues from it. Any other order would end the prompt with <MID> or the suffix.
    const prefix = 'function total(items) {\n  let sum = 0;\n  for (const item of items) {\n    sum += item.pri';
    const suffix = '\n  }\n  return sum;\n}\n';
    const expected = greedyContinuation(table, lastOracleToken(table, prefix), { maxTokens: 12, stopAtNewline: true });
    const fromSuffixEnd = greedyContinuation(table, lastOracleToken(table, suffix), { maxTokens: 12, stopAtNewline: true });
    assert.notEqual(expected, fromSuffixEnd, 'this context must tell the FIM orders apart');
    assert.ok(expected.length > 0);
    const result = await engine.client.request('complete', fimParams(prefix, suffix));
    assert.equal(result.text, expected);
    assert.equal(result.usedFim, true);
  });

  it('stops at maxTokens when newlines are allowed', async function () {
    const prefix = 'if (x) {';
    const expected = greedyContinuation(table, lastOracleToken(table, prefix), { maxTokens: 20 });
    const result = await engine.client.request('complete', fimParams(prefix, '', { maxTokens: 20, stopAtNewline: false }));
    assert.equal(result.text, expected);
    assert.equal(result.generatedTokens, 20);
    assert.equal(result.stopReason, 'maxTokens');
  });

  it('reuses the KV state of an unchanged prompt prefix', async function () {
    const prefix = 'const items = [1, 2, 3];\nconst doubled = items.map((n) => n * 2);\nconsole.lo';
    await engine.client.request('complete', fimParams(prefix, '\n'));
    const second = await engine.client.request('complete', fimParams(`${prefix}g`, '\n'));
    assert.ok(second.evaluatedTokens <= 2, `a one-character keystroke evaluated ${second.evaluatedTokens} tokens`);
    assert.ok(second.reusedTokens > 50, `reused ${second.reusedTokens}`);
  });

  it('streams progress and honours cancellation', async function () {
    const texts: string[] = [];
    const abort = new AbortController();
    const pending = engine.client.request('complete', fimParams('x', '', { maxTokens: 4000, stopAtNewline: false }), {
      signal: abort.signal,
      onProgress: ({ text }) => {
        texts.push(text);
        if (texts.length === 3) abort.abort();
      },
    });
    await assert.rejects(pending, (error: unknown) => error instanceof EngineRequestError && error.code === 'cancelled');
    assert.ok(texts.length >= 3);
    const expected = greedyContinuation(table, lastOracleToken(table, 'x'), { maxTokens: 3 });
    assert.equal(texts[2], expected, 'streamed text is the greedy continuation so far');
    // The engine is free again right away.
    const next = await engine.client.request('complete', fimParams('x', '', { maxTokens: 5, stopAtNewline: false }));
    assert.equal(next.text, greedyContinuation(table, lastOracleToken(table, 'x'), { maxTokens: 5 }));
  });

  it('rejects malformed params with a clear error', async function () {
    const bad = { ...fimParams('x', ''), maxTokens: -1 };
    await assert.rejects(
      engine.client.request('complete', bad),
      (error: unknown) => error instanceof EngineRequestError && error.code === 'badRequest',
    );
  });
});

describe('engine process: the prefix alone without FIM tokens', function () {
  it('continues the prefix and ignores the suffix', async function () {
    const table = loadOracleTable();
    const engine = startEngine();
    try {
      const info = await engine.client.request('load', cpuLoadParams(generatedModelPath('oracle-nofim.gguf')));
      assert.equal(info.hasFim, false);
      const prefix = 'while (queue.len';
      const result = await engine.client.request('complete', fimParams(prefix, 'gth > 0) {\n'));
      assert.equal(result.usedFim, false);
      assert.equal(result.text, greedyContinuation(table, lastOracleToken(table, prefix), { maxTokens: 12, stopAtNewline: true }));
    } finally {
      engine.client.dispose();
    }
  });
});

describe('engine process: bad model files', function () {
  let engine: EngineUnderTest;
  beforeEach(() => {
    engine = startEngine();
  });
  afterEach(() => engine.client.dispose());

  it('says plainly that a model file is missing, and stays usable', async function () {
    const missing = join(tmpdir(), 'llama-lens-no-such-model.gguf');
    await assert.rejects(engine.client.request('load', cpuLoadParams(missing)), (error: unknown) =>
      error instanceof EngineRequestError && error.code === 'loadFailed' && /does not exist/.test(error.message));
    const info = await engine.client.request('load', cpuLoadParams(generatedModelPath('oracle.gguf')));
    assert.equal(info.hasFim, true);
  });

  it('refuses a file that is not GGUF without crashing', async function () {
    const notGguf = join(tmpdir(), `llama-lens-not-a-model-${process.pid}.gguf`);
    writeFileSync(notGguf, 'this is a text file, not a model\n');
    await engine.client.request('health', {});
    const pid = engine.client.pid;
    assert.ok(pid !== undefined, 'the engine has started');
    await assert.rejects(engine.client.request('load', cpuLoadParams(notGguf)), (error: unknown) =>
      error instanceof EngineRequestError && error.code === 'loadFailed' && /not a GGUF/.test(error.message));
    // A process that died after answering would be replaced by this next request: its pid would differ.
    await engine.client.request('health', {});
    assert.equal(engine.client.pid, pid, 'the engine process is still the same');
  });

  it('rejects an unavailable GPU backend with a message that names the setting', async function () {
    const params = { ...cpuLoadParams(generatedModelPath('oracle.gguf')), gpu: 'metal' as const };
    await assert.rejects(engine.client.request('load', params), (error: unknown) =>
      error instanceof EngineRequestError && error.code === 'loadFailed' && /llamaLens\.gpu/.test(error.message));
  });
});

describe('engine process death', function () {
  it('rejects the pending request when the engine is killed mid-generation, and the next request succeeds', async function () {
    const table = loadOracleTable();
    const engine = startEngine();
    const session = new ModelSession(engine.client, async () => undefined);
    session.configure(cpuLoadParams(generatedModelPath('oracle.gguf')));
    try {
      await session.ensureLoaded();
      const firstPid = engine.client.pid;
      let streamed = 0;
      const pending = session.request('complete', fimParams('x', '', { maxTokens: 4000, stopAtNewline: false }), {
        onProgress: () => {
          streamed++;
        },
      });
      await waitUntil(() => streamed > 0, 30_000, () => 'the engine never streamed a token');
      assert.ok(firstPid !== undefined);
      process.kill(firstPid, 'SIGKILL');
      await assert.rejects(pending, (error: unknown) =>
        error instanceof EngineRequestError && error.code === 'engineDied' && /killed by SIGKILL/.test(error.message));
      assert.equal(session.state.kind, 'error');

      const prefix = 'let count';
      const result = await session.request('complete', fimParams(prefix, ' = 0;\n'));
      assert.equal(result.text, greedyContinuation(table, lastOracleToken(table, prefix), { maxTokens: 12, stopAtNewline: true }));
      assert.notEqual(engine.client.pid, firstPid, 'a fresh engine process served the request');
      assert.equal(session.state.kind, 'ready');
    } finally {
      engine.client.dispose();
    }
  });
});

describe('engine lifecycle: stop is not final, dispose is', function () {
  it('starts a fresh process after stop(), refuses every request after dispose(), and unsubscribes exit listeners', async function () {
    const engine = startEngine();
    const exits: boolean[] = [];
    const listening = engine.client.onExit((_reason, expected) => exits.push(expected));
    // Still subscribed at the end: it tells when the last exit has happened.
    let witnessed = 0;
    engine.client.onExit(() => witnessed++);
    try {
      await engine.client.request('health', {});
      const firstPid = engine.client.pid;
      const firstGeneration = engine.client.generation;
      engine.client.stop();
      await waitUntil(() => exits.length === 1, 30_000, () => 'the stopped engine never reported its exit');
      assert.deepEqual(exits, [true], 'a stop we asked for is an expected exit');

      await engine.client.request('health', {});
      assert.ok(engine.client.pid !== undefined && engine.client.pid !== firstPid, `pid ${engine.client.pid} after stop, was ${firstPid}`);
      assert.equal(engine.client.generation, firstGeneration + 1);

      listening.dispose();
      engine.client.dispose();
      await assert.rejects(engine.client.request('health', {}), (error: unknown) =>
        error instanceof EngineRequestError && error.code === 'disposed' && /shut down/.test(error.message));
      assert.equal(engine.client.pid, undefined, 'no process was started for the refused request');
      await waitUntil(() => witnessed === 2, 30_000, () => 'the disposed engine never exited');
      assert.equal(exits.length, 1, 'an unsubscribed listener hears no more exits');
    } finally {
      engine.client.dispose();
    }
  });
});

describe('engine restart on request', function () {
  it('"Restart Engine" starts a fresh process and reloads the model without counting a crash', async function () {
    const engine = startEngine();
    const session = new ModelSession(engine.client, async (ms) => {
      if (ms > 0) throw new Error(`a deliberate restart must not back off (asked to wait ${ms} ms)`);
    });
    session.configure(cpuLoadParams(generatedModelPath('oracle.gguf')));
    try {
      await session.ensureLoaded();
      const pids = [engine.client.pid];
      assert.ok(pids[0] !== undefined, 'the first engine has started');
      for (let round = 0; round < 3; round++) {
        const info = await session.restart();
        assert.equal(info?.hasFim, true);
        assert.equal(session.state.kind, 'ready');
        const pid = engine.client.pid;
        assert.ok(pid !== undefined && !pids.includes(pid), `round ${round}: pid ${pid} after ${pids.join(', ')}`);
        pids.push(pid);
      }
    } finally {
      engine.client.dispose();
    }
  });

  it('retries a failed load only after the settings change or a restart', async function () {
    const engine = startEngine();
    const session = new ModelSession(engine.client, async () => undefined);
    const missing = cpuLoadParams(join(tmpdir(), 'llama-lens-missing-model.gguf'));
    session.configure(missing);
    try {
      const first = await session.ensureLoaded().catch((error: unknown) => error);
      const second = await session.ensureLoaded().catch((error: unknown) => error);
      assert.ok(first instanceof EngineRequestError && first.code === 'loadFailed');
      assert.equal(second, first, 'the same failure is reported without asking the engine again');
      assert.equal(session.state.kind, 'error');
      session.configure(cpuLoadParams(generatedModelPath('oracle.gguf')));
      assert.equal((await session.ensureLoaded()).hasFim, true);
    } finally {
      engine.client.dispose();
    }
  });
});
