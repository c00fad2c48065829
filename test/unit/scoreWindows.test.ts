import { strict as assert } from 'node:assert';
import { scoreWindows, windowOverlap, windowScoring } from '../../src/core/lens/scoreWindows';

/** The tokens each window evaluates: BOS (index 0) first when there is one. */
const evaluated = (window: { contextStart: number; end: number }, hasBos: boolean) =>
  (hasBos ? [0] : []).concat(Array.from({ length: window.end - window.contextStart }, (_, i) => window.contextStart + i));

describe('scoreWindows', () => {
  it('scores a text that fits in one window', () => {
    assert.deepEqual(scoreWindows(10, 16, true), [{ contextStart: 1, scoreStart: 1, end: 10 }]);
    assert.deepEqual(scoreWindows(16, 16, false), [{ contextStart: 0, scoreStart: 1, end: 16 }]);
    assert.deepEqual(scoreWindows(1, 16, true), []);
  });

  for (const hasBos of [true, false]) {
    it(`scores every token once, with at least the overlap before it, in windows of at most a context (${hasBos ? 'BOS' : 'no BOS'})`, () => {
      for (const [count, contextSize] of [
        [17, 16],
        [100, 16],
        [20_001, 4096],
        [5000, 512],
      ] as const) {
        const windows = scoreWindows(count, contextSize, hasBos);
        const overlap = windowOverlap(contextSize);
        const scored: number[] = [];
        windows.forEach((window, index) => {
          assert.ok(evaluated(window, hasBos).length <= contextSize, `window ${index} fits the context`);
          if (index > 0) assert.equal(window.scoreStart - window.contextStart, overlap, `window ${index} starts with the overlap`);
          for (let token = window.scoreStart; token < window.end; token++) scored.push(token);
        });
        assert.deepEqual(
          scored,
          Array.from({ length: count - 1 }, (_, i) => i + 1),
        );
      }
    });
  }

  it('keeps the windows before an edit where they were', () => {
    const before = scoreWindows(3000, 512, true);
    const after = scoreWindows(3500, 512, true);
    const edited = windowScoring(after, 1400);
    assert.deepEqual(after.slice(0, edited), before.slice(0, edited));
    assert.ok(edited > 0 && (after[edited]?.scoreStart ?? Infinity) <= 1400 && 1400 < (after[edited]?.end ?? 0));
  });

  it('finds the window that scores a token, and the last for one past the end', () => {
    const windows = scoreWindows(100, 16, true);
    assert.equal(windowScoring(windows, 1), 0);
    assert.equal(windowScoring(windows, 15), 0);
    assert.equal(windowScoring(windows, 16), 1);
    assert.equal(windowScoring(windows, 1000), windows.length - 1);
  });

  it('refuses a context too small for any progress', () => {
    assert.throws(() => scoreWindows(10, 1, true), /no windows/);
    assert.throws(() => scoreWindows(10, 8, true, 7), /no windows/);
  });
});
