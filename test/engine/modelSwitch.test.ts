// Switching models and GPU settings at run time, through the same ModelSession the extension uses:
// work for the old model is cancelled cleanly, the new one loads, and a backend change restarts
// the engine process (llama.cpp picks its backend once per process) without counting a crash.
import { strict as assert } from 'node:assert';
import { EngineRequestError } from '../../src/client/Engine';
import { ModelSession } from '../../src/client/ModelSession';
import { cpuLoadParams, fimParams, startEngine, waitUntil, type EngineUnderTest } from '../support/engineHarness';
import { generatedModelPath, greedyContinuation, lastOracleToken, loadOracleTable } from '../support/oracle';

describe('switching models at run time', function () {
  let engine: EngineUnderTest;
  beforeEach(() => {
    engine = startEngine();
  });
  afterEach(() => engine.client.dispose());

  it('cancels an in-flight completion of the old model and loads the new one', async function () {
    const session = new ModelSession(engine.client, async () => undefined);
    session.configure(cpuLoadParams(generatedModelPath('oracle.gguf')));
    await session.ensureLoaded();
    let streamed = 0;
    const inFlight = session.request('complete', fimParams('for (let i = 0; i', '', { maxTokens: 400, stopAtNewline: false }), {
      onProgress: () => streamed++,
    });
    await waitUntil(() => streamed > 0, 30_000, () => 'the completion to start streaming');
    session.configure(cpuLoadParams(generatedModelPath('oracle-words.gguf')));
    await assert.rejects(inFlight, (error: unknown) => error instanceof EngineRequestError && error.code === 'cancelled');
    const next = await session.request('complete', fimParams('obj.', ''));
    const words = loadOracleTable(generatedModelPath('oracle-words.table.json'));
    assert.equal(next.text, greedyContinuation(words, lastOracleToken(words, 'obj.'), { maxTokens: 12, stopAtNewline: true }));
    assert.equal(session.state.kind, 'ready');
    assert.equal(session.state.kind === 'ready' ? session.state.info.filePath : '', generatedModelPath('oracle-words.gguf'));
  });

  it('restarts the engine process for another GPU backend setting, without counting a crash', async function () {
    const session = new ModelSession(engine.client, async () => undefined);
    session.configure(cpuLoadParams(generatedModelPath('oracle.gguf')));
    await session.ensureLoaded();
    const firstPid = engine.client.pid;
    const generation = engine.client.generation;
    // 'auto' finds no GPU on a CPU-only machine and runs on the CPU: still another backend choice.
    session.configure({ ...cpuLoadParams(generatedModelPath('oracle.gguf')), gpu: 'auto', gpuLayers: 'auto' });
    const info = await session.ensureLoaded();
    assert.notEqual(engine.client.pid, firstPid, 'a fresh engine process');
    assert.equal(engine.client.generation, generation + 1);
    assert.equal(session.state.kind, 'ready');
    assert.match(info.backend, /^(cpu|cuda|vulkan|metal)$/);
    const completion = await session.request('complete', fimParams('return x', ''));
    const table = loadOracleTable();
    assert.equal(completion.text, greedyContinuation(table, lastOracleToken(table, 'return x'), { maxTokens: 12, stopAtNewline: true }));
  });

  it('keeps the engine when only the model changes', async function () {
    const session = new ModelSession(engine.client, async () => undefined);
    session.configure(cpuLoadParams(generatedModelPath('oracle.gguf')));
    await session.ensureLoaded();
    const pid = engine.client.pid;
    session.configure(cpuLoadParams(generatedModelPath('oracle-words.gguf')));
    await session.ensureLoaded();
    assert.equal(engine.client.pid, pid);
  });
});
