// The server backend as the extension drives it: a ModelSession over ServerEngine, against a real llama-server serving
// the oracle models on 127.0.0.1, and a proxy in front of it for the faults a real server will not make on cue.
// Expected values come from the oracle's closed form.
import { strict as assert } from 'node:assert';
import { basename } from 'node:path';
import { BackendRouter } from '../../src/client/BackendRouter';
import { EngineRequestError, type RequestErrorCode } from '../../src/client/Engine';
import { ModelSession, type Sleep } from '../../src/client/ModelSession';
import type { EngineState } from '../../src/client/engineState';
import { HEATMAP_NEEDS_LOCAL, ServerEngine } from '../../src/client/server/ServerEngine';
import type { PromptParams } from '../../src/protocol/engineProtocol';
import { freePort, startLlamaServer, type RunningLlamaServer } from '../../scripts/lib/llamaServerProcess';
import { cpuLoadParams, fimParams, startEngine, waitUntil } from '../support/engineHarness';
import { startFaultyProxy, type FaultyProxy } from '../support/faultyProxy';
import { makeTestCertificates } from '../support/selfSignedCert';
import {
  generatedModelPath, greedyContinuation, lastOracleToken, loadOracleTable, nextTokenDistribution, tokenizeLikeOracle,
} from '../support/oracle';

const TOLERANCE = 1e-4;
const API_KEY = 'llama-lens-engine-key-93c2';
/** Code that must never reach an error message or a log line. */
const CODE = 'const secretMarker = 41;\nfunction add(a, b) {\n  return';

/** Backoff delays as asked, but slept for at most 100 ms: the test sees the schedule without waiting it out. */
function fastSleep(asked: number[]): Sleep {
  return (ms, signal) => {
    asked.push(ms);
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.min(ms, 100));
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  };
}

interface Harness {
  session: ModelSession;
  engine: ServerEngine;
  states: EngineState[];
  delays: number[];
}

function sessionOn(url: string, apiKey: string | undefined = API_KEY, timeoutMs = 10_000): Harness {
  const engine = new ServerEngine({ url: new URL(url), apiKey: () => Promise.resolve(apiKey), timeoutMs });
  const delays: number[] = [];
  const session = new ModelSession(engine, fastSleep(delays));
  const states: EngineState[] = [];
  session.onDidChangeState((state) => states.push(state));
  session.configure(cpuLoadParams(url));
  return { session, engine, states, delays };
}

function close(harness: Harness | undefined): void {
  harness?.session.dispose();
  harness?.engine.dispose();
}

/** The request's EngineRequestError, with the code expected; neither the key nor the code may be in its message. */
async function failure(promise: Promise<unknown>, code: RequestErrorCode): Promise<EngineRequestError> {
  let error: unknown;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  assert.ok(error instanceof EngineRequestError, `expected a ${code} error, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  assert.ok(!error.message.includes(API_KEY) && !error.message.includes('secretMarker'), error.message);
  return error;
}

async function waitForState(harness: Harness, kind: EngineState['kind'], what: string): Promise<EngineState> {
  await waitUntil(() => harness.session.state.kind === kind, 60_000, () => `${what}: state is ${JSON.stringify(harness.session.state)}`);
  return harness.session.state;
}

describe('ServerEngine through a ModelSession, on a real llama-server (oracle.gguf)', function () {
  this.timeout(180_000);
  const table = loadOracleTable();
  let server: RunningLlamaServer;
  let harness: Harness;

  before(async function () {
    server = await startLlamaServer({ model: generatedModelPath('oracle.gguf'), contextSize: 2048, apiKey: API_KEY });
    harness = sessionOn(server.url);
  });

  after(async function () {
    close(harness);
    await server?.stop();
  });

  it('probes the model it serves: its name, context, FIM tokens and URL', async function () {
    const info = await harness.session.ensureLoaded();
    assert.equal(info.name, 'oracle.gguf');
    assert.equal(info.server, server.url);
    assert.equal(info.backend, 'server');
    assert.equal(info.contextSize, 2048);
    assert.equal(info.hasFim, true);
    assert.equal(harness.session.state.kind, 'ready');
  });

  it('completes with the closed-form greedy text, and the next keystroke evaluates only its own tokens', async function () {
    const suffix = '\n'.padEnd(400, 'z');
    const budgets = { prefix: 1024, suffix: 1024, extra: 0 };
    const first = await harness.session.request('complete', fimParams(CODE, suffix, { budgets }));
    assert.equal(first.text, greedyContinuation(table, lastOracleToken(table, CODE), { maxTokens: 12, stopAtNewline: true }));
    const next = await harness.session.request('complete', fimParams(`${CODE} a`, suffix, { budgets }));
    assert.equal(next.text, greedyContinuation(table, lastOracleToken(table, `${CODE} a`), { maxTokens: 12, stopAtNewline: true }));
    // The tooltip's "tokens evaluated" comes from the server's timings.
    assert.ok(next.evaluatedTokens >= 1 && next.evaluatedTokens <= 8, `evaluated ${next.evaluatedTokens}`);
    assert.ok(next.reusedTokens >= 400, `reused ${next.reusedTokens}`);
  });

  it('gives the Lens the exact top k, says the tail is not known, and spells a path from the pieces it listed', async function () {
    const text = 'let count';
    const root = await harness.session.request('distribution', { text, path: [], topK: 8, backUpToBoundary: false });
    const expected = nextTokenDistribution(table, lastOracleToken(table, text));
    for (const token of root.top) assert.ok(Math.abs(token.probability - (expected[token.id] ?? -1)) <= TOLERANCE, String(token.id));
    const head = root.top.reduce((sum, token) => sum + token.probability, 0);
    assert.equal(root.tailKnown, false);
    assert.equal(root.sortedProbabilities, '');
    assert.ok(Math.abs(root.tailMass - (1 - head)) <= TOLERANCE, `tail ${root.tailMass}`);
    const a = root.top[0];
    assert.ok(a);
    const step = await harness.session.request('distribution', { text, path: [a.id], topK: 8, backUpToBoundary: false });
    const next = step.top.find((token) => token.id !== a.id) ?? step.top[0];
    assert.ok(next);
    const deep = await harness.session.request('distribution', { text, path: [a.id, next.id], topK: 3, backUpToBoundary: false });
    assert.equal(deep.pathText, `${a.text}${next.text}`);
    const after = nextTokenDistribution(table, next.id);
    for (const token of deep.top) assert.ok(Math.abs(token.probability - (after[token.id] ?? -1)) <= TOLERANCE, String(token.id));
    // An id the server never listed is refused, not sent.
    const listed = new Set([...root.top, ...step.top, ...deep.top].map((token) => token.id));
    const unlisted = tokenizeLikeOracle(table, 'Q~').find((id) => !listed.has(id)) ?? 2 ** 31;
    await failure(harness.session.request('distribution', { text, path: [unlisted], topK: 3, backUpToBoundary: false }), 'badRequest');
  });

  it('refuses the heatmap with a sentence that offers the local engine', async function () {
    const error = await failure(harness.session.request('surprisal', { text: CODE, scoreFrom: 0, detail: 'bits' }), 'unsupported');
    assert.equal(error.message, HEATMAP_NEEDS_LOCAL);
    assert.match(error.message, /llamaLens\.backend to "local"/);
    assert.equal(harness.session.state.kind, 'ready', 'an unsupported request is no fault of the server');
  });

  it('refuses a wrong key as "unauthorized", names the command that sets it, and does not try again on its own', async function () {
    const wrong = sessionOn(server.url, 'not-the-key');
    try {
      const error = await failure(wrong.session.ensureLoaded(), 'unauthorized');
      assert.match(error.message, /Set Server API Key/);
      assert.ok(!error.message.includes('not-the-key'));
      assert.equal(wrong.session.state.kind, 'error');
      // The one 0 is the load's crash backoff; a retry timer would add more.
      assert.deepEqual(wrong.delays, [0], 'no retry: only the user can fix a key');
      assert.doesNotMatch(JSON.stringify(wrong.session.state), /Trying again/);
    } finally {
      close(wrong);
    }
  });

  it('refuses an https server whose certificate nothing here trusts, says so, and waits for the user', async function () {
    const certificates = makeTestCertificates();
    const tlsProxy = await startFaultyProxy(server.url, certificates);
    const untrusted = sessionOn(tlsProxy.url);
    try {
      const error = await failure(untrusted.session.ensureLoaded(), 'loadFailed');
      assert.match(error.message, /certificate that is not trusted \(.*(CERT|SELF_SIGNED|UNABLE_TO_VERIFY)\w*\)/);
      assert.deepEqual(untrusted.delays, [0], 'no retry: only the user can trust a certificate');
    } finally {
      close(untrusted);
      await tlsProxy.close();
      certificates.dispose();
    }
  });

  it('says a URL that is not a llama-server is wrong, and waits for the settings to change', async function () {
    const wrong = sessionOn(`${server.url}/not-llama/`);
    try {
      const error = await failure(wrong.session.ensureLoaded(), 'loadFailed');
      assert.match(error.message, /HTTP 404.*Is it a llama\.cpp llama-server\?/);
      assert.match(JSON.stringify(wrong.session.state), /Could not load the model/);
      await failure(wrong.session.ensureLoaded(), 'loadFailed');
    } finally {
      close(wrong);
    }
  });
});

describe('ServerEngine faults, each with a clear state and no hung request, and recovery with backoff', function () {
  this.timeout(240_000);
  const table = loadOracleTable();
  let server: RunningLlamaServer | undefined;
  let proxy: FaultyProxy | undefined;
  let harness: Harness | undefined;
  const chatPrompt = (maxTokens: number): PromptParams => ({
    system: '', instruction: 'go on', context: CODE, contextName: 'the selection', language: 'js', allowCut: true, temperature: 0,
    maxTokens,
  });

  afterEach(async function () {
    close(harness);
    harness = undefined;
    await proxy?.close();
    proxy = undefined;
    await server?.stop();
    server = undefined;
  });

  it('a server down at start: unreachable, tried again with growing delays, and ready on its own once it is up', async function () {
    const port = await freePort();
    harness = sessionOn(`http://127.0.0.1:${port}`);
    await failure(harness.session.ensureLoaded(), 'unreachable');
    // Each load also sleeps the crash backoff, 0 here: the retries' own delays are the others.
    const retries = () => harness!.delays.filter((ms) => ms > 0);
    await waitUntil(() => retries().length >= 3, 30_000, () => `delays: ${JSON.stringify(harness!.delays)}`);
    assert.deepEqual(retries().slice(0, 3), [1000, 2000, 4000], 'a first try at once, then after 1 s, 2 s, 4 s…');
    assert.match(JSON.stringify(harness.session.state), /cannot be reached.*Trying again/);
    // A request meanwhile fails at once with the same error, rather than waiting or probing again.
    await failure(harness.session.request('complete', fimParams(CODE, '')), 'unreachable');
    server = await startLlamaServer({ model: generatedModelPath('oracle.gguf'), contextSize: 2048, apiKey: API_KEY }, port);
    await waitForState(harness, 'ready', 'after the server came up');
    const result = await harness.session.request('complete', fimParams(CODE, ''));
    assert.equal(result.text, greedyContinuation(table, lastOracleToken(table, CODE), { maxTokens: 12, stopAtNewline: true }));
  });

  it('a server killed mid-answer: the prompt fails at once, and the session is ready again when it is back', async function () {
    const model = generatedModelPath('oracle-chat.gguf');
    server = await startLlamaServer({ model, contextSize: 512, apiKey: API_KEY });
    const { port } = server;
    harness = sessionOn(server.url);
    await harness.session.ensureLoaded();
    const killed = server;
    const answer = harness.session.request('prompt', chatPrompt(400), { onProgress: () => killed.process.kill('SIGKILL') });
    await failure(answer, 'unreachable');
    await waitUntil(() => /Trying again/.test(JSON.stringify(harness!.session.state)), 30_000, () => 'the retry state');
    await killed.stop();
    server = await startLlamaServer({ model, contextSize: 512, apiKey: API_KEY }, port);
    await waitForState(harness, 'ready', 'after the server restarted');
  });

  describe('behind a proxy that fails on purpose', function () {
    beforeEach(async function () {
      server = await startLlamaServer({ model: generatedModelPath('oracle-chat.gguf'), contextSize: 512, apiKey: API_KEY });
      proxy = await startFaultyProxy(server.url);
      // Long enough for a probe on a busy 2-core machine; the silent server shows it is also a limit.
      harness = sessionOn(proxy.url, API_KEY, 8000);
      await harness.session.ensureLoaded();
    });

    it('an HTTP 500: a server error, then ready again on its own, and answers once the server does', async function () {
      proxy!.mode = 'http500';
      const error = await failure(harness!.session.request('complete', fimParams(CODE, '')), 'serverError');
      assert.match(error.message, /HTTP 500: injected failure/);
      await waitForState(harness!, 'ready', 'after the probe passed');
      proxy!.mode = 'pass';
      const result = await harness!.session.request('complete', fimParams(CODE, ''));
      assert.equal(result.text, greedyContinuation(table, lastOracleToken(table, CODE), { maxTokens: 12, stopAtNewline: true }));
    });

    it('an answer that is not JSON: a server error that says so', async function () {
      proxy!.mode = 'notJson';
      const error = await failure(harness!.session.request('complete', fimParams(CODE, '')), 'serverError');
      assert.match(error.message, /cannot read.*not JSON/);
    });

    it('a stream cut off before it finished: a server error, not a short answer passed off as whole', async function () {
      proxy!.mode = 'cutStream';
      const error = await failure(harness!.session.request('prompt', chatPrompt(200)), 'serverError');
      assert.match(error.message, /cut off/);
      await waitForState(harness!, 'ready', 'after the probe passed');
      const long = fimParams(CODE, '', { maxTokens: 200, stopAtNewline: false });
      const completion = await failure(harness!.session.request('complete', long), 'serverError');
      assert.match(completion.message, /cut off/);
    });

    it('a server that never answers: a timeout at the deadline, not a hung request', async function () {
      proxy!.mode = 'silent';
      const params = fimParams(CODE, '', { maxPromptMs: 300, maxGenerationMs: 300 });
      const started = Date.now();
      const error = await failure(harness!.session.request('complete', params), 'timeout');
      assert.match(error.message, /too slow: .*no answer within 2600 ms/);
      assert.ok(Date.now() - started < 20_000, 'gave up at the deadline');
      await waitForState(harness!, 'ready', 'after the probe passed');
      const stream = await failure(harness!.session.request('prompt', chatPrompt(50)), 'timeout');
      assert.match(stream.message, /sent nothing for 8000 ms/);
      // A completion with no time budgets is still bounded by the setting's timeout.
      await waitForState(harness!, 'ready', 'after the second probe passed');
      const unbounded = await failure(harness!.session.request('complete', fimParams(CODE, '')), 'timeout');
      assert.match(unbounded.message, /sent nothing for 8000 ms/);
    });
  });

  it('a model swapped on the server: the session probes the new one and names it', async function () {
    server = await startLlamaServer({ model: generatedModelPath('oracle.gguf'), contextSize: 2048, apiKey: API_KEY });
    const { port } = server;
    harness = sessionOn(server.url);
    assert.equal((await harness.session.ensureLoaded()).name, 'oracle.gguf');
    await server.stop();
    const swapped = generatedModelPath('oracle-spm.gguf');
    server = await startLlamaServer({ model: swapped, contextSize: 1024, apiKey: API_KEY }, port);
    await failure(harness.session.request('complete', fimParams(CODE, '')), 'modelChanged');
    const state = await waitForState(harness, 'ready', 'after the swap');
    assert.ok(state.kind === 'ready' && state.info.name === basename(swapped) && state.info.contextSize === 1024, JSON.stringify(state));
  });
});

describe('Switching backends with no reload: one session over a BackendRouter, a real engine process and a real llama-server', function () {
  this.timeout(180_000);
  const table = loadOracleTable();
  const expected = (prefix: string) => greedyContinuation(table, lastOracleToken(table, prefix), { maxTokens: 12, stopAtNewline: true });

  it('answers on the local engine, then on the server, then locally again, each with the closed-form text', async function () {
    // The same oracle, so the closed form holds on both; its smaller context tells the server's model from the local one.
    const server = await startLlamaServer({ model: generatedModelPath('oracle.gguf'), contextSize: 1024, apiKey: API_KEY });
    const local = startEngine();
    const router = new BackendRouter(local.client);
    const session = new ModelSession(router);
    const crashes: string[] = [];
    router.onExit((reason, deliberate) => {
      if (!deliberate) crashes.push(reason);
    });
    try {
      session.configure(cpuLoadParams(generatedModelPath('oracle.gguf')));
      const first = await session.ensureLoaded();
      assert.equal(first.server, null);
      assert.equal(first.contextSize, 4096);
      assert.equal((await session.request('complete', fimParams(CODE, ''))).text, expected(CODE));
      const localPid = local.client.pid;
      assert.ok(localPid !== undefined);

      router.use(new ServerEngine({ url: new URL(server.url), apiKey: () => Promise.resolve(API_KEY), timeoutMs: 10_000 }));
      session.configure(cpuLoadParams(server.url));
      const remote = await session.ensureLoaded();
      assert.equal(remote.backend, 'server');
      assert.equal(remote.server, server.url);
      assert.equal(remote.contextSize, 1024, 'the server\'s model, not the one loaded locally');
      assert.equal((await session.request('complete', fimParams(`${CODE} a`, ''))).text, expected(`${CODE} a`));
      // The local engine gave its model back; reading a file's header is still its job.
      await waitUntil(() => local.client.pid === undefined, 30_000, () => 'the local engine process to stop');
      const inspect = { modelPath: generatedModelPath('oracle.gguf'), gpu: 'cpu', gpuLayers: 0, contextSize: 0 } as const;
      const facts = await router.request('inspect', inspect);
      assert.equal(facts.filePath, generatedModelPath('oracle.gguf'));
      assert.equal(facts.hasFim, true);

      router.use(undefined);
      session.configure(cpuLoadParams(generatedModelPath('oracle.gguf')));
      const back = await session.ensureLoaded();
      assert.equal(back.server, null);
      assert.equal((await session.request('complete', fimParams(CODE, ''))).text, expected(CODE));
      assert.deepEqual(crashes, [], 'stopping the local engine for a server is no crash');
    } finally {
      session.dispose();
      router.dispose();
      await server.stop();
    }
  });
});
