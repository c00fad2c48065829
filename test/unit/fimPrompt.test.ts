import { strict as assert } from 'node:assert';
import { buildFimPrompt, fitToBudget } from '../../src/core/fimPrompt';

const fim = { prefix: 900, suffix: 901, middle: 902 };

describe('buildFimPrompt', () => {
  it('puts the suffix first in SPM layout, so the text at the cursor is last', () => {
    const { tokens, usedFim } = buildFimPrompt({ bos: 1, fim, prefixTokens: [10, 11], suffixTokens: [20, 21], layout: 'spm' });
    assert.deepEqual(tokens, [1, 900, 901, 20, 21, 902, 10, 11]);
    assert.equal(usedFim, true);
  });

  it('puts the prefix first in PSM layout and ends with the middle token', () => {
    const { tokens } = buildFimPrompt({ bos: 1, fim, prefixTokens: [10, 11], suffixTokens: [20, 21], layout: 'psm' });
    assert.deepEqual(tokens, [1, 900, 10, 11, 901, 20, 21, 902]);
  });

  it('falls back to the prefix alone when the model has no FIM tokens', () => {
    const { tokens, usedFim } = buildFimPrompt({ bos: 1, fim: null, prefixTokens: [10, 11], suffixTokens: [20], layout: 'spm' });
    assert.deepEqual(tokens, [1, 10, 11]);
    assert.equal(usedFim, false);
  });

  it('omits BOS for a model without one', () => {
    const { tokens } = buildFimPrompt({ bos: null, fim: null, prefixTokens: [10], suffixTokens: [], layout: 'spm' });
    assert.deepEqual(tokens, [10]);
  });
});

describe('fitToBudget', () => {
  it('keeps everything that fits', () => {
    assert.deepEqual(fitToBudget([1, 2, 3], [4, 5], 10), { prefixTokens: [1, 2, 3], suffixTokens: [4, 5] });
  });

  it('drops the start of the prefix and the end of the suffix, keeping the text nearest the cursor', () => {
    const prefix = Array.from({ length: 20 }, (_, i) => i);
    const suffix = Array.from({ length: 20 }, (_, i) => 100 + i);
    const fitted = fitToBudget(prefix, suffix, 8);
    assert.deepEqual(fitted.suffixTokens, [100, 101]);
    assert.deepEqual(fitted.prefixTokens, [14, 15, 16, 17, 18, 19]);
  });

  it('gives the room a short prefix leaves to the suffix', () => {
    const fitted = fitToBudget([1], Array.from({ length: 50 }, (_, i) => i), 20);
    assert.equal(fitted.suffixTokens.length, 19);
    assert.deepEqual(fitted.prefixTokens, [1]);
  });

  it('returns nothing for a budget of zero or less', () => {
    assert.deepEqual(fitToBudget([1, 2], [3], -5), { prefixTokens: [], suffixTokens: [] });
  });
});
