// The engine killed at the worst moments, through the ModelSession the extension uses: each
// request in flight is rejected (never left hanging), the session says what happened, the next
// request works, and a burst of crashes stops automatic restarts until "Restart Engine".
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineRequestError } from '../../src/client/Engine';
import { ModelSession } from '../../src/client/ModelSession';
import { cpuLoadParams, fimParams, startEngine, waitUntil, type EngineUnderTest } from '../support/engineHarness';
import { closedFormSurprisal, generatedModelPath, greedyContinuation, lastOracleToken, loadOracleTable } from '../support/oracle';

/** Rejects when `promise` has not settled in time: a hung request fails the test instead of the suite's timeout. */
function settlesWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function killEngine(engine: EngineUnderTest): number {
  const pid = engine.client.pid;
  assert.ok(pid !== undefined, 'the engine is running');
  process.kill(pid, 'SIGKILL');
  return pid;
}

const isEngineDied = (error: unknown) =>
  error instanceof EngineRequestError && error.code === 'engineDied' && /SIGKILL/.test(error.message);

describe('engine killed mid-work', function () {
  const table = loadOracleTable();
  let engine: EngineUnderTest;
  let session: ModelSession;
  beforeEach(() => {
    engine = startEngine();
    session = new ModelSession(engine.client, async () => undefined);
    session.configure(cpuLoadParams(generatedModelPath('oracle.gguf')));
  });
  afterEach(() => engine.client.dispose());

  it('during a heatmap pass: the pass is rejected and the next one works', async function () {
    await session.ensureLoaded();
    const text = readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'oracle-corpus.txt'), 'utf8').slice(0, 6000);
    let progress = 0;
    const pass = session.request('surprisal', { text, scoreFrom: 0, detail: 'bits' }, { onProgress: () => progress++ });
    await waitUntil(() => progress > 0, 30_000, () => 'the heatmap pass to report progress');
    killEngine(engine);
    await assert.rejects(settlesWithin(pass, 10_000, 'the killed pass'), isEngineDied);
    assert.equal(session.state.kind, 'error');
    const again = await settlesWithin(
      session.request('surprisal', { text: 'let x = 1;', scoreFrom: 0, detail: 'bits' }),
      60_000,
      'the next pass',
    );
    const expected = closedFormSurprisal(table, 'let x = 1;');
    assert.deepEqual(again.tokens.map((token) => token.id), expected.map((token) => token.id));
    again.tokens.forEach((token, i) =>
      assert.ok(Math.abs(token.bits - (expected[i]?.bits ?? NaN)) <= 1e-3, `token ${i}: ${token.bits} bits`),
    );
  });

  it('during model load: the load is rejected and the next request loads again', async function () {
    let fractions = 0;
    const load = engine.client.request('load', cpuLoadParams(generatedModelPath('oracle.gguf')), { onProgress: () => fractions++ });
    await waitUntil(() => fractions > 0 || engine.client.pid !== undefined, 30_000, () => 'the engine to start loading');
    await waitUntil(() => fractions > 0, 30_000, () => 'load progress');
    const killed = killEngine(engine);
    const outcome = await settlesWithin(load.then(() => 'loaded', (error: unknown) => error), 10_000, 'the killed load');
    // A load can finish between its last progress event and the kill; otherwise it must be rejected as engineDied.
    assert.ok(outcome === 'loaded' || isEngineDied(outcome), `load outcome: ${String(outcome)}`);
    // A load that finished first leaves the exit still to come: a request sent before it would go to the dying process.
    await waitUntil(() => engine.client.pid !== killed, 10_000, () => 'the client to see the killed engine exit');
    const result = await settlesWithin(session.request('complete', fimParams('return x', '')), 60_000, 'the next completion');
    assert.equal(result.text, greedyContinuation(table, lastOracleToken(table, 'return x'), { maxTokens: 12, stopAtNewline: true }));
  });

  it('"Restart Engine" during a load loads again on the fresh engine, not answering with the stopped load\'s failure', async function () {
    const first = session.ensureLoaded();
    first.catch(() => undefined);
    // The engine starts with the first request: while it starts, the load is surely in flight.
    await waitUntil(() => session.state.kind === 'loading', 10_000, () => 'the load to begin');
    const info = await settlesWithin(session.restart(), 60_000, 'Restart Engine');
    assert.equal(info?.hasFim, true);
    const outcome = await settlesWithin(first.then(() => 'loaded', (error: unknown) => error), 10_000, 'the first load');
    assert.ok(
      outcome === 'loaded' ||
        (outcome instanceof EngineRequestError && /^The Llama Lens engine was stopped to start afresh/.test(outcome.message)),
      `first load: ${String(outcome)}`,
    );
    assert.equal(session.state.kind, 'ready', 'the stopped load did not overwrite the state');
  });

  it('stops restarting after 3 crashes within a minute, says so, and "Restart Engine" resumes', async function () {
    for (let crash = 1; crash <= 3; crash++) {
      await session.ensureLoaded();
      const dead = killEngine(engine);
      await waitUntil(() => engine.client.pid !== dead && session.state.kind === 'error', 10_000, () => `crash ${crash} to be noticed`);
    }
    assert.equal(session.state.kind, 'error');
    assert.match(session.state.kind === 'error' ? session.state.message : '', /3 times within a minute.*Restart Engine/s);
    await assert.rejects(settlesWithin(session.request('complete', fimParams('x', '')), 5_000, 'a request after giving up'),
      (error: unknown) => error instanceof EngineRequestError && error.code === 'engineDied' && /Restart Engine/.test(error.message));
    assert.equal(engine.client.pid, undefined, 'no engine was started after giving up');
    const info = await settlesWithin(session.restart().then((loaded) => loaded), 60_000, 'Restart Engine');
    assert.equal(info?.hasFim, true);
    assert.equal(session.state.kind, 'ready');
  });
});
