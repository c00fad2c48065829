import { strict as assert } from 'node:assert';
import { buildFimPrompt, fitPrompt, stableTail } from '../../src/core/fimPrompt';

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

  it('puts extra context directly before the prefix in both layouts', () => {
    const spm = buildFimPrompt({ bos: 1, fim, extraTokens: [30, 31], prefixTokens: [10], suffixTokens: [20], layout: 'spm' });
    assert.deepEqual(spm.tokens, [1, 900, 901, 20, 902, 30, 31, 10]);
    const psm = buildFimPrompt({ bos: 1, fim, extraTokens: [30, 31], prefixTokens: [10], suffixTokens: [20], layout: 'psm' });
    assert.deepEqual(psm.tokens, [1, 900, 30, 31, 10, 901, 20, 902]);
    const plain = buildFimPrompt({ bos: 1, fim: null, extraTokens: [30], prefixTokens: [10], suffixTokens: [20], layout: 'spm' });
    assert.deepEqual(plain.tokens, [1, 30, 10]);
  });
});

const range = (from: number, length: number) => Array.from({ length }, (_, i) => from + i);

describe('stableTail', () => {
  it('keeps tokens that fit', () => {
    assert.deepEqual(stableTail([1, 2, 3], 3), [1, 2, 3]);
  });

  it('drops the start in steps of a quarter of the budget, so the start moves rarely', () => {
    // budget 8: quantum 2. 9 tokens drop 2, 10 drop 2, 11 drop 4.
    assert.deepEqual(stableTail(range(0, 9), 8), range(2, 7));
    assert.deepEqual(stableTail(range(0, 10), 8), range(2, 8));
    assert.deepEqual(stableTail(range(0, 11), 8), range(4, 7));
  });

  it('keeps the first kept token fixed while one token a keystroke is typed, for a whole quantum', () => {
    const starts = new Set<number>();
    for (let length = 1025; length <= 1024 + 64; length++) starts.add(stableTail(range(0, length), 1024)[0] ?? -1);
    assert.deepEqual([...starts], [64]);
  });

  it('keeps nothing for a budget of zero or less', () => {
    assert.deepEqual(stableTail([1, 2], 0), []);
    assert.deepEqual(stableTail([1, 2], -3), []);
  });
});

describe('fitPrompt', () => {
  const budgets = { prefix: 100, suffix: 100, extra: 100 };

  it('keeps everything that fits', () => {
    const parts = { extraTokens: [7], prefixTokens: [1, 2, 3], suffixTokens: [4, 5] };
    assert.deepEqual(fitPrompt(parts, budgets, 10), parts);
  });

  it('trims each part to its own budget: the start of extra and prefix, the end of the suffix', () => {
    const fitted = fitPrompt(
      { extraTokens: range(200, 10), prefixTokens: range(0, 10), suffixTokens: range(100, 10) },
      { prefix: 8, suffix: 3, extra: 4 },
      1000,
    );
    assert.deepEqual(fitted.extraTokens, [206, 207, 208, 209]);
    assert.deepEqual(fitted.suffixTokens, [100, 101, 102]);
    assert.deepEqual(fitted.prefixTokens, range(2, 8));
  });

  it('gives up extra context first, then suffix down to a quarter of the room, then prefix', () => {
    const parts = { extraTokens: range(200, 10), prefixTokens: range(0, 20), suffixTokens: range(100, 20) };
    const noExtra = fitPrompt(parts, budgets, 40);
    assert.deepEqual(noExtra, { extraTokens: [], prefixTokens: range(0, 20), suffixTokens: range(100, 20) });
    const shorterSuffix = fitPrompt(parts, budgets, 32);
    assert.deepEqual(shorterSuffix.suffixTokens, range(100, 12));
    assert.deepEqual(shorterSuffix.prefixTokens, range(0, 20));
    const tight = fitPrompt(parts, budgets, 20);
    assert.deepEqual(tight.suffixTokens, range(100, 5));
    assert.ok(tight.prefixTokens.length <= 15 && tight.prefixTokens.at(-1) === 19, `prefix ${tight.prefixTokens}`);
  });

  it('lets the prefix run whole trim steps over its budget when asked, with the same step', () => {
    const parts = { extraTokens: [], prefixTokens: range(0, 94), suffixTokens: [] };
    const budgets = { prefix: 64, suffix: 0, extra: 0 };
    // Steps of 16: 94 tokens drop 32 within the budget, 16 with one step of slack.
    assert.deepEqual(fitPrompt(parts, budgets, 1000).prefixTokens, range(32, 62));
    assert.deepEqual(fitPrompt(parts, budgets, 1000, 1).prefixTokens, range(16, 78));
  });

  it('returns nothing for no room', () => {
    assert.deepEqual(fitPrompt({ extraTokens: [1], prefixTokens: [2], suffixTokens: [3] }, budgets, -5), {
      extraTokens: [],
      prefixTokens: [],
      suffixTokens: [],
    });
  });
});
