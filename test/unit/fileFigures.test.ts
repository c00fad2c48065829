import { strict as assert } from 'node:assert';
import { fileFigures } from '../../src/core/lens/fileFigures';

describe('file summary figures', () => {
  it('gives bits per token, perplexity 2^mean and the top-1 count from a fast pass, and no top-10 without ranks', () => {
    const figures = fileFigures([
      { bits: 1, rank: 1, entropyBits: null },
      { bits: 3, rank: null, entropyBits: null },
      { bits: 2, rank: 1, entropyBits: null },
    ]);
    assert.deepEqual(figures, { tokens: 3, meanBits: 2, perplexity: 4, top1: 2, top10: null, meanEntropyBits: null });
  });

  it('counts the top 10 inclusively and averages entropy when a full pass has them', () => {
    const figures = fileFigures([
      { bits: 0.5, rank: 1, entropyBits: 1 },
      { bits: 4, rank: 10, entropyBits: 2 },
      { bits: 7.5, rank: 11, entropyBits: 6 },
    ]);
    assert.equal(figures.top1, 1);
    assert.equal(figures.top10, 2);
    assert.equal(figures.meanEntropyBits, 3);
    assert.equal(figures.perplexity, 2 ** 4);
  });

  it('leaves infinite surprisal out of the mean, and says 0 bits for an empty file', () => {
    assert.equal(fileFigures([{ bits: 2, rank: 1, entropyBits: 0 }, { bits: Infinity, rank: 300, entropyBits: 0 }]).meanBits, 2);
    assert.deepEqual(fileFigures([]), { tokens: 0, meanBits: 0, perplexity: 1, top1: 0, top10: 0, meanEntropyBits: 0 });
  });
});
