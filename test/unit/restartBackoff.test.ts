import { strict as assert } from 'node:assert';
import { RestartBackoff } from '../../src/core/RestartBackoff';

describe('RestartBackoff', () => {
  it('restarts at once after a single crash, then backs off exponentially up to a cap', () => {
    const backoff = new RestartBackoff({ baseMs: 100, maxMs: 350 });
    assert.equal(backoff.delayMs, 0);
    backoff.recordCrash();
    assert.equal(backoff.delayMs, 0);
    backoff.recordCrash();
    assert.equal(backoff.delayMs, 100);
    backoff.recordCrash();
    assert.equal(backoff.delayMs, 200);
    backoff.recordCrash();
    assert.equal(backoff.delayMs, 350);
  });

  it('forgets crashes after a success', () => {
    const backoff = new RestartBackoff({ baseMs: 100, maxMs: 1000 });
    backoff.recordCrash();
    backoff.recordCrash();
    backoff.recordSuccess();
    backoff.recordCrash();
    assert.equal(backoff.delayMs, 0);
  });
});
