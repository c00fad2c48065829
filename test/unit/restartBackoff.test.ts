import { strict as assert } from 'node:assert';
import { RestartBackoff } from '../../src/core/RestartBackoff';

const options = (extra: Partial<{ baseMs: number; maxMs: number }> = {}) => ({
  baseMs: 100,
  maxMs: 350,
  giveUpAfter: 3,
  windowMs: 60_000,
  ...extra,
});

describe('RestartBackoff', () => {
  it('restarts at once after a single crash, then backs off exponentially up to a cap', () => {
    let now = 0;
    const backoff = new RestartBackoff(options(), () => now);
    assert.equal(backoff.delayMs, 0);
    backoff.recordCrash();
    assert.equal(backoff.delayMs, 0);
    now += 61_000;
    backoff.recordCrash();
    assert.equal(backoff.delayMs, 100);
    now += 61_000;
    backoff.recordCrash();
    assert.equal(backoff.delayMs, 200);
    now += 61_000;
    backoff.recordCrash();
    assert.equal(backoff.delayMs, 350);
    assert.equal(backoff.gaveUp, false, 'crashes a minute apart never add up to giving up');
  });

  it('forgets crashes after a success', () => {
    const backoff = new RestartBackoff(options({ maxMs: 1000 }), () => 0);
    backoff.recordCrash();
    backoff.recordCrash();
    backoff.recordSuccess();
    backoff.recordCrash();
    assert.equal(backoff.delayMs, 0);
  });

  it('gives up after 3 crashes within a minute, until reset', () => {
    let now = 1_000_000;
    const backoff = new RestartBackoff(options(), () => now);
    backoff.recordCrash();
    now += 20_000;
    backoff.recordCrash();
    assert.equal(backoff.gaveUp, false);
    now += 39_999;
    backoff.recordCrash();
    assert.equal(backoff.gaveUp, true, 'three crashes inside 60 s');
    backoff.reset();
    assert.equal(backoff.gaveUp, false);
    assert.equal(backoff.delayMs, 0);
  });

  it('does not give up when the first of three crashes is older than a minute', () => {
    let now = 0;
    const backoff = new RestartBackoff(options(), () => now);
    backoff.recordCrash();
    now += 60_000;
    backoff.recordCrash();
    backoff.recordCrash();
    assert.equal(backoff.gaveUp, false);
  });
});
