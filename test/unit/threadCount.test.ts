// The thread count is capped at the machine's cores: a workspace or a typo asking for 100,000 threads made the engine
// start about a thousand and hang.
import { strict as assert } from 'node:assert';
import { engineThreads, threadSetting } from '../../src/core/settings/threadCount';

describe('thread count', function () {
  it('caps a requested count at the cores, and keeps one that fits', function () {
    assert.equal(engineThreads(100_000, 2, 16), 16);
    assert.equal(engineThreads(4, 2, 16), 4);
    assert.equal(engineThreads(1, 2, 16), 1);
  });

  it('uses the math cores for 0, never more than the cores, and at least one thread', function () {
    assert.equal(engineThreads(0, 2, 4), 2);
    assert.equal(engineThreads(0, 8, 4), 4);
    assert.equal(engineThreads(0, 0, 0), 1);
    assert.equal(engineThreads(Number.NaN, 2, 4), 2);
  });

  it('the settings reader says when it capped the setting', function () {
    assert.deepEqual(threadSetting(100_000, 8), {
      threads: 8,
      problem: "llamaLens.threads is 100000, more than this machine's 8 cores; using 8.",
    });
    assert.deepEqual(threadSetting(8, 8), { threads: 8 });
    assert.deepEqual(threadSetting(0, 8), { threads: 0 });
  });
});
