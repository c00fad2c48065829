import { strict as assert } from 'node:assert';
import { barFraction, LOG_DECADES } from '../../src/core/lens/barScale';

describe('barFraction', () => {
  it('fills the top token\'s track, and the others in proportion on the linear scale', () => {
    assert.equal(barFraction(0.0942, 0.0942, 'linear'), 1);
    assert.ok(Math.abs(barFraction(0.0471, 0.0942, 'linear') - 0.5) < 1e-12);
    assert.ok(Math.abs(barFraction(0.01, 0.5, 'linear') - 0.02) < 1e-12);
  });

  it('spans LOG_DECADES decades below the top token on the log scale', () => {
    assert.equal(LOG_DECADES, 4);
    assert.equal(barFraction(0.5, 0.5, 'log'), 1);
    assert.ok(Math.abs(barFraction(0.005, 0.5, 'log') - 0.5) < 1e-12, 'two decades below: half a bar');
    assert.ok(Math.abs(barFraction(0.05, 0.5, 'log') - 0.75) < 1e-12);
    assert.equal(barFraction(0.5e-4, 0.5, 'log'), 0, 'four decades below: empty');
    assert.equal(barFraction(1e-9, 0.5, 'log'), 0, 'further: still empty, never negative');
  });

  it('draws nothing for a zero, a missing or a nonsensical probability, and never more than a full bar', () => {
    for (const scale of ['linear', 'log'] as const) {
      assert.equal(barFraction(0, 0.5, scale), 0);
      assert.equal(barFraction(Number.NaN, 0.5, scale), 0);
      assert.equal(barFraction(0.3, 0, scale), 0);
      assert.equal(barFraction(0.3, Number.NaN, scale), 0);
      assert.equal(barFraction(0.9, 0.5, scale), 1);
    }
  });
});
