import { strict as assert } from 'node:assert';
import { entropyBin, ENTROPY_EDGES } from '../../src/core/lens/entropyScale';
import { bitsRangeLabels, detailFor, legendFor, tokenLevel } from '../../src/core/lens/heatmapModes';
import { rankBucket, RANK_BUCKETS } from '../../src/core/lens/rankBuckets';
import { binEdges, SCALE_MAX_BITS, surprisalBin } from '../../src/core/lens/surprisalScale';

describe('heatmap modes', () => {
  it('puts ranks into GLTR buckets: top 1, top 10, top 100, top 1000, beyond', () => {
    const edges: [number, number][] = [
      [1, 0],
      [2, 1],
      [10, 1],
      [11, 2],
      [100, 2],
      [101, 3],
      [1000, 3],
      [1001, 4],
      [32000, 4],
      [Infinity, 4],
    ];
    for (const [rank, bucket] of edges) assert.equal(rankBucket(rank), bucket, `rank ${rank}`);
    assert.deepEqual(RANK_BUCKETS.map((bucket) => bucket.label), ['top 1', 'top 10', 'top 100', 'top 1000', 'beyond 1000']);
  });

  it('bins entropy at 1, 2, 4, 6 and 8 bits, the last bin open-ended', () => {
    assert.deepEqual(ENTROPY_EDGES, [0, 1, 2, 4, 6, 8]);
    const cases: [number, number][] = [
      [0, 0],
      [0.999, 0],
      [1, 1],
      [1.999, 1],
      [2, 2],
      [3.99, 2],
      [4, 3],
      [6, 4],
      [7.99, 4],
      [8, 5],
      [15, 5],
      [Infinity, 5],
      [Number.NaN, 0],
    ];
    for (const [bits, bin] of cases) assert.equal(entropyBin(bits), bin, `${bits} bits`);
  });

  it('puts surprisal into equal bins up to the maximum, and everything above into the last', () => {
    const cases: [number, number][] = [[0, 0], [1.99, 0], [2, 1], [11.9, 5], [40, 5], [Infinity, 5], [Number.NaN, 0]];
    for (const [bits, bin] of cases) assert.equal(surprisalBin(bits), bin, `${bits} bits`);
    assert.deepEqual(binEdges(), [0, 2, 4, 6, 8, 10]);
    assert.equal(SCALE_MAX_BITS, 12);
  });

  it('needs the full pass for rank and entropy only', () => {
    assert.equal(detailFor('surprisal'), 'bits');
    assert.equal(detailFor('rank'), 'full');
    assert.equal(detailFor('entropy'), 'full');
  });

  it('gives each token the level of its mode, and none where the pass did not compute it', () => {
    const sure = { bits: 0.1, rank: 1, entropyBits: 0.5 };
    const rare = { bits: 13, rank: 5000, entropyBits: 9 };
    assert.deepEqual([tokenLevel('surprisal', sure), tokenLevel('rank', sure), tokenLevel('entropy', sure)], [0, 0, 0]);
    assert.deepEqual([tokenLevel('surprisal', rare), tokenLevel('rank', rare), tokenLevel('entropy', rare)], [5, 5, 5]);
    assert.equal(tokenLevel('rank', { bits: 3, rank: 42, entropyBits: null }), 2, 'top 100');
    assert.equal(tokenLevel('rank', { bits: 3, rank: 420, entropyBits: null }), 4, 'top 1000 skips a level');
    assert.equal(tokenLevel('rank', { bits: 3, rank: null, entropyBits: null }), undefined);
    assert.equal(tokenLevel('entropy', { bits: 3, rank: 1, entropyBits: null }), undefined);
  });

  it('labels each mode\'s legend in the order of its scale, each level used once', () => {
    assert.deepEqual(
      legendFor('surprisal').map((entry) => entry.label),
      ['0–2 bits', '2–4 bits', '4–6 bits', '6–8 bits', '8–10 bits', '≥10 bits'],
    );
    assert.deepEqual(legendFor('rank'), [
      { level: 0, label: 'top 1' },
      { level: 1, label: 'top 10' },
      { level: 2, label: 'top 100' },
      { level: 4, label: 'top 1000' },
      { level: 5, label: 'beyond 1000' },
    ]);
    assert.deepEqual(
      legendFor('entropy').map((entry) => entry.label),
      ['0–1 bits', '1–2 bits', '2–4 bits', '4–6 bits', '6–8 bits', '≥8 bits'],
    );
    for (const mode of ['surprisal', 'rank', 'entropy'] as const) {
      const levels = legendFor(mode).map((entry) => entry.level);
      assert.deepEqual(levels, [...new Set(levels)].sort(), mode);
    }
    assert.deepEqual(bitsRangeLabels([0, 10 / 6, 20 / 6]).slice(0, 2), ['0–1.7 bits', '1.7–3.3 bits']);
  });
});
