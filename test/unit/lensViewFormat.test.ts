import { strict as assert } from 'node:assert';
import {
  formatBits, formatCursor, formatLogProb, formatPercent, formatPoints, truncate, visibleLineText,
} from '../../src/webview/lens/format';
import { clampToSlider, formatSlider, SLIDERS } from '../../src/webview/lens/samplerModel';

describe('Lens view formatting', () => {
  it('writes probabilities as percentages with two decimals', () => {
    assert.equal(formatPercent(0.4217), '42.17%');
    assert.equal(formatPercent(1), '100.00%');
    assert.equal(formatPercent(0), '0.00%');
    assert.equal(formatPercent(Number.NaN), '—');
  });

  it('writes log-probabilities, bits and margins with fixed decimals', () => {
    assert.equal(formatLogProb(Math.log(0.5)), '-0.693');
    assert.equal(formatLogProb(-Infinity), '−∞');
    assert.equal(formatBits(1.23456), '1.235 bits');
    assert.equal(formatPoints(0.1234), '12.34 pp');
  });

  it('shows the cursor 1-based, as the editor does', () => {
    assert.equal(formatCursor({ file: 'src/a.ts', line: 0, character: 4 }), 'src/a.ts:1:5');
  });

  it('truncates with an ellipsis and never exceeds the limit', () => {
    assert.equal(truncate('short', 10), 'short');
    assert.equal(truncate('abcdefghij', 5), 'abcd…');
    assert.equal(truncate('abcdefghij', 5).length, 5);
  });

  it('keeps spaces in source lines but escapes bidi and control characters', () => {
    assert.equal(visibleLineText('let  x = 1;'), 'let  x = 1;');
    assert.equal(visibleLineText('a\u202Eb\tc'), 'a\\u202Eb→c');
    assert.equal(visibleLineText('<img src=x onerror=alert(1)>'), '<img src=x onerror=alert(1)>');
  });
});

describe('Lens sampler sliders', () => {
  const spec = (key: string) => {
    const found = SLIDERS.find((slider) => slider.key === key);
    assert.ok(found, key);
    return found;
  };

  it('covers the four samplers with the ranges the lab promises', () => {
    assert.deepEqual(SLIDERS.map((s) => [s.testId, s.min, s.max, s.step]), [
      ['slider-temperature', 0, 2, 0.05], ['slider-top-k', 0, 100, 1], ['slider-top-p', 0, 1, 0.01], ['slider-min-p', 0, 1, 0.01],
    ]);
  });

  it('marks the values at which a sampler does nothing', () => {
    assert.equal(formatSlider(spec('topK'), 0), '0 (off)');
    assert.equal(formatSlider(spec('topK'), 40), '40');
    assert.equal(formatSlider(spec('topP'), 1), '1.00 (off)');
    assert.equal(formatSlider(spec('minP'), 0.05), '0.05');
    assert.equal(formatSlider(spec('temperature'), 1), '1.00');
  });

  it('clamps into the slider range', () => {
    assert.equal(clampToSlider(spec('temperature'), 7), 2);
    assert.equal(clampToSlider(spec('topK'), -3), 0);
  });
});
