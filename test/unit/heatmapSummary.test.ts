import { strict as assert } from 'node:assert';
import { lineOf, lineStarts, mergeRescored, surprisingLines } from '../../src/core/lens/heatmapSummary';

describe('heatmap bookkeeping', () => {
  it('keeps the spans before the re-scored part and replaces the rest', () => {
    const previous = [{ start: 0, end: 3, bits: 1 }, { start: 3, end: 5, bits: 2 }, { start: 5, end: 9, bits: 3 }];
    const fresh = [{ start: 3, end: 6, bits: 7 }, { start: 6, end: 8, bits: 8 }];
    assert.deepEqual(mergeRescored(previous, fresh), [{ start: 0, end: 3, bits: 1 }, ...fresh]);
    assert.deepEqual(mergeRescored(previous, []), [], 'nothing scored: an empty text');
  });

  it('finds the line of an offset', () => {
    const starts = lineStarts('ab\ncd\n\nef');
    assert.deepEqual(starts, [0, 3, 6, 7]);
    assert.equal(lineOf(starts, 0), 0);
    assert.equal(lineOf(starts, 2), 0);
    assert.equal(lineOf(starts, 3), 1);
    assert.equal(lineOf(starts, 6), 2);
    assert.equal(lineOf(starts, 8), 3);
  });

  it('ranks lines by mean surprisal per token, ignoring whitespace-only tokens', () => {
    const text = 'let a = 1;\n  weird();\nok\n';
    const spans = [
      { start: 0, end: 3, bits: 2 }, { start: 3, end: 5, bits: 4 }, // line 0: mean 3
      { start: 11, end: 13, bits: 50 }, // line 1: indentation only, ignored
      { start: 13, end: 18, bits: 9 }, { start: 18, end: 21, bits: 7 }, // line 1: mean 8
      { start: 22, end: 24, bits: 1 }, // line 2: mean 1
    ];
    assert.deepEqual(surprisingLines(text, spans, 2), [
      { line: 1, bits: 8, text: 'weird();' },
      { line: 0, bits: 3, text: 'let a = 1;' },
    ]);
  });

  it('leaves out infinite surprisal rather than let one token swamp a line mean', () => {
    assert.deepEqual(surprisingLines('x\n', [{ start: 0, end: 1, bits: Infinity }], 5), []);
  });
});
