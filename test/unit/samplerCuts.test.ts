import { strict as assert } from 'node:assert';
import { applySamplers, NEUTRAL_SAMPLER, type SamplerSettings } from '../../src/core/lens/distributionMath';
import { boundaryX, chartPoints, COLUMN_WIDTH, probabilityY, samplerCuts } from '../../src/core/lens/samplerCuts';

/** Halving probabilities, with the last two equal so the tail sums to 1: 0.5, 0.25, 0.125, 0.0625, 0.0625. */
const HALVES = [0.5, 0.25, 0.125, 0.0625, 0.0625];
const FOUR_TIED = [0.25, 0.25, 0.25, 0.25];

function settings(overrides: Partial<SamplerSettings>): SamplerSettings {
  return { ...NEUTRAL_SAMPLER, ...overrides };
}

function assertNear(actual: number, expected: number, what: string, tolerance = 1e-9): void {
  assert.ok(Math.abs(actual - expected) < tolerance, `${what}: ${actual} vs ${expected}`);
}

describe('samplerCuts', () => {
  it('reports every sampler off and every rank kept under the neutral settings', () => {
    assert.deepEqual(samplerCuts(HALVES, NEUTRAL_SAMPLER), { topK: null, topP: null, minP: null, kept: 5, minPThreshold: null });
  });

  it('cuts top-p after the first prefix whose mass reaches p', () => {
    // Cumulative mass: 0.5, 0.75, 0.875, 0.9375, 1.
    assert.equal(samplerCuts(HALVES, settings({ topP: 0.7 })).topP, 2, '0.5 < 0.7 ≤ 0.75');
    assert.equal(samplerCuts(HALVES, settings({ topP: 0.75 })).topP, 2, 'reaching p exactly is enough');
    assert.equal(samplerCuts(HALVES, settings({ topP: 0.76 })).topP, 3);
    assert.equal(samplerCuts(HALVES, settings({ topP: 0.5 })).topP, 1);
    assert.equal(samplerCuts(HALVES, settings({ topP: 0 })).topP, 1, 'p = 0 still keeps the top rank');
    assert.equal(samplerCuts(HALVES, settings({ topP: 0.99 })).kept, 5);
  });

  it('cuts min-p below minP · p(rank 0), keeping or dropping equal probabilities together', () => {
    assert.deepEqual(samplerCuts(HALVES, settings({ minP: 0.25 })), { topK: null, topP: null, minP: 3, kept: 3, minPThreshold: 0.125 });
    assert.equal(samplerCuts(HALVES, settings({ minP: 0.3 })).minP, 2, 'threshold 0.15');
    assert.equal(samplerCuts(HALVES, settings({ minP: 0.125 })).minP, 5, 'threshold 0.0625: both tied ranks stay');
    assert.equal(samplerCuts(HALVES, settings({ minP: 0.13 })).minP, 3, 'threshold 0.065: both tied ranks go');
    assert.equal(samplerCuts(HALVES, settings({ minP: 1 })).minP, 1);
    assertNear(samplerCuts(HALVES, settings({ minP: 0.3 })).minPThreshold ?? NaN, 0.15, 'threshold');
  });

  it('cuts top-k and top-p between tied ranks, as the prefix rule says', () => {
    assert.equal(samplerCuts(FOUR_TIED, settings({ topK: 2 })).topK, 2);
    assert.equal(samplerCuts(FOUR_TIED, settings({ topP: 0.5 })).topP, 2, '0.25 + 0.25 reaches 0.5');
    assert.equal(samplerCuts(FOUR_TIED, settings({ topP: 0.6 })).topP, 3);
    assert.equal(samplerCuts(FOUR_TIED, settings({ minP: 1 })).minP, 4, 'every rank equals the top one');
  });

  it('runs the steps in llama.cpp order, each on the previous survivors renormalised', () => {
    // Top-k 3 leaves mass 0.875; top-p 0.8 then needs 0.7 of it: 0.75 reaches it after 2 ranks.
    assert.deepEqual(samplerCuts(HALVES, settings({ topK: 3, topP: 0.8 })),
      { topK: 3, topP: 2, minP: null, kept: 2, minPThreshold: null });
    // Top-p 0.9 of 0.875 is 0.7875: only all 3 reach it (0.75 does not).
    assert.equal(samplerCuts(HALVES, settings({ topK: 3, topP: 0.9 })).topP, 3);
    // Min-p 0.2 alone would keep 3 (threshold 0.1), but top-p 0.7 left only 2.
    assert.deepEqual(samplerCuts(HALVES, settings({ topP: 0.7, minP: 0.2 })),
      { topK: null, topP: 2, minP: 2, kept: 2, minPThreshold: 0.1 });
  });

  it('counts a top-k beyond the vocabulary as the whole vocabulary, and temperature 0 as one survivor', () => {
    assert.equal(samplerCuts(HALVES, settings({ topK: 100 })).topK, 5);
    assert.deepEqual(samplerCuts(HALVES, settings({ temperature: 0, topK: 4 })),
      { topK: 4, topP: null, minP: null, kept: 1, minPThreshold: null });
    assert.equal(samplerCuts(HALVES, settings({ temperature: 2 })).kept, 5, 'other temperatures prune nothing');
  });

  it('keeps nothing from an empty input or one without positive mass', () => {
    assert.deepEqual(samplerCuts([], settings({ temperature: 0 })), { topK: null, topP: null, minP: null, kept: 0, minPThreshold: null });
    assert.deepEqual(samplerCuts([0, 0, Number.NaN], settings({ topK: 2, topP: 0.5, minP: 0.1 })),
      { topK: 0, topP: 0, minP: 0, kept: 0, minPThreshold: 0 });
  });

  it('treats NaN settings as off, as normaliseSamplerSettings does', () => {
    const cuts = samplerCuts(HALVES, { temperature: Number.NaN, topK: Number.NaN, topP: Number.NaN, minP: Number.NaN });
    assert.deepEqual(cuts, { topK: null, topP: null, minP: null, kept: 5, minPThreshold: null });
  });

  it('agrees with applySamplers on the number of survivors', () => {
    const harmonic = Array.from({ length: 50 }, (_, i) => 1 / (i + 1));
    const distributions = [HALVES, FOUR_TIED, Float32Array.from(harmonic), [0.7, 0.2, 0.1, 0, 0]];
    for (const values of distributions) {
      for (const temperature of [0, 0.5, 1]) {
        for (const topK of [0, 1, 3, 100]) {
          for (const topP of [0, 0.5, 0.75, 0.9, 1]) {
            for (const minP of [0, 0.05, 0.125, 0.5, 1]) {
              const chosen = { temperature, topK, topP, minP };
              assert.equal(samplerCuts(values, chosen).kept, applySamplers(values, chosen).kept, JSON.stringify(chosen));
            }
          }
        }
      }
    }
  });
});

describe('sampler chart geometry', () => {
  it('puts boundary k at log(k + 1) / log(maxRank + 1) of the width', () => {
    assert.equal(boundaryX(0, 9, 100), 0);
    assertNear(boundaryX(1, 9, 100), Math.log10(2) * 100, 'after rank 1');
    assertNear(boundaryX(9, 9, 100), 100, 'after the last rank');
    assertNear(boundaryX(99, 999, 60), 40, 'log 100 / log 1000 = 2/3');
    assertNear(boundaryX(20, 9, 100), 100, 'clamped to the last rank');
    assert.equal(boundaryX(5, 0, 100), 0, 'no ranks');
  });

  it('puts probability on a log axis from 1 at the top down to 10^-decades at the floor', () => {
    assert.equal(probabilityY(1, 60, 6), 0);
    assertNear(probabilityY(1e-3, 60, 6), 30, 'three of six decades down');
    assertNear(probabilityY(0.01, 100, 4), 50, 'two of four');
    assertNear(probabilityY(1e-6, 60, 6), 60, 'the floor');
    assert.equal(probabilityY(1e-9, 60, 6), 60, 'below the floor: on it');
    assert.equal(probabilityY(0, 60, 6), 60);
    assert.equal(probabilityY(Number.NaN, 60, 6), 60);
    assert.equal(probabilityY(2, 60, 6), 0);
  });

  it('draws each rank as a flat step where a rank is wider than a column', () => {
    // Ranks 1–9 on 100 units: the narrowest band, rank 9, is log(10/9) ≈ 0.046 of the width, over two columns.
    const values = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9];
    const points = chartPoints(values, 9, 100, 60, 6);
    assert.equal(points.length, 18);
    assert.deepEqual(points[0], { x: 0, y: 10 });
    assertNear(points[1]?.x ?? NaN, Math.log10(2) * 100, 'rank 1 ends at boundary 1');
    assertNear(points[1]?.y ?? NaN, 10, 'flat');
    assertNear(points[2]?.x ?? NaN, Math.log10(2) * 100, 'rank 2 starts there');
    assertNear(points[2]?.y ?? NaN, 20, 'one decade lower');
    assertNear(points[17]?.x ?? NaN, 100, 'the last rank ends at the right edge');
    assert.equal(points[17]?.y, 60, 'on the floor');
  });

  it('stops a shorter prefix (the kept ranks) at its own last boundary', () => {
    const points = chartPoints([0.5, 0.3, 0.2], 9, 100, 60, 6);
    assert.equal(points.length, 6);
    assertNear(points[5]?.x ?? NaN, Math.log10(4) * 100, 'after rank 3');
  });

  it('draws a 32,000-rank vocabulary as at most two points per column, contiguous and in order', () => {
    const size = 32000;
    const values = new Float32Array(size).fill(1 / size);
    const width = 300;
    const points = chartPoints(values, size, width, 100, 6);
    assert.ok(points.length <= (2 * width) / COLUMN_WIDTH, `${points.length} points`);
    assert.equal(points[0]?.x, 0);
    assertNear(points[points.length - 1]?.x ?? NaN, width, 'reaches the right edge');
    for (let i = 1; i < points.length; i++) assert.ok((points[i]?.x ?? NaN) >= (points[i - 1]?.x ?? NaN), `x goes back at ${i}`);
    for (let i = 1; i + 1 < points.length; i += 2) assert.equal(points[i]?.x, points[i + 1]?.x, `a gap after point ${i}`);
    // p = 1/32000 is log10(32000) ≈ 4.505 decades down, of 6; float32 rounds p by ~1e-8 of itself.
    assertNear(points[1]?.y ?? NaN, (Math.log10(size) / 6) * 100, 'y of a uniform tail', 1e-6);
  });

  it('draws nothing for no ranks or no width', () => {
    assert.deepEqual(chartPoints([], 10, 100, 60, 6), []);
    assert.deepEqual(chartPoints([0.5, 0.5], 2, 0, 60, 6), []);
  });
});
