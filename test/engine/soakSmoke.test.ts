// The engine's `health` method, and a short run of the soak (scripts/lib/soak) through the real EngineClient,
// ModelSession and CompletionPipeline on the oracle model: what `npm run soak` does 10,000 times.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCancellation } from '../../src/client/Engine';
import { runSoak } from '../../scripts/lib/soak/runSoak';
import type { SoakReport } from '../../scripts/lib/soak/soakReport';
import { cpuLoadParams, fimParams, startEngine, type EngineUnderTest } from '../support/engineHarness';
import { generatedModelPath } from '../support/oracle';
import { ENGINE_ENTRY, REPO_ROOT } from '../support/repoPaths';

describe('engine health', function () {
  let engine: EngineUnderTest;
  before(() => {
    engine = startEngine();
  });
  after(() => engine.client.dispose());

  it('reports no sequences before a model is loaded, and its own memory', async function () {
    const health = await engine.client.request('health', {});
    assert.equal(health.sequencesTotal, 0);
    assert.equal(health.sequencesInUse, 0);
    assert.equal(health.inFlightRequests, 0);
    assert.equal(health.unhandledRejections, 0);
    // The engine inherits NODE_OPTIONS but not this process's flags: only that could expose its GC here.
    assert.equal(health.collectedGarbage, /--expose-gc/.test(process.env.NODE_OPTIONS ?? ''));
    assert.ok(health.rssBytes > 0 && health.heapUsedBytes > 0, JSON.stringify(health));
  });

  it('reports the loaded context\'s two sequences (completions and chat) in use, and answers while a completion runs', async function () {
    await engine.client.request('load', cpuLoadParams(generatedModelPath('oracle.gguf')));
    const abort = new AbortController();
    // Long enough to be running when the health request arrives right behind it.
    const running = engine.client.request(
      'complete',
      fimParams('function add(a, b) {\n  return ', '', { maxTokens: 2000, stopAtNewline: false }),
      { signal: abort.signal },
    );
    const health = await engine.client.request('health', {});
    abort.abort();
    await running.catch((error: unknown) => assert.ok(isCancellation(error), String(error)));
    assert.equal(health.sequencesTotal, 2);
    assert.equal(health.sequencesInUse, 2);
    assert.equal(health.inFlightRequests, 1, 'the completion, not the health request itself');
  });
});

describe('soak (smoke): 100 requests through the host stack', function () {
  let report: SoakReport;
  const log: string[] = [];
  before(async function () {
    this.timeout(600_000);
    report = await runSoak({
      enginePath: ENGINE_ENTRY,
      modelPath: generatedModelPath('oracle.gguf'),
      corpus: readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'oracle-corpus.txt'), 'utf8'),
      requests: 100,
      seed: 7,
      warmupRequests: 10,
      maxTokens: 8,
      sampleEvery: 25,
      log: (line) => log.push(line),
    });
  });

  it('settles every request, and leaves nothing running in the engine', function () {
    assert.deepEqual(report.hung, []);
    const settled = Object.values(report.outcomes).reduce((sum, c) => sum + c.answered + c.empty + c.cancelled + c.error, 0);
    assert.equal(settled, 100);
    assert.equal(report.end.engine.inFlightRequests, 0);
  });

  it('mixes completions that finish, are cancelled or superseded with Lens queries', function () {
    const complete = report.outcomes.complete;
    assert.ok(complete && complete.answered > 0 && complete.cancelled + complete.empty > 0, JSON.stringify(report.outcomes));
    assert.ok((report.outcomes.distribution?.answered ?? 0) > 0, JSON.stringify(report.outcomes));
  });

  it('sees no unhandled rejection in either process, no failed request and no engine exit', function () {
    assert.equal(report.hostUnhandledRejections, 0, log.join('\n'));
    assert.equal(report.end.engine.unhandledRejections, 0);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.engineExits, []);
  });

  it('gives the sequences back: 2 of 2 in use at the start and at the end', function () {
    assert.equal(report.start.engine.sequencesInUse, 2);
    assert.equal(report.end.engine.sequencesInUse, 2);
    assert.equal(report.end.engine.sequencesTotal, 2);
  });

  it('samples both processes\' memory while the requests run', function () {
    assert.deepEqual(report.samples.filter((s) => s.phase === 'run').map((s) => s.request), [25, 50, 75, 100]);
    for (const sample of report.samples) assert.ok(sample.engineRssBytes > 0 && sample.hostRssBytes > 0, JSON.stringify(sample));
    assert.ok(report.start.engine.rssBytes > 0 && report.end.hostRssBytes > 0);
    assert.ok(report.start.engine.collectedGarbage && report.end.engine.collectedGarbage, 'the soak starts its engine with --expose-gc');
  });
});
