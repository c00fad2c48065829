import { strict as assert } from 'node:assert';
import { seededRandom } from '../../scripts/lib/seededRandom';
import {
  NEUTRAL_SAMPLER,
  applySamplers,
  decodeProbabilities,
  encodeProbabilities,
  entropyBits,
  logProbability,
  margin,
  normaliseSamplerSettings,
  surprisalBits,
  tailMass,
  visibleTokenText,
  type SamplerSettings,
} from '../../src/core/lens/distributionMath';

const EPS = 1e-9;

function assertClose(actual: ArrayLike<number>, expected: readonly number[], tolerance = EPS): void {
  assert.equal(actual.length, expected.length, `length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] ?? NaN;
    const e = expected[i] ?? NaN;
    assert.ok(Math.abs(a - e) <= tolerance, `rank ${i}: ${a} vs ${e} (got [${Array.from(actual).join(', ')}])`);
  }
}

function assertNear(actual: number, expected: number, tolerance = EPS): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} vs ${expected}`);
}

const sampler = (overrides: Partial<SamplerSettings>): SamplerSettings => ({ ...NEUTRAL_SAMPLER, ...overrides });

const FOUR = [0.5, 0.25, 0.15, 0.1];
const THREE = [0.5, 0.25, 0.25];

const random = seededRandom;

function randomSortedDistribution(next: () => number, length: number): Float32Array {
  const raw = Array.from({ length }, () => next() ** 4).sort((x, y) => y - x);
  const sum = raw.reduce((s, x) => s + x, 0);
  return Float32Array.from(raw, (x) => x / sum);
}

describe('NEUTRAL_SAMPLER and normaliseSamplerSettings', () => {
  it('is temperature 1 with every pruning sampler off, and frozen', () => {
    assert.deepEqual({ ...NEUTRAL_SAMPLER }, { temperature: 1, topK: 0, topP: 1, minP: 0 });
    assert.ok(Object.isFrozen(NEUTRAL_SAMPLER));
  });

  it('clamps out-of-range values and maps NaN to neutral', () => {
    assert.deepEqual(normaliseSamplerSettings({ temperature: -1, topK: -3, topP: 1.5, minP: 2 }), {
      temperature: 0,
      topK: 0,
      topP: 1,
      minP: 1,
    });
    assert.deepEqual(normaliseSamplerSettings({ temperature: NaN, topK: NaN, topP: NaN, minP: NaN }), {
      temperature: 1,
      topK: 0,
      topP: 1,
      minP: 0,
    });
    assert.deepEqual(normaliseSamplerSettings({ temperature: 0.7, topK: 2.7, topP: -0.2, minP: -1 }), {
      temperature: 0.7,
      topK: 2,
      topP: 0,
      minP: 0,
    });
    assert.deepEqual(normaliseSamplerSettings({ temperature: Infinity, topK: Infinity, topP: 0.9, minP: 0.05 }), {
      temperature: Infinity,
      topK: 0,
      topP: 0.9,
      minP: 0.05,
    });
  });
});

describe('applySamplers: single samplers', () => {
  it('reproduces the input under neutral settings, renormalised', () => {
    const exact = applySamplers(Float32Array.from([0.5, 0.25, 0.125, 0.125]), NEUTRAL_SAMPLER);
    assert.deepEqual(Array.from(exact.probabilities), [0.5, 0.25, 0.125, 0.125]);
    assert.equal(exact.kept, 4);
    const unnormalised = applySamplers([2, 1, 1], NEUTRAL_SAMPLER);
    assertClose(unnormalised.probabilities, [0.5, 0.25, 0.25]);
    assert.equal(unnormalised.kept, 3);
  });

  it('temperature 2 makes probabilities proportional to sqrt(p)', () => {
    // [√0.5, √0.25, √0.25] = [0.70711, 0.5, 0.5], sum 1.70711 → [0.414214, 0.292893, 0.292893]
    const { probabilities, kept } = applySamplers(THREE, sampler({ temperature: 2 }));
    assertClose(probabilities, [0.414214, 0.292893, 0.292893], 1e-6);
    assert.equal(kept, 3);
  });

  it('temperature 0.5 squares and renormalises', () => {
    // [0.25, 0.0625, 0.0625] / 0.375 = [2/3, 1/6, 1/6]
    const { probabilities, kept } = applySamplers(THREE, sampler({ temperature: 0.5 }));
    assertClose(probabilities, [2 / 3, 1 / 6, 1 / 6]);
    assert.equal(kept, 3);
  });

  it('temperature 0 is greedy: all mass on rank 0, and only rank 0 kept', () => {
    const { probabilities, kept } = applySamplers(THREE, sampler({ temperature: 0 }));
    assert.deepEqual(Array.from(probabilities), [1, 0, 0]);
    assert.equal(kept, 1);
  });

  it('infinite temperature is uniform over the positive survivors', () => {
    const { probabilities, kept } = applySamplers([0.5, 0.25, 0.25, 0], sampler({ temperature: Infinity }));
    assertClose(probabilities, [1 / 3, 1 / 3, 1 / 3, 0]);
    assert.equal(kept, 4);
  });

  it('a tiny temperature does not underflow to NaN', () => {
    // Naively 0.34^1000 underflows to 0 for every rank; as ratios, rank 1 weighs (33/34)^1000 ≈ 1.1e-13.
    const { probabilities } = applySamplers([0.34, 0.33, 0.33], sampler({ temperature: 0.001 }));
    assert.ok(probabilities.every((p) => Number.isFinite(p)));
    assertNear(probabilities[0] ?? NaN, 1, 1e-12);
    assertNear(probabilities[1] ?? NaN, Math.pow(33 / 34, 1000), 1e-15);
  });

  it('top-k 2 keeps the first two ranks, renormalised', () => {
    const { probabilities, kept } = applySamplers(FOUR, sampler({ topK: 2 }));
    assertClose(probabilities, [2 / 3, 1 / 3, 0, 0]);
    assert.equal(kept, 2);
  });

  it('top-k of 0 or at least the length is off', () => {
    assert.equal(applySamplers(FOUR, sampler({ topK: 0 })).kept, 4);
    assert.equal(applySamplers(FOUR, sampler({ topK: 4 })).kept, 4);
    assert.equal(applySamplers(FOUR, sampler({ topK: 100 })).kept, 4);
  });

  it('top-p keeps the smallest prefix whose cumulative probability reaches p', () => {
    // Cumulative: 0.5, 0.75, 0.9, 1.0
    const cut = (topP: number) => applySamplers(FOUR, sampler({ topP }));
    assert.equal(cut(0.4).kept, 1);
    assert.equal(cut(0.5).kept, 1, 'reaching p exactly at rank 0 stops there');
    assert.equal(cut(0.6).kept, 2);
    assert.equal(cut(0.75).kept, 2, 'reaching p exactly at rank 1 stops there');
    assert.equal(cut(0.76).kept, 3);
    assert.equal(cut(0.95).kept, 4);
    assertClose(cut(0.6).probabilities, [2 / 3, 1 / 3, 0, 0]);
    assertClose(cut(0.76).probabilities, [5 / 9, 5 / 18, 1 / 6, 0]);
  });

  it('top-p is not thrown off by double rounding at an exact cut', () => {
    // 0.6 + 0.3 is 0.8999999999999999 in doubles (the total is exactly 1); on paper it reaches 0.9 at rank 1.
    assert.equal(applySamplers([0.6, 0.3, 0.05, 0.05], sampler({ topP: 0.9 })).kept, 2);
  });

  it('top-p of 0 or below keeps rank 0 only; 1 or above is off', () => {
    assert.equal(applySamplers(FOUR, sampler({ topP: 0 })).kept, 1);
    assert.equal(applySamplers(FOUR, sampler({ topP: -0.2 })).kept, 1);
    assert.equal(applySamplers(FOUR, sampler({ topP: 1 })).kept, 4);
    assert.equal(applySamplers(FOUR, sampler({ topP: 1.5 })).kept, 4);
  });

  it('min-p 0.4 keeps ranks with p ≥ 0.4 · 0.5 = 0.2', () => {
    const { probabilities, kept } = applySamplers(FOUR, sampler({ minP: 0.4 }));
    assert.equal(kept, 2);
    assertClose(probabilities, [2 / 3, 1 / 3, 0, 0]);
  });

  it('min-p keeps a probability exactly at the threshold', () => {
    // 0.3 · 0.5 = 0.15: rank 2 (0.15) stays; 0.31 · 0.5 = 0.155 drops it.
    assert.equal(applySamplers(FOUR, sampler({ minP: 0.3 })).kept, 3);
    assert.equal(applySamplers(FOUR, sampler({ minP: 0.31 })).kept, 2);
  });

  it('min-p is not thrown off by double rounding at an exact threshold', () => {
    // 0.1 · 0.4 is 0.04000000000000001 in doubles; on paper rank 4 (0.04) sits exactly on the threshold.
    assert.equal(applySamplers([0.4, 0.3, 0.2, 0.06, 0.04], sampler({ minP: 0.1 })).kept, 5);
  });

  it('min-p above 1 is clamped to 1, keeping only ranks tied with rank 0', () => {
    const { probabilities, kept } = applySamplers([0.4, 0.4, 0.2], sampler({ minP: 2 }));
    assert.equal(kept, 2);
    assertClose(probabilities, [0.5, 0.5, 0]);
    assert.equal(applySamplers(FOUR, sampler({ minP: -1 })).kept, 4);
  });
});

describe('applySamplers: ties, order and combinations', () => {
  it('top-k and top-p cut between tied probabilities by the prefix rule', () => {
    assert.equal(applySamplers([0.4, 0.4, 0.2], sampler({ topK: 1 })).kept, 1);
    assert.equal(applySamplers([0.4, 0.4, 0.2], sampler({ topP: 0.4 })).kept, 1);
  });

  it('applies top-p before temperature, as llama.cpp does', () => {
    // top-p 0.6 on [0.5, 0.25, 0.15, 0.1] keeps 2; then T = 0.5: [0.25, 0.0625] / 0.3125 = [0.8, 0.2].
    // Temperature first would give [0.7246, 0.1812, 0.0652, 0.0290], where top-p 0.6 keeps only rank 0.
    const { probabilities, kept } = applySamplers(FOUR, sampler({ topP: 0.6, temperature: 0.5 }));
    assert.equal(kept, 2);
    assertClose(probabilities, [0.8, 0.2, 0, 0]);
  });

  it('top-p sees the distribution renormalised after top-k', () => {
    // top-k 2 → [2/3, 1/3]; 2/3 ≥ 0.6 so top-p keeps 1 (on the raw input it would need 2 ranks).
    const { probabilities, kept } = applySamplers(FOUR, sampler({ topK: 2, topP: 0.6 }));
    assert.equal(kept, 1);
    assert.deepEqual(Array.from(probabilities), [1, 0, 0, 0]);
  });

  it('applies top-p before min-p, as llama.cpp does', () => {
    // top-p 0.5 on [0.4, 0.3, 0.2, 0.1] keeps 2 (0.4 < 0.5 ≤ 0.7); min-p 0.6 (p ≥ 0.24) keeps both.
    // min-p first would keep [0.4, 0.3] → [4/7, 3/7], where 4/7 ≥ 0.5 lets top-p keep only rank 0.
    const { probabilities, kept } = applySamplers([0.4, 0.3, 0.2, 0.1], sampler({ topP: 0.5, minP: 0.6 }));
    assert.equal(kept, 2);
    assertClose(probabilities, [4 / 7, 3 / 7, 0, 0]);
  });

  it('chains top-p, min-p and temperature', () => {
    // top-k 3 keeps [0.4, 0.3, 0.2] (sum 0.9); top-p 0.9 on that, renormalised, needs all 3;
    // min-p 0.6 needs p ≥ 0.24, keeping [0.4, 0.3];
    // T = 2: [√0.4, √0.3] = [0.632456, 0.547723], sum 1.180179 → [0.535898, 0.464102].
    const { probabilities, kept } = applySamplers([0.4, 0.3, 0.2, 0.1], { temperature: 2, topK: 3, topP: 0.9, minP: 0.6 });
    assert.equal(kept, 2);
    assertClose(probabilities, [0.535898, 0.464102, 0, 0], 1e-6);
  });

  it('negative temperature is greedy and NaN temperature is neutral', () => {
    assert.deepEqual(Array.from(applySamplers(THREE, sampler({ temperature: -1 })).probabilities), [1, 0, 0]);
    assertClose(applySamplers(THREE, sampler({ temperature: NaN })).probabilities, THREE);
  });

  it('returns nothing kept for an empty or massless input', () => {
    const empty = applySamplers([], NEUTRAL_SAMPLER);
    assert.equal(empty.kept, 0);
    assert.equal(empty.probabilities.length, 0);
    const zeros = applySamplers([0, 0, 0], sampler({ temperature: 0 }));
    assert.equal(zeros.kept, 0);
    assert.deepEqual(Array.from(zeros.probabilities), [0, 0, 0]);
  });

  it('treats negative and NaN input values as 0', () => {
    const { probabilities } = applySamplers([0.5, 0.5, NaN, -0.1], NEUTRAL_SAMPLER);
    assert.deepEqual(Array.from(probabilities), [0.5, 0.5, 0, 0]);
  });

  it('does not modify its input', () => {
    const input = Float32Array.from(FOUR);
    const copy = Float32Array.from(input);
    applySamplers(input, { temperature: 0.3, topK: 3, topP: 0.8, minP: 0.1 });
    assert.deepEqual(input, copy);
  });

  it('always sums to 1 over a non-empty kept prefix and is 0 beyond it', () => {
    const next = random(42);
    for (let round = 0; round < 200; round++) {
      const input = randomSortedDistribution(next, 1 + Math.floor(next() * 300));
      const settings = { temperature: next() * 3, topK: Math.floor(next() * 50), topP: next(), minP: next() * 0.5 };
      const { probabilities, kept } = applySamplers(input, settings);
      const context = `round ${round}: ${JSON.stringify(settings)}`;
      assert.ok(kept >= 1 && kept <= input.length, context);
      assertNear(probabilities.reduce((s, p) => s + p, 0), 1, 1e-12);
      assert.ok(probabilities.subarray(kept).every((p) => p === 0), context);
      for (let i = 1; i < kept; i++) assert.ok((probabilities[i] ?? 0) <= (probabilities[i - 1] ?? 0), `${context}: order kept`);
    }
  });
});

describe('distribution statistics', () => {
  it('entropyBits: uniform over 4 is 2, one-hot is 0, [0.5, 0.25, 0.25] is 1.5', () => {
    assertNear(entropyBits([0.25, 0.25, 0.25, 0.25]), 2);
    assert.equal(entropyBits([1]), 0);
    assert.ok(Object.is(entropyBits([1, 0, 0]), 0), 'no -0');
    assertNear(entropyBits(THREE), 1.5);
    assertNear(entropyBits(Float32Array.from([0.5, 0.5, 0])), 1);
    assert.equal(entropyBits([]), 0);
  });

  it('tailMass sums the ranks from k on', () => {
    assertNear(tailMass(FOUR, 2), 0.25);
    assertNear(tailMass(FOUR, 1), 0.5);
    assertNear(tailMass(FOUR, 0), 1);
    assertNear(tailMass(FOUR, -1), 1);
    assertNear(tailMass(FOUR, 1.5), 0.5);
    assert.equal(tailMass(FOUR, 4), 0);
    assert.equal(tailMass(FOUR, 10), 0);
  });

  it('margin is p(rank 0) − p(rank 1), 0 for fewer than two ranks', () => {
    assert.equal(margin(FOUR), 0.25);
    assert.equal(margin([0.4, 0.4, 0.2]), 0);
    assert.equal(margin([1]), 0);
    assert.equal(margin([]), 0);
  });

  it('surprisalBits is −log2 p', () => {
    assert.equal(surprisalBits(0.25), 2);
    assert.equal(surprisalBits(0.5), 1);
    assert.ok(Object.is(surprisalBits(1), 0), 'no -0');
    assert.equal(surprisalBits(0), Infinity);
  });

  it('logProbability is the natural log', () => {
    assert.equal(logProbability(1), 0);
    assert.equal(logProbability(0), -Infinity);
    assertNear(logProbability(Math.exp(-2)), -2);
  });
});

describe('encodeProbabilities / decodeProbabilities', () => {
  it('encodes little-endian float32 bytes', () => {
    // 1.0f = 0x3F800000 → 00 00 80 3F; -2.5f = 0xC0200000 → 00 00 20 C0.
    assert.equal(encodeProbabilities([1, -2.5]), 'AACAPwAAIMA=');
    assert.deepEqual(Array.from(decodeProbabilities('AACAPwAAIMA=')), [1, -2.5]);
  });

  it('round-trips an empty array', () => {
    assert.equal(encodeProbabilities([]), '');
    assert.equal(decodeProbabilities('').length, 0);
  });

  it('round-trips random arrays to float32 precision, including ones longer than a chunk', () => {
    const next = random(7);
    for (const length of [1, 3, 1000, 70000]) {
      const values = Array.from({ length }, () => next());
      const decoded = decodeProbabilities(encodeProbabilities(values));
      assert.equal(decoded.length, length);
      for (let i = 0; i < length; i++) {
        assert.equal(decoded[i], Math.fround(values[i] ?? NaN), `length ${length}, index ${i}`);
      }
    }
  });

  it('encodes only the elements of a typed-array view, not its whole buffer', () => {
    const whole = Float32Array.from([9, 1, -2.5, 9]);
    assert.equal(encodeProbabilities(whole.subarray(1, 3)), 'AACAPwAAIMA=');
    assert.deepEqual(Array.from(decodeProbabilities(encodeProbabilities(Float64Array.from([0.25, 0.5])))), [0.25, 0.5]);
  });

  it('rejects text that is not whole float32 values', () => {
    assert.throws(() => decodeProbabilities('AAA='), /multiple of 4/);
  });
});

describe('visibleTokenText', () => {
  it('shows whitespace as visible glyphs', () => {
    assert.equal(visibleTokenText(' if'), '·if');
    assert.equal(visibleTokenText('\t\n'), '→↵');
    assert.equal(visibleTokenText('\r\n'), '␍↵');
  });

  it('leaves HTML-significant characters alone', () => {
    assert.equal(visibleTokenText('<img src=x onerror=alert(1)>'), '<img·src=x·onerror=alert(1)>');
    assert.equal(visibleTokenText('<b>&amp;</b>'), '<b>&amp;</b>');
  });

  it('escapes bidi controls, other C0 controls and DEL', () => {
    assert.equal(visibleTokenText('\u202Eevil'), '\\u202Eevil');
    assert.equal(visibleTokenText('\u202A\u2066x\u2069\u200E\u200F\u061C'), '\\u202A\\u2066x\\u2069\\u200E\\u200F\\u061C');
    assert.equal(visibleTokenText('\u0000\u001b\u007f'), '\\u0000\\u001B\\u007F');
  });

  it('shows the empty token as ∅ and leaves other text intact', () => {
    assert.equal(visibleTokenText(''), '∅');
    assert.equal(visibleTokenText('é😀漢'), 'é😀漢');
  });
});
